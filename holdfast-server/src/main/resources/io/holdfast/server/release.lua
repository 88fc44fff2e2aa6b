-- release.lua: release one hold of a lock; one atomic step. (common.lua is prepended.)
--
-- KEYS[1]  lock key        P:{F}
-- KEYS[2]  caller session  P:session:{sid}
-- KEYS[3]  lock index      P:locks:index
-- ARGV[1]  tenant of the caller
-- ARGV[2]  owner token
-- ARGV[3]  fencing token of the grant (decimal string)
-- ARGV[4]  request id (decimal string)
-- ARGV[5]  release channel P:{F}:released
-- ARGV[6]  key prefix P
--
-- Returns  {1, n}  released; n holds are left. At 0 the lock key is deleted, the grant leaves its
--                  session's lock set and the token is published, so waiters retry at once
--          {-3}    not held by this owner under this token (expired, lock-delayed, force-released or
--                  taken); nothing changed
--          {-1}    unknown session (or another tenant's); {-2} session expired; nothing changed
--
-- Invariant: only the holder of the current, live grant changes the lock; a lock-delayed grant cannot be
-- released early by its old holder. A retried release (same request id as the last change) does not
-- take a second hold. A clean release has no lock-delay.
local lock, skey, index = KEYS[1], KEYS[2], KEYS[3]
local tenant, owner, token, request, channel, prefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]

local now = clock()
local session, err = live_session(skey, tenant, now)
if not session then
  return {err}
end
local state, _, f = lock_state(lock, prefix, now)
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
if f[5] then
  redis.call('HDEL', session_locks_key(prefix, f[5]), lock)
end
redis.call('ZREM', index, full_name(lock))
redis.call('PUBLISH', channel, token)
return {1, 0}
