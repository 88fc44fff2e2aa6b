-- holders_undo.lua: give back the read/write-lock hold or semaphore permit one acquire attempt added, on one
-- independent master, when the attempt did not reach a majority in time (undo.lua does the same for the plain
-- lock), in one atomic step. holders.lua (prepended) describes the holder table; lockstate.lua gives
-- publish_release.
--
-- KEYS[1]  holders   <prefix>:{<name>}:rw or :sem
-- KEYS[2]  expiries  the same with :x
-- ARGV[1]  member    'w', 'r<owner>' or 'p<owner>'
-- ARGV[2]  owner token
-- ARGV[3]  the request id of the attempt (the grant script stored it in the holder's value)
-- ARGV[4]  release channel <prefix>:{<name>}:rw:freed or :sem:freed
-- ARGV[5]  'SPUBLISH' to publish on the sharded channel, else PUBLISH (see lockstate.lua)
--
-- Returns  1  the attempt's hold was given back: one hold fewer, or the member gone (with its slot index; a
--             release message as holders_release.lua sends it, and the keys with the last holder)
--          0  nothing of that attempt is here (busy, never got the acquire, expired, or changed since); nothing
--             changed
--
-- The hold is found by member, owner and request id, so the caller can send this to every master right behind
-- the acquire without waiting for its reply: the master's CommandLane issues them in that order, so Redis runs
-- them in that order and a grant still in flight is undone too. The request id is replaced by 'undone', so a
-- second undo of the same attempt finds nothing. A re-entry's lease keeps the longer expiry it got: it is still
-- the same owner's.
local h, z = KEYS[1], KEYS[2]
local member, owner, attempt, channel, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local now = redis_ms()
prune(h, z, now)

local e = holder(h, member)
if not e or e[1] ~= owner or e[4] ~= attempt then
  return 0
end
if e[3] > 1 then
  e[3] = e[3] - 1
  e[4] = 'undone'
  redis.call('HSET', h, member, encode(e))
  return 1
end
let_go(h, z, member, e, channel, mode, now)
return 1
