-- common.lua: helpers prepended to every other service script when it is loaded, so each script is sent
-- and cached (EVALSHA) as one source: "common.lua .. <script>.lua". Nothing here writes.
--
-- Schema (P = key prefix, default "holdfast"; F = "<tenant>/<name>", the tenant-qualified lock name):
--   P:{F}                   lock hash, shared with the holdfast-redis library (o owner, t fencing token,
--                           c hold count (the library omits it while it is 1, so a missing c reads as 1),
--                           r last request id) plus, for service grants: s session id,
--                           x lease deadline in Redis ms (0: bound to the session only), a acquired-at
--                           (Redis ms), n client name. The key's own PEXPIRE is set to the instant the
--                           lock becomes free (see free_at), so the library sees it busy exactly as long.
--   P:fence                 the fencing counter shared with the library (acquire.lua of holdfast-redis)
--   P:{F}:released          release channel (the library's); the token is published on clean release
--   P:{F}:waiters           zset "<session id> <owner>" scored by the waiter's deadline (Redis ms)
--   P:session:{sid}         session hash: T tenant, n client name, l TTL ms, d lock-delay ms, e expiry
--                           (Redis ms), c created (Redis ms); kept until e + d + retention
--   P:session:{sid}:locks   hash lock key -> token of every grant made in the session
--   P:sessions:expiry       zset sid scored by e (housekeeping: expiry count, active-session gauge)
--   P:sessions:index        zset "<tenant>/<sid>", all scores 0 (lexicographic listing per tenant)
--   P:locks:index           zset F, all scores 0 (lexicographic listing per tenant); pruned lazily
--
-- Lock state at time now (lock_state), for a grant with session s whose expiry is e and delay d:
--   held     now < e and (x = 0 or now < x)
--   free     x > 0, x <= e and now >= x          the lease TTL ran out first: no lock-delay
--   delayed  now >= e, e < x or x = 0, now < e+d the session expired first: not grantable until e + d
--   free     otherwise, or the session hash is gone (it outlives its locks, so only after e + d + retention)
-- A hash without s was written by the library: it is held for as long as the key exists.
--
-- Cluster: scripts touch keys of several slots (session, locks, fence), as the library's single fence
-- counter does; the service supports standalone and Sentinel Redis.

local function clock()
  local t = redis.call('TIME')
  local secs, micros = tonumber(t[1]), tonumber(t[2])
  return secs * 1000 + math.floor(micros / 1000), secs * 1000000 + micros
end

local function session_key(prefix, sid)
  return prefix .. ':session:{' .. sid .. '}'
end

local function session_locks_key(prefix, sid)
  return prefix .. ':session:{' .. sid .. '}:locks'
end

-- The instant a grant stops blocking others: its lease deadline if that comes first, else its
-- session's expiry plus the lock-delay.
local function free_at(x, e, d)
  if x > 0 and x <= e then
    return x
  end
  return e + d
end

-- Returns state ('free' | 'held' | 'delayed'), ms until that state ends, the lock fields
-- {o, t, c, r, s, x, a, n}, and the holder session's {e, d} (nil when unknown).
local function lock_state(key, prefix, now)
  local f = redis.call('HMGET', key, 'o', 't', 'c', 'r', 's', 'x', 'a', 'n')
  if not f[1] then
    return 'free', 0, f, nil
  end
  if not f[5] then
    return 'held', redis.call('PTTL', key), f, nil
  end
  local sess = redis.call('HMGET', session_key(prefix, f[5]), 'e', 'd')
  if not sess[1] then
    return 'free', 0, f, nil
  end
  local e, d, x = tonumber(sess[1]), tonumber(sess[2]), tonumber(f[6] or '0')
  local until_free = free_at(x, e, d)
  if now < math.min(e, x > 0 and x or e) then
    return 'held', math.min(e, x > 0 and x or e) - now, f, {e, d}
  end
  if now < until_free then
    return 'delayed', until_free - now, f, {e, d}
  end
  return 'free', 0, f, {e, d}
end

-- Checks the caller's session: returns e, d, client name, or nil and an error code
-- (-1 unknown or another tenant's, -2 expired).
local function live_session(key, tenant, now)
  local s = redis.call('HMGET', key, 'T', 'e', 'd', 'n', 'l')
  if not s[1] or s[1] ~= tenant then
    return nil, -1
  end
  local e = tonumber(s[2])
  if now >= e then
    return nil, -2
  end
  return {e, tonumber(s[3]), s[4], tonumber(s[5])}
end

-- The lock's full name F from its key "P:{F}".
local function full_name(key)
  return string.match(key, '{(.*)}$')
end

