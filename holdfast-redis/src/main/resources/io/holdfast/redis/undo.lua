-- undo.lua: give back the hold one acquire attempt added on one master, in one atomic step
-- (independent-masters mode, when the attempt did not reach a majority in time).
--
-- KEYS[1]  lock key  <prefix>:{<name>}  (hash o, t, r and c; see acquire.lua)
-- ARGV[1]  owner token
-- ARGV[2]  the request id of the failed attempt (acquire.lua stored it in r)
-- ARGV[3]  release channel <prefix>:{<name>}:released
--
-- Returns  1  the attempt's hold was given back (the key deleted and the release published if it was
--             the only hold)
--          0  this master holds nothing from that attempt (it was busy, never got the acquire, or the
--             lock changed since); nothing changed
--
-- The hold is identified by owner and request id, so the caller can send this to every master right
-- behind the acquire, without waiting for its reply: Redis runs the two in order on one connection, so a
-- grant that was still in flight is undone too. r is cleared, so a second undo of the same attempt finds
-- nothing.
local key = KEYS[1]
local owner, attempt, channel = ARGV[1], ARGV[2], ARGV[3]

local held = redis.call('HMGET', key, 'o', 'r', 'c', 't')
if held[1] ~= owner or held[2] ~= attempt then
  return 0
end
local holds = tonumber(held[3] or '1') - 1
if holds <= 0 then
  redis.call('DEL', key)
  redis.call('PUBLISH', channel, held[4])
  return 1
end
if holds == 1 then
  redis.call('HDEL', key, 'c')
else
  redis.call('HSET', key, 'c', holds)
end
redis.call('HSET', key, 'r', 'undone')
return 1
