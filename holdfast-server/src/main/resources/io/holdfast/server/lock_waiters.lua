-- lock_waiters.lua: who waits for a lock; prunes waiters past their deadline. (common.lua is prepended.)
--
-- KEYS[1]  waiters  P:{F}:waiters (zset "<session id> <owner>" scored by deadline, Redis ms)
--
-- Returns  a flat array, 3 fields per waiter, earliest deadline first: session id, owner, remaining_ms
--          (at most 1000 waiters)
--
-- Invariant: a waiter is listed only until its deadline; entries are removed when granted, on expiry of
-- the caller's session (lock_acquire.lua) and here, so the set stays bounded by the live waiters.
local waiters = KEYS[1]
local now = clock()
redis.call('ZREMRANGEBYSCORE', waiters, '-inf', now)
local entries = redis.call('ZRANGE', waiters, 0, 999, 'WITHSCORES')
local out = {}
for i = 1, #entries, 2 do
  local sid, owner = string.match(entries[i], '^(%S+) (%S+)$')
  local n = #out
  out[n + 1] = sid
  out[n + 2] = owner
  out[n + 3] = tonumber(entries[i + 1]) - now
end
return out
