-- list_locks.lua: the held and lock-delayed locks of one tenant, by name; prunes index entries of freed
-- locks on the way. (common.lua is prepended.)
--
-- KEYS[1]  lock index  P:locks:index (members F = "<tenant>/<name>", all scores 0)
-- ARGV[1]  key prefix P
-- ARGV[2]  tenant
-- ARGV[3]  name prefix ('' for all)
-- ARGV[4]  limit (at most 1000 entries returned; at most 10 x limit index entries examined)
--
-- Returns  a flat array, 9 fields per lock: name (without tenant), state (1 held, 2 delayed), owner,
--          token, holds, remaining_ms, session id, acquired_at_ms, client name
--
-- Invariant: only the caller's tenant's names are read: the lexicographic range ["<tenant>/<prefix>",
-- "<tenant>/<prefix>\255"] cannot reach another tenant, as tenants contain no '/' and names are UTF-8
-- (no 0xFF byte).
local index, prefix, tenant, nprefix, limit = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = clock()
local low = tenant .. '/' .. nprefix
local members = redis.call('ZRANGEBYLEX', index, '[' .. low, '[' .. low .. '\255', 'LIMIT', 0, limit * 10)
local out, found = {}, 0
for _, member in ipairs(members) do
  local key = prefix .. ':{' .. member .. '}'
  local state, remaining, f = lock_state(key, prefix, now)
  if state == 'free' then
    redis.call('ZREM', index, member)
  elseif found < limit then
    found = found + 1
    local n = #out
    out[n + 1] = string.sub(member, #tenant + 2)
    out[n + 2] = state == 'held' and 1 or 2
    out[n + 3] = f[1]
    out[n + 4] = tonumber(f[2])
    out[n + 5] = tonumber(f[3] or '1')
    out[n + 6] = remaining
    out[n + 7] = f[5] or ''
    out[n + 8] = tonumber(f[7] or '0')
    out[n + 9] = f[8] or ''
  end
end
return out
