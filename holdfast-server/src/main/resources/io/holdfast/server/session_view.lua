-- session_view.lua: one session for the listing; writes nothing. (common.lua is prepended.)
--
-- KEYS[1]  session        P:session:{sid}
-- KEYS[2]  session locks  P:session:{sid}:locks
--
-- Returns  {client name, ttl_ms, remaining_ms (negative once expired), locks bound, host, clock offset in
--          microseconds ('' when not reported)}, or {} when gone
local s = redis.call('HMGET', KEYS[1], 'n', 'l', 'e', 'h', 'o')
if not s[1] then
  return {}
end
return {s[1], tonumber(s[2]), tonumber(s[3]) - clock(), redis.call('HLEN', KEYS[2]), s[4] or '', s[5] or ''}
