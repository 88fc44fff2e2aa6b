-- session_keepalive.lua: extend a live session to a full TTL and list its locks; one atomic step on the
-- session's slot. (common.lua is prepended.) The server then carries the new expiry to each lock
-- (lock_extend.lua, grouped by slot) and drops entries of locks no longer held (session_unbind.lua).
--
-- KEYS[1]  session        P:session:{sid}
-- KEYS[2]  session locks  P:session:{sid}:locks
-- ARGV[1]  tenant of the caller
-- ARGV[2]  retention in ms
-- ARGV[3]  the caller's principal id, '' for an admin of the tenant
-- ARGV[4]  the client's measured clock offset in microseconds, stored as field 'o'; '' or absent: none reported
--
-- Returns  {1, ttl_ms, e, d, client name, principal, key1, gen1, key2, gen2, ...}  extended to expire at
--          e; its lock-delay, client name and principal; the session's lock keys with their generations
--          (session_bind.lua)
--          {-1}  unknown session or another tenant's; {-3} another principal's; {-2} already expired (it
--                cannot be revived: its locks are in lock-delay or free); nothing changed
--
-- Invariant: the session's expiry e only moves forward while the session is live.
local skey, slocks = KEYS[1], KEYS[2]
local tenant, retention = ARGV[1], tonumber(ARGV[2])
local now = clock()
local session, err = live_session(skey, tenant, ARGV[3], now)
if not session then
  return {err}
end
local ttl, delay = session[4], session[2]
local e = now + ttl
redis.call('HSET', skey, 'e', fmt(e))
if ARGV[4] and ARGV[4] ~= '' then
  redis.call('HSET', skey, 'o', ARGV[4])
end
redis.call('PEXPIRE', skey, e + delay + retention - now)
local out = {1, ttl, e, delay, session[3], session[5]}
local bound = redis.call('HGETALL', slocks)
for i = 1, #bound do
  out[#out + 1] = bound[i]
end
if #bound > 0 then
  redis.call('PEXPIRE', slocks, e + delay + retention - now)
end
return out
