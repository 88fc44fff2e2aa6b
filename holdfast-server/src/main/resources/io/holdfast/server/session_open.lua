-- session_open.lua: create a session; one atomic step on the session's slot. (common.lua is prepended.)
--
-- KEYS[1]  session  P:session:{sid}
-- ARGV[1]  tenant
-- ARGV[2]  client name
-- ARGV[3]  TTL in ms
-- ARGV[4]  lock-delay in ms (0 allowed)
-- ARGV[5]  retention in ms: how long an expired session stays answerable as "expired"
-- ARGV[6]  principal: the id of the token that opens it; only it (or an admin of the tenant) may use it
-- ARGV[7]  the client's host, as it said ('' unknown; absent from callers that name none)
--
-- Returns  {1, e}  created, expiring at e (Redis ms)
--          {0}     the id exists already (a 128-bit collision: the caller retries with a new id)
--
-- Invariant: a session id names exactly one session for its whole life, expiry and retention included,
-- so a stale id can never reach someone else's session.
local skey = KEYS[1]
local tenant, name, ttl, delay, retention, principal = ARGV[1], ARGV[2], tonumber(ARGV[3]),
  tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
if redis.call('EXISTS', skey) == 1 then
  return {0}
end
local now = clock()
local e = now + ttl
redis.call('HSET', skey, 'T', tenant, 'p', principal, 'n', name, 'l', ttl, 'd', delay, 'e', fmt(e), 'c', fmt(now),
  'h', ARGV[7] or '')
redis.call('PEXPIRE', skey, ttl + delay + retention)
return {1, e}
