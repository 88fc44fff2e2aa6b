-- undo.lua: give back the hold one acquire attempt added, in one atomic step: on one independent master when
-- the attempt did not reach a majority in time, and in the lock service when a grant reached no caller (its
-- caller had gone, or a step after the grant failed). (lockstate.lua, prepended, describes the lock hash.)
--
-- KEYS[1]  lock key  <prefix>:{<name>}
-- ARGV[1]  owner token
-- ARGV[2]  the request id of the attempt (acquire.lua stored it in r)
-- ARGV[3]  release channel <prefix>:{<name>}:released
-- ARGV[4]  optional: how to publish, as release.lua's ARGV[5] ('SPUBLISH', 'BOTH', else PUBLISH)
--
-- Returns  1  the attempt's hold was given back (the key deleted and the release published if it was
--             the only hold)
--          0  nothing of that attempt is given back: this lock holds nothing from it (it was busy, never got
--             the acquire, or the lock changed since), the same request was answered again since (p: a retry,
--             perhaps through another service instance, may have handed the hold to the caller), or the
--             grant is a session grant past its holding time (its lock-delay is not cut short); nothing changed
--
-- The hold is identified by owner and request id, so the caller can send this to every master right
-- behind the acquire, without waiting for its reply: each master's CommandLane issues commands to it in the
-- order they were given (Lettuce alone does not, across threads), so Redis runs the two in that order and a
-- grant that was still in flight is undone too. r is cleared, so a second undo of the same attempt finds
-- nothing.
local key = KEYS[1]
local owner, attempt, channel, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local held = redis.call('HMGET', key, 'o', 'r', 'c', 't', 'p', 'e', 'x')
if held[1] ~= owner or held[2] ~= attempt or held[5] == attempt then
  return 0
end
if held[6] and redis_ms() >= held_until(tonumber(held[6]), tonumber(held[7])) then
  return 0
end
local holds = tonumber(held[3] or '1') - 1
if holds <= 0 then
  redis.call('DEL', key)
  publish_release(channel, held[4], mode)
  return 1
end
if holds == 1 then
  redis.call('HDEL', key, 'c')
else
  redis.call('HSET', key, 'c', holds)
end
redis.call('HSET', key, 'r', 'undone')
return 1
