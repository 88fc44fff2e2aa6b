-- open_session.lua: create a session; one atomic step. (common.lua is prepended.)
--
-- KEYS[1]  session            P:session:{sid}
-- KEYS[2]  session expiries   P:sessions:expiry
-- KEYS[3]  session index      P:sessions:index
-- ARGV[1]  session id (22 random URL-safe base64 characters, chosen by the service)
-- ARGV[2]  tenant
-- ARGV[3]  client name
-- ARGV[4]  TTL in ms
-- ARGV[5]  lock-delay in ms (0 allowed)
-- ARGV[6]  retention in ms (see keepalive.lua)
--
-- Returns  {1, ttl_ms}  created
--          {0}          the id exists already (a 128-bit collision: the caller retries with a new id)
--
-- Invariant: a session id names exactly one session for its whole life, expiry and retention included,
-- so a stale id can never reach someone else's session.
local skey, expiries, index = KEYS[1], KEYS[2], KEYS[3]
local sid, tenant, name, ttl, delay, retention = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]),
  tonumber(ARGV[5]), tonumber(ARGV[6])
if redis.call('EXISTS', skey) == 1 then
  return {0}
end
local now = clock()
local e = now + ttl
redis.call('HSET', skey, 'T', tenant, 'n', name, 'l', ttl, 'd', delay, 'e', string.format('%.0f', e),
  'c', string.format('%.0f', now))
redis.call('PEXPIRE', skey, ttl + delay + retention)
redis.call('ZADD', expiries, e, sid)
redis.call('ZADD', index, 0, tenant .. '/' .. sid)
return {1, ttl}
