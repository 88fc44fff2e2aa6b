-- acquire.lua: grant a lock to an owner in a session, re-enter it, or report it busy; one atomic step.
-- (common.lua is prepended: schema, lock states and helpers are described there.)
--
-- KEYS[1]  lock key            P:{F}
-- KEYS[2]  fence key           P:fence (shared with the holdfast-redis library)
-- KEYS[3]  caller session      P:session:{sid}
-- KEYS[4]  caller session locks P:session:{sid}:locks
-- KEYS[5]  waiters             P:{F}:waiters
-- KEYS[6]  lock index          P:locks:index
-- ARGV[1]  session id
-- ARGV[2]  tenant of the caller
-- ARGV[3]  owner token (no spaces)
-- ARGV[4]  lease TTL in ms; 0 binds the lock to the session only
-- ARGV[5]  request id (decimal string)
-- ARGV[6]  waiter listing in ms: when busy, list "<sid> <owner>" in the waiters until now + this; 0: don't
-- ARGV[7]  key prefix P
--
-- Returns  {1, token, holds}        granted: fresh, re-entered (same token, holds + 1), or the repeat of an
--                                   applied request (same request id: nothing changes)
--          {0, remaining_ms, delayed} busy: held by another owner (delayed 0), or in lock-delay after its
--                                   session expired (delayed 1), for remaining_ms more
--          {-1}                     the session is unknown or belongs to another tenant; nothing changed
--          {-2}                     the session has expired; nothing changed except its waiter entry
--
-- Invariant: fencing tokens of one name strictly increase over all grants, whether made here or by the
-- library: token = max(counter + 1, Redis TIME in microseconds), stored back in the shared counter. A
-- lock freed by session expiry is not granted before expiry + lock-delay; a clean release frees at once.
-- The lock key expires by itself at the instant the grant stops blocking others (free_at).
local lock, fence, skey, slocks, waiters, index = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local sid, tenant, owner, ttl, request = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local listing, prefix = tonumber(ARGV[6]), ARGV[7]
local member = sid .. ' ' .. owner

local now, micros = clock()
local session, err = live_session(skey, tenant, now)
if not session then
  if err == -2 then
    redis.call('ZREM', waiters, member)
  end
  return {err}
end

local state, remaining, f, holder = lock_state(lock, prefix, now)
if state == 'held' and f[1] == owner then
  local holds = tonumber(f[3] or '1')
  if f[4] == request then
    return {1, tonumber(f[2]), holds}
  end
  holds = holds + 1
  redis.call('HSET', lock, 'c', holds, 'r', request)
  local x = tonumber(f[6] or '0')
  if ttl > 0 and x > 0 and holder then
    x = math.max(x, now + ttl)
    redis.call('HSET', lock, 'x', string.format('%.0f', x))
    redis.call('PEXPIRE', lock, free_at(x, holder[1], holder[2]) - now)
  elseif ttl > 0 and not holder and redis.call('PTTL', lock) < ttl then
    redis.call('PEXPIRE', lock, ttl)
  end
  redis.call('ZREM', waiters, member)
  return {1, tonumber(f[2]), holds}
end

if state ~= 'free' then
  if listing > 0 then
    redis.call('ZADD', waiters, now + listing, member)
    if redis.call('PTTL', waiters) < listing then
      redis.call('PEXPIRE', waiters, listing)
    end
  end
  return {0, remaining, state == 'delayed' and 1 or 0}
end

local counter = tonumber(redis.call('GET', fence) or '0')
local token = string.format('%.0f', math.max(counter + 1, micros))
local x = 0
if ttl > 0 then
  x = now + ttl
end
redis.call('SET', fence, token)
redis.call('DEL', lock)
redis.call('HSET', lock, 'o', owner, 't', token, 'c', 1, 'r', request, 's', sid,
  'x', string.format('%.0f', x), 'a', string.format('%.0f', now), 'n', session[3])
redis.call('PEXPIRE', lock, free_at(x, session[1], session[2]) - now)
redis.call('HSET', slocks, lock, token)
redis.call('PEXPIRE', slocks, redis.call('PTTL', skey))
redis.call('ZREM', waiters, member)
redis.call('ZADD', index, 0, full_name(lock))
return {1, tonumber(token), 1}
