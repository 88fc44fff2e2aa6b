-- lock_inspect.lua: read one lock's state; writes nothing. (common.lua is prepended.)
--
-- KEYS[1]  lock key  P:{F}
--
-- Returns  {}  when the lock is free
--          {state, owner, token, holds, remaining_ms, session id, acquired_at_ms, client name}
--          state 1 held, 2 lock-delayed; session id, acquired-at and client name are '' / 0 for a lock
--          taken through the library
--
-- Invariant: every field comes from one instant, so they always describe the same grant.
local state, remaining, f = lock_state(KEYS[1], clock())
if state == 'free' then
  return {}
end
return {state == 'held' and 1 or 2, f[1], tonumber(f[2]), tonumber(f[3] or '1'), remaining, f[5] or '',
  tonumber(f[7] or '0'), f[8] or ''}
