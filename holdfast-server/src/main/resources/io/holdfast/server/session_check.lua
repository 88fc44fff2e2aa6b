-- session_check.lua: read a live session for an acquire; writes nothing. (common.lua is prepended.)
--
-- KEYS[1]  session  P:session:{sid}
-- ARGV[1]  tenant of the caller
--
-- Returns  {1, e, d, client name, principal}  live: its expiry (Redis ms), lock-delay (ms) and client name,
--                                  which acquire.lua stores in the lock, and the principal that opened it,
--                                  which the server checks against the caller (and caches: it never changes)
--          {-1}                    unknown session or another tenant's
--          {-2}                    expired
--
-- Invariant: e only grows while the session is live, so the e returned is never later than the
-- session's expiry at any later instant.
local session, err = live_session(KEYS[1], ARGV[1], nil, clock())
if not session then
  return {err}
end
return {1, session[1], session[2], session[3], session[5]}
