-- keepalive.lua: extend a session and every lock bound to it, and renew listed leases; one atomic step,
-- so a session holding any number of locks costs ONE Redis call per keep-alive. (common.lua is prepended.)
--
-- KEYS[1]    session            P:session:{sid}
-- KEYS[2]    session locks      P:session:{sid}:locks
-- KEYS[3]    session expiries   P:sessions:expiry
-- KEYS[3+i]  lock key of the i-th lease to renew
-- ARGV[1]    session id
-- ARGV[2]    tenant of the caller
-- ARGV[3]    retention in ms: how long an expired session stays answerable as "expired"
-- ARGV[4]    key prefix P
-- ARGV[2+3i], ARGV[3+3i], ARGV[4+3i]  owner, fencing token and new lease TTL (ms) of the i-th lease
--
-- Returns  {1, ttl_ms, r1, r2, ...}  extended; ri is 1 when the i-th lease was renewed, 0 when it is no
--                                    longer held by that owner under that token
--          {-1}                      unknown session or another tenant's; nothing changed
--          {-2}                      the session already expired; nothing changed (it cannot be revived:
--                                    its locks are in lock-delay or free)
--
-- Invariant: the session's expiry e only moves forward while the session is live, and each of its locks
-- keeps a key TTL equal to the instant it stops blocking others (free_at), so a client that stops calling
-- this frees its locks at e (+ lock-delay) with no further calls from anyone. A lease is renewed only for
-- the owner and token of its current, live grant.
local skey, slocks, expiries = KEYS[1], KEYS[2], KEYS[3]
local sid, tenant, retention, prefix = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]

local now = clock()
local session, err = live_session(skey, tenant, now)
if not session then
  return {err}
end
local ttl, delay = session[4], session[2]
local e = now + ttl
redis.call('HSET', skey, 'e', string.format('%.0f', e))
redis.call('PEXPIRE', skey, e + delay + retention - now)
redis.call('ZADD', expiries, e, sid)

local result = {1, ttl}
for i = 4, #KEYS do
  local key, base = KEYS[i], 2 + 3 * (i - 3)
  local state, _, f, holder = lock_state(key, prefix, now)
  if state == 'held' and holder and f[1] == ARGV[base] and f[2] == ARGV[base + 1] then
    local x = now + tonumber(ARGV[base + 2])
    redis.call('HSET', key, 'x', string.format('%.0f', x))
    redis.call('PEXPIRE', key, free_at(x, holder[1], holder[2]) - now)
    result[#result + 1] = 1
  else
    result[#result + 1] = 0
  end
end

local bound = redis.call('HGETALL', slocks)
for i = 1, #bound, 2 do
  local key, token = bound[i], bound[i + 1]
  local f = redis.call('HMGET', key, 't', 's', 'x')
  local x = tonumber(f[3] or '0')
  if f[1] == token and f[2] == sid and (x == 0 or x > now) then
    redis.call('PEXPIRE', key, free_at(x, e, delay) - now)
  else
    redis.call('HDEL', slocks, key)
  end
end
redis.call('PEXPIRE', slocks, e + delay + retention - now)
return result
