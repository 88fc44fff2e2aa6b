-- index_prune.lua: drop index entries of locks found free, unless touched since; one atomic step on the
-- index's slot. (common.lua is prepended.)
--
-- KEYS[1]  the index (zset)
-- KEYS[2]  its generations (hash member -> generation)
-- ARGV     pairs: member, the generation seen before the lock was found free
--
-- Returns  {n}: the number of entries removed
local removed = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[2], ARGV[i])
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return {removed}
