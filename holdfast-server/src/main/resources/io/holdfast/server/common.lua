-- common.lua: helpers prepended to every service script (sessions and listings) when it is loaded, so each
-- script is sent and cached (EVALSHA) as one source: "common.lua .. <script>.lua". Nothing here writes.
--
-- The lock rules are not here: every read and write of a lock hash (grant, re-entry, release, renewal,
-- fencing, expiry, lock-delay, inspect, force-release) is one of the holdfast-redis library's scripts
-- (io/holdfast/redis/*.lua, the lock hash and the state of a session grant described in lockstate.lua),
-- which the service calls with its session's terms.
--
-- Every script touches the keys of ONE hash slot only, so the same scripts run on a single server,
-- a Sentinel-managed master, each slot of a Redis Cluster and each independent master:
--   session scripts (session_*.lua) the session's {sid}-tagged keys
--   lock_waiters.lua                the lock's {F}-tagged waiter set
--   index scripts (index_*.lua)     one listing index, {sessions} or {locks} tagged
-- Steps that span slots (close a session, then release each of its locks) are separate idempotent
-- calls made by the server; see docs/server.md for what a crash between them leaves.
--
-- Schema (P = key prefix, default "holdfast"; F = "<tenant>/<name>", the tenant-qualified lock name):
--   P:{F}                 the library's lock hash; a service grant carries its session (lockstate.lua)
--   fence                 the library's counter: P:fence, or P:{<slot tag>}:fence on Cluster
--   P:{F}:released        release channel (the library's)
--   P:{F}:waiters         zset "<session id> <owner>" scored by the waiter's deadline (Redis ms), written by
--                         the library's acquire.lua for session callers
--   P:{F}:queue, P:{F}:queue:until  a fair lock's line, "<session id> <owner>" by ticket and by deadline
--                         (the library's fairqueue.lua); gone once nobody waits in line
--   P:session:{sid}       session hash: T tenant, p principal (the id of the token that opened it), n client
--                         name, l TTL ms, d lock-delay ms, e expiry (Redis ms), c created (Redis ms); kept
--                         until e + d + retention
--   P:session:{sid}:locks hash lock key -> generation of every lock bound to the session
--   P:{sessions}:index    zset "<tenant>/<sid>" all scores 0 (listing); pruned lazily
--   P:{sessions}:expiry  zset sid scored by e (expiry counting, active-session gauge)
--   P:{locks}:index       zset F all scores 0 (listing), with P:{locks}:gen: F -> generation
-- A session's e only grows while it is live; the e a lock carries is always one its session had.

local function clock()
  local t = redis.call('TIME')
  local secs, micros = tonumber(t[1]), tonumber(t[2])
  return secs * 1000 + math.floor(micros / 1000), secs * 1000000 + micros
end

local function fmt(n)
  return string.format('%.0f', n)
end

-- Checks the caller's session: returns {e, d, client name, ttl, principal}, or nil and an error code
-- (-1 unknown or another tenant's, -3 opened by another principal, -2 expired). scope is the caller's
-- principal id, '' for an admin of the tenant (every session of it); nil skips that check (the caller
-- checks the principal returned). A session without p (none is written so) is only an admin's.
local function live_session(key, tenant, scope, now)
  local s = redis.call('HMGET', key, 'T', 'e', 'd', 'n', 'l', 'p')
  if not s[1] or s[1] ~= tenant then
    return nil, -1
  end
  if scope and scope ~= '' and s[6] ~= scope then
    return nil, -3
  end
  local e = tonumber(s[2])
  if now >= e then
    return nil, -2
  end
  return {e, tonumber(s[3]), s[4], tonumber(s[5]), s[6] or ''}
end

