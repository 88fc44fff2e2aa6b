-- list_sessions.lua: one tenant's sessions, live and recently expired; prunes index entries of sessions
-- that are gone. (common.lua is prepended.)
--
-- KEYS[1]  session index  P:sessions:index (members "<tenant>/<sid>", all scores 0)
-- ARGV[1]  key prefix P
-- ARGV[2]  tenant
-- ARGV[3]  limit (at most 1000)
--
-- Returns  a flat array, 5 fields per session: session id, client name, ttl_ms, remaining_ms (negative
--          once expired), number of locks bound to it
--
-- Invariant: only the caller's tenant's range of the index is read (tenants contain no '/').
local index, prefix, tenant, limit = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
local now = clock()
local low = tenant .. '/'
local members = redis.call('ZRANGEBYLEX', index, '[' .. low, '[' .. low .. '\255', 'LIMIT', 0, limit * 10)
local out, found = {}, 0
for _, member in ipairs(members) do
  local sid = string.sub(member, #low + 1)
  local skey = session_key(prefix, sid)
  local s = redis.call('HMGET', skey, 'n', 'l', 'e')
  if not s[1] then
    redis.call('ZREM', index, member)
  elseif found < limit then
    found = found + 1
    local n = #out
    out[n + 1] = sid
    out[n + 2] = s[1]
    out[n + 3] = tonumber(s[2])
    out[n + 4] = tonumber(s[3]) - now
    out[n + 5] = redis.call('HLEN', session_locks_key(prefix, sid))
  end
end
return out
