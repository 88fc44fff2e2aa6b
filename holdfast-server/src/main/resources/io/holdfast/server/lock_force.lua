-- lock_force.lua: free a lock whoever holds it (an admin action, or the release of a closing session's
-- locks); one atomic step on the lock's slot. (common.lua is prepended.)
--
-- KEYS[1]  lock key    P:{F}
-- ARGV[1]  expected fencing token, or '0' for whichever grant holds it
-- ARGV[2]  expected session id, or '' for any
-- ARGV[3]  release channel P:{F}:released
-- ARGV[4]  'SPUBLISH' to also publish on the sharded channel, else 'PUBLISH'
--
-- Returns  {1, token, session id}  freed the grant with that token (held or lock-delayed); waiters are
--                                  woken; session id is '' for a library grant
--          {0}                     the lock was free; nothing to do
--          {-3, token}             held under another token or session than expected; nothing changed
--
-- Invariant: the old grant's renew and release fail from now on (its hash is gone), and the next grant
-- draws max(counter + 1, TIME) from the counter, so its token is larger than the freed one and a fenced
-- resource refuses the old holder's writes. The fence counter itself never moves back. Repeating it is
-- harmless: the second call finds the lock free or someone else's grant.
local lock, expected, esid, channel, mode = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local state, _, f = lock_state(lock, clock())
if state == 'free' then
  redis.call('DEL', lock)
  return {0}
end
if (expected ~= '0' and f[2] ~= expected) or (esid ~= '' and f[5] ~= esid) then
  return {-3, tonumber(f[2])}
end
redis.call('DEL', lock)
publish(channel, f[2], mode)
return {1, tonumber(f[2]), f[5] or ''}
