-- close_session.lua: end a session and release every lock it holds, without lock-delay; one atomic step.
-- (common.lua is prepended.)
--
-- KEYS[1]  session            P:session:{sid}
-- KEYS[2]  session locks      P:session:{sid}:locks
-- KEYS[3]  session expiries   P:sessions:expiry
-- KEYS[4]  session index      P:sessions:index
-- KEYS[5]  lock index         P:locks:index
-- ARGV[1]  session id
-- ARGV[2]  tenant of the caller
--
-- Returns  {1, n}  closed; n locks were released (each token published on its release channel)
--          {-1}    unknown session or another tenant's; {-2} already expired: nothing changed, so the
--                  locks of an expired session keep their lock-delay even if a late close arrives
--
-- Invariant: only grants that still belong to this session (same token, same session id) are deleted;
-- a lock re-granted to someone else since is untouched.
local skey, slocks, expiries, sindex, lindex = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local sid, tenant = ARGV[1], ARGV[2]

local now = clock()
local session, err = live_session(skey, tenant, now)
if not session then
  return {err}
end
local released = 0
local bound = redis.call('HGETALL', slocks)
for i = 1, #bound, 2 do
  local key, token = bound[i], bound[i + 1]
  local f = redis.call('HMGET', key, 't', 's')
  if f[1] == token and f[2] == sid then
    redis.call('DEL', key)
    redis.call('ZREM', lindex, full_name(key))
    redis.call('PUBLISH', key .. ':released', token)
    released = released + 1
  end
end
redis.call('DEL', skey, slocks)
redis.call('ZREM', expiries, sid)
redis.call('ZREM', sindex, tenant .. '/' .. sid)
return {1, released}
