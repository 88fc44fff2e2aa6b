-- session_bind.lua: record that a lock was granted in a session, so its keep-alives extend the lock and
-- its close releases it; one atomic step on the session's slot. (common.lua is prepended.)
--
-- KEYS[1]  session        P:session:{sid}
-- KEYS[2]  session locks  P:session:{sid}:locks
-- ARGV[1]  lock key P:{F}
--
-- Returns  {1} bound (its generation went up by one); {0} the session is gone (nothing to bind to)
--
-- Invariant: every bind raises the entry's generation, so session_unbind.lua, which removes an entry only
-- at the generation it saw, never drops a binding made after it looked. Repeating a bind is harmless.
local skey, slocks = KEYS[1], KEYS[2]
local pttl = redis.call('PTTL', skey)
if pttl < 0 then
  return {0}
end
redis.call('HINCRBY', slocks, ARGV[1], 1)
if redis.call('PTTL', slocks) < pttl then
  redis.call('PEXPIRE', slocks, pttl)
end
return {1}
