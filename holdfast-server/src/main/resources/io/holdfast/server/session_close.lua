-- session_close.lua: end a live session and hand back its lock list; one atomic step on the session's
-- slot. (common.lua is prepended.) The server then frees each listed lock still held by this session
-- (lock_force.lua with the session id), without lock-delay.
--
-- KEYS[1]  session        P:session:{sid}
-- KEYS[2]  session locks  P:session:{sid}:locks
-- ARGV[1]  tenant of the caller
-- ARGV[2]  the caller's principal id, '' for an admin of the tenant
--
-- Returns  {1, key1, key2, ...}  closed; the lock keys bound to it
--          {-1}  unknown or another tenant's; {-3} another principal's; {-2} already expired: nothing changed,
--                so the locks of an expired session keep their lock-delay even if a late close arrives
--
-- Invariant: once this ran, the session is gone: no acquire, keep-alive or bind can use it again. If the
-- server stops before freeing the listed locks, each still ends by itself at its own e + lock-delay.
local skey, slocks = KEYS[1], KEYS[2]
local session, err = live_session(skey, ARGV[1], ARGV[2], clock())
if not session then
  return {err}
end
local out = {1}
for _, key in ipairs(redis.call('HKEYS', slocks)) do
  out[#out + 1] = key
end
redis.call('DEL', skey, slocks)
return out
