-- force_release.lua: free a lock whoever holds it (an admin action); one atomic step. (common.lua is
-- prepended.)
--
-- KEYS[1]  lock key    P:{F}
-- KEYS[2]  lock index  P:locks:index
-- ARGV[1]  key prefix P
-- ARGV[2]  expected fencing token, or '0' for whichever grant holds it
-- ARGV[3]  release channel P:{F}:released
--
-- Returns  {1, token}   freed the grant with that token (held or lock-delayed); waiters are woken
--          {0}          the lock was free; nothing to do
--          {-3, token}  held under another token than expected; nothing changed
--
-- Invariant: the old grant's renew and release fail from now on (its hash is gone), and the next grant
-- draws max(counter + 1, TIME) from the shared counter, so its token is larger than the freed one and a
-- fenced resource refuses the old holder's writes. The fence counter itself never moves back.
local lock, index, prefix, expected, channel = KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3]
local state, _, f = lock_state(lock, prefix, clock())
if state == 'free' then
  redis.call('DEL', lock)
  redis.call('ZREM', index, full_name(lock))
  return {0}
end
if expected ~= '0' and f[2] ~= expected then
  return {-3, tonumber(f[2])}
end
redis.call('DEL', lock)
if f[5] then
  redis.call('HDEL', session_locks_key(prefix, f[5]), lock)
end
redis.call('ZREM', index, full_name(lock))
redis.call('PUBLISH', channel, f[2])
return {1, tonumber(f[2])}
