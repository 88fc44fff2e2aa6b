-- adopt.lua: make one master's grant carry the token a quorum settled on (independent-masters mode,
-- second round of an acquire), in one atomic step.
--
-- KEYS[1]  lock key   <prefix>:{<name>}  (hash o, t, r and c; see acquire.lua)
-- KEYS[2]  fence key  <prefix>:fence, this master's counter
-- ARGV[1]  owner token
-- ARGV[2]  the request id of the acquire attempt (acquire.lua stored it in r)
-- ARGV[3]  the settled token: the largest token of the masters that granted, or the token a majority
--          already agreed on for a re-entry
-- ARGV[4]  the settled hold count
--
-- Returns  1  adopted: the lock now carries the settled token and hold count, and the counter is at
--             least the settled token
--          0  this master did not grant that attempt (busy, or the grant expired or changed since);
--             nothing changed
--
-- The grant is identified by owner and request id, not by its token, so the caller can send this right
-- behind an acquire whose reply it has not seen yet: on one connection Redis runs them in order.
--
-- Invariant: the counter never decreases; afterwards it is >= the settled token, so every later grant on
-- this master draws a larger token. A grant reported to the caller holds the settled token on a majority
-- of masters, each of which ran this (or drew that token itself), and any later majority shares at least
-- one master with it: that is why tokens keep increasing across the quorum as long as that master kept
-- its data (see docs/guarantees.md). r is kept, so undo.lua can still find this attempt's hold.
local key, fence = KEYS[1], KEYS[2]
local owner, attempt, settled, holds = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

local held = redis.call('HMGET', key, 'o', 'r')
if held[1] ~= owner or held[2] ~= attempt then
  return 0
end
redis.call('HSET', key, 't', settled)
if holds > 1 then
  redis.call('HSET', key, 'c', holds)
else
  redis.call('HDEL', key, 'c')
end
if tonumber(redis.call('GET', fence) or '0') < tonumber(settled) then
  redis.call('SET', fence, settled)
end
return 1
