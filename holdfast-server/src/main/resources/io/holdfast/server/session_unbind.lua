-- session_unbind.lua: drop lock entries a keep-alive found no longer held by the session; one atomic step
-- on the session's slot. (common.lua is prepended.)
--
-- KEYS[1]  session locks  P:session:{sid}:locks
-- ARGV     pairs: lock key, the generation the keep-alive saw
--
-- Returns  {n}: the number of entries removed
--
-- Invariant: an entry is removed only at the generation seen, so a lock bound again since is kept.
local removed = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    removed = removed + redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return {removed}
