-- lock_acquire.lua: grant a lock to an owner of a session, re-enter it, or report it busy; one atomic
-- step on the lock's slot. (common.lua is prepended: schema and lock states are described there.)
-- The server checked the session just before (session_check.lua) and passes what it read.
--
-- KEYS[1]  lock key   P:{F}
-- KEYS[2]  fence key  the library's counter for the lock's slot (P:fence, or P:{<tag>}:fence on Cluster)
-- KEYS[3]  waiters    P:{F}:waiters
-- ARGV[1]  session id
-- ARGV[2]  owner token (no spaces)
-- ARGV[3]  lease TTL in ms; 0 binds the lock to the session only
-- ARGV[4]  request id (decimal string)
-- ARGV[5]  waiter listing in ms: when busy, list "<sid> <owner>" in the waiters until now + this; 0: don't
-- ARGV[6]  the session's expiry e (Redis ms) as session_check.lua read it
-- ARGV[7]  the session's lock-delay in ms
-- ARGV[8]  the session's client name
--
-- Returns  {1, token, holds}          granted: fresh, re-entered (same token, holds + 1), or the repeat of
--                                     an applied request (same request id: nothing changes)
--          {0, remaining_ms, delayed}  busy: held by another owner (delayed 0), or in lock-delay after its
--                                     session expired (delayed 1), for remaining_ms more
--          {-2}                       the session's expiry has passed; nothing changed but its waiter entry
--
-- Invariant: fencing tokens of one name strictly increase over all grants, whether made here or by the
-- library: token = max(counter + 1, Redis TIME in microseconds), stored back in the counter the library
-- uses for this slot. The lock's e is the session expiry passed in, never later than the session's real
-- expiry, so the lock never outlives its session; a lock freed by session expiry is not granted before
-- e + lock-delay. The key expires by itself at the instant the grant stops blocking others.
local lock, fence, waiters = KEYS[1], KEYS[2], KEYS[3]
local sid, owner, ttl, request = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local listing, se, sd, name = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
local member = sid .. ' ' .. owner

local now, micros = clock()
if now >= se then
  redis.call('ZREM', waiters, member)
  return {-2}
end

local state, remaining, f = lock_state(lock, now)
if state == 'held' and f[1] == owner then
  local holds = tonumber(f[3] or '1')
  if f[4] == request then
    return {1, tonumber(f[2]), holds}
  end
  holds = holds + 1
  redis.call('HSET', lock, 'c', holds, 'r', request)
  if f[5] then
    local x, e, d = tonumber(f[6] or '0'), tonumber(f[9]), tonumber(f[10])
    if f[5] == sid and se > e then
      e = se
      redis.call('HSET', lock, 'e', fmt(e))
    end
    if ttl > 0 and x > 0 then
      x = math.max(x, now + ttl)
      redis.call('HSET', lock, 'x', fmt(x))
    end
    expire_lock(lock, x, e, d, now)
  elseif ttl > 0 and redis.call('PTTL', lock) < ttl then
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
local token = fmt(math.max(counter + 1, micros))
local x = 0
if ttl > 0 then
  x = now + ttl
end
redis.call('SET', fence, token)
redis.call('DEL', lock)
redis.call('HSET', lock, 'o', owner, 't', token, 'c', 1, 'r', request, 's', sid, 'e', fmt(se), 'd', fmt(sd),
  'x', fmt(x), 'a', fmt(now), 'n', name)
expire_lock(lock, x, se, sd, now)
redis.call('ZREM', waiters, member)
return {1, tonumber(token), 1}
