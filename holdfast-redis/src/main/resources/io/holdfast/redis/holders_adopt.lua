-- holders_adopt.lua: make one master's read/write-lock hold or semaphore permit carry the token a quorum settled
-- on (independent masters, second round of an acquire; adopt.lua does the same for the plain lock), in one atomic
-- step. holders.lua (prepended) describes the holder table.
--
-- KEYS[1]  holders   <prefix>:{<name>}:rw or :sem
-- KEYS[2]  expiries  the same with :x
-- KEYS[3]  fence key, this master's counter (KeySpace.fenceKey)
-- ARGV[1]  member    'w', 'r<owner>' or 'p<owner>'
-- ARGV[2]  owner token
-- ARGV[3]  the request id of the acquire attempt (the grant script stored it in the holder's value)
-- ARGV[4]  the settled token: the largest token of the masters that granted, or the token a majority already
--          agreed on for a re-entry
-- ARGV[5]  the settled hold count
-- ARGV[6]  for a permit: the slot the attempt asked for; '' for a read/write hold
--
-- Returns  1  adopted: the hold now carries the settled token and hold count (and its slot index the token),
--             and the counter is at least the settled token
--          0  this master did not grant that attempt (busy, or the hold expired or changed since), the hold is in
--             another slot than the attempt's, or another hold of the name already carries the settled token
--             here; nothing changed
--
-- The hold is identified by owner and request id, not by its token, so the caller can send this right behind
-- an acquire whose reply it has not seen yet: the master's CommandLane issues them in that order, and Redis runs
-- them in the order they were issued.
--
-- Invariant: the counter never decreases; afterwards it is >= the settled token, so every later grant on this
-- master draws a larger token (adopt.lua's argument: tokens keep increasing across the quorum). No two live
-- holds of a name carry one token on a master: two holds granted at once by majorities that share this master
-- could otherwise settle the same token (each the largest of different masters' draws at the same microsecond),
-- so the second to arrive here is refused and its attempt fails instead. Cost: prune, HGET, HGETALL of the table
-- (the refusal check; holders of one name), HSET, GET and maybe SET of the counter.
local h, z, fence = KEYS[1], KEYS[2], KEYS[3]
local member, owner, attempt, settled, holds, slot = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
prune(h, z, redis_ms())

local e = holder(h, member)
if not e or e[1] ~= owner or e[4] ~= attempt or (slot ~= '' and e[5] ~= slot) then
  return 0
end
if e[2] ~= settled then
  local all = redis.call('HGETALL', h)
  for i = 1, #all, 2 do
    if all[i] ~= member and string.sub(all[i], 1, 1) ~= 'k' and string.match(all[i + 1], '^%S+ (%d+) ') == settled then
      return 0
    end
  end
  if e[5] then
    redis.call('HSET', h, 'k' .. e[5], owner .. ' ' .. settled)
  end
end
e[2] = settled
e[3] = holds
redis.call('HSET', h, member, encode(e))
if tonumber(redis.call('GET', fence) or '0') < tonumber(settled) then
  redis.call('SET', fence, settled)
end
return 1
