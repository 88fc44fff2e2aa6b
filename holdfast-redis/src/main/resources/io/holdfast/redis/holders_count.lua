-- holders_count.lua: how many holders hold a live lease in a holder table (a semaphore's permits in use), or who
-- they are; for display only. holders.lua (prepended) describes the table.
--
-- KEYS[1]  holders, KEYS[2] expiries
-- ARGV[1]  optional: 'list' for the holders themselves (independent masters count a holder that a majority
--          agrees on, by owner and token)
-- Returns  the count, or with 'list' one "owner token" string per live holder; prunes the expired holders it
--          finds (a write, so it runs on the master)
prune(KEYS[1], KEYS[2], redis_ms())
if ARGV[1] ~= 'list' then
  return redis.call('ZCARD', KEYS[2])
end
local held = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local e = holder(KEYS[1], m)
  if e then
    held[#held + 1] = e[1] .. ' ' .. e[2]
  end
end
return held
