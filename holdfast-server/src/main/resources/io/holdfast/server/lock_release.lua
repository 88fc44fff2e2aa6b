-- lock_release.lua: release one hold of a lock; one atomic step on the lock's slot. (common.lua is
-- prepended.)
--
-- KEYS[1]  lock key  P:{F}
-- ARGV[1]  owner token
-- ARGV[2]  fencing token of the grant (decimal string)
-- ARGV[3]  request id (decimal string)
-- ARGV[4]  release channel P:{F}:released
-- ARGV[5]  'SPUBLISH' to also publish on the sharded channel (Redis Cluster 7+), else 'PUBLISH'
--
-- Returns  {1, n}  released; n holds are left. At 0 the lock key is deleted and the token is published,
--                  so waiters retry at once
--          {-3}    not held by this owner under this token (expired, lock-delayed, force-released or
--                  taken); nothing changed
--
-- Invariant: only the holder of the current, live grant changes the lock; a lock-delayed grant cannot be
-- released early by its old holder. A retried release (same request id as the last change) does not
-- take a second hold. A clean release has no lock-delay. The session's lock list is not touched here
-- (another slot): the next keep-alive drops the entry.
local lock = KEYS[1]
local owner, token, request, channel, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

local state, _, f = lock_state(lock, clock())
if state ~= 'held' or f[1] ~= owner or f[2] ~= token then
  return {-3}
end
local holds = tonumber(f[3] or '1')
if f[4] == request then
  return {1, holds}
end
holds = holds - 1
if holds > 0 then
  redis.call('HSET', lock, 'c', holds, 'r', request)
  return {1, holds}
end
redis.call('DEL', lock)
publish(channel, token, mode)
return {1, 0}
