-- common.lua: helpers prepended to every other service script when it is loaded, so each script is sent
-- and cached (EVALSHA) as one source: "common.lua .. <script>.lua". Nothing here writes.
--
-- Every script touches the keys of ONE hash slot only, so the same scripts run on a single server,
-- a Sentinel-managed master, each slot of a Redis Cluster and each independent master:
--   lock scripts (lock_*.lua)       the lock's {F}-tagged keys and the fence counter of the lock's slot
--   session scripts (session_*.lua) the session's {sid}-tagged keys
--   index scripts (index_*.lua)     one listing index, {sessions} or {locks} tagged
-- Steps that span slots (close a session, then release each of its locks) are separate idempotent
-- calls made by the server; see docs/server.md for what a crash between them leaves.
--
-- Schema (P = key prefix, default "holdfast"; F = "<tenant>/<name>", the tenant-qualified lock name):
--   P:{F}                 lock hash, shared with the holdfast-redis library (o owner, t fencing token,
--                         c hold count (absent means 1), r last request id) plus, for service grants:
--                         s session id, e the session's expiry as this lock knows it (Redis ms),
--                         d lock-delay ms, x lease deadline (Redis ms, 0: bound to the session only),
--                         a acquired-at (Redis ms), n client name. The key's own PEXPIRE is the
--                         instant the lock stops blocking others (free_at), so it frees itself.
--   fence                 the library's counter: P:fence, or P:{<slot tag>}:fence on Cluster
--   P:{F}:released        release channel (the library's)
--   P:{F}:waiters         zset "<session id> <owner>" scored by the waiter's deadline (Redis ms)
--   P:session:{sid}       session hash: T tenant, n client name, l TTL ms, d lock-delay ms, e expiry
--                         (Redis ms), c created (Redis ms); kept until e + d + retention
--   P:session:{sid}:locks hash lock key -> generation of every lock bound to the session
--   P:{sessions}:index    zset "<tenant>/<sid>" all scores 0 (listing); pruned lazily
--   P:{sessions}:expiry  zset sid scored by e (expiry counting, active-session gauge)
--   P:{locks}:index       zset F all scores 0 (listing), with P:{locks}:gen: F -> generation
--
-- Lock state at time now, from the lock hash alone (lock_state):
--   held     now < e and (x = 0 or now < x)
--   free     x > 0, x <= e and now >= x          the lease TTL ran out first: no lock-delay
--   delayed  now >= e, (x = 0 or e < x), now < e + d   the session's expiry passed: lock-delay
--   free     otherwise (the key has expired by then anyway)
-- A hash without s was written by the library: it is held for as long as the key exists.
-- A lock's e is always a value its session's expiry had at some point (the session's expiry only grows
-- while it is live), so a lock is never held past its session's expiry, nor blocks past it + delay.

local function clock()
  local t = redis.call('TIME')
  local secs, micros = tonumber(t[1]), tonumber(t[2])
  return secs * 1000 + math.floor(micros / 1000), secs * 1000000 + micros
end

local function fmt(n)
  return string.format('%.0f', n)
end

-- The instant a grant stops blocking others: its lease deadline if that comes first, else its
-- session's expiry plus the lock-delay.
local function free_at(x, e, d)
  if x > 0 and x <= e then
    return x
  end
  return e + d
end

-- Returns state ('free' | 'held' | 'delayed'), ms until that state ends, and the lock fields
-- {o, t, c, r, s, x, a, n, e, d}.
local function lock_state(key, now)
  local f = redis.call('HMGET', key, 'o', 't', 'c', 'r', 's', 'x', 'a', 'n', 'e', 'd')
  if not f[1] then
    return 'free', 0, f
  end
  if not f[5] then
    return 'held', redis.call('PTTL', key), f
  end
  local x, e, d = tonumber(f[6] or '0'), tonumber(f[9] or '0'), tonumber(f[10] or '0')
  local held_until = e
  if x > 0 and x < e then
    held_until = x
  end
  if now < held_until then
    return 'held', held_until - now, f
  end
  local until_free = free_at(x, e, d)
  if now < until_free then
    return 'delayed', until_free - now, f
  end
  return 'free', 0, f
end

-- Sets the lock key's expiry to the instant it stops blocking others.
local function expire_lock(key, x, e, d, now)
  redis.call('PEXPIRE', key, math.max(1, free_at(x, e, d) - now))
end

-- Publishes a release on the lock's channel: PUBLISH (which every instance's pattern subscription
-- hears, on Cluster through the cluster bus), and SPUBLISH too when mode is 'SPUBLISH', for the
-- library's sharded subscribers on Redis Cluster 7+.
local function publish(channel, token, mode)
  redis.call('PUBLISH', channel, token)
  if mode == 'SPUBLISH' then
    redis.call('SPUBLISH', channel, token)
  end
end

-- Checks the caller's session: returns {e, d, client name, ttl}, or nil and an error code
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

