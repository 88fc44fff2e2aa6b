-- index_touch.lua: put a lock in the listing index before (or while) it may be granted; one atomic step on
-- the index's slot. (common.lua is prepended.)
--
-- KEYS[1]  lock index        P:{locks}:index (zset F, all scores 0)
-- KEYS[2]  index generations P:{locks}:gen (hash F -> generation)
-- ARGV[1]  F
--
-- Returns  {generation}: the entry's new generation
--
-- Invariant: every acquire attempt touches the index in the same pipeline as the lock step and reports
-- a grant only when both succeeded, so a granted lock is always in the index; index_prune.lua removes an
-- entry only at the generation it saw, so it never removes an entry touched after it looked.
redis.call('ZADD', KEYS[1], 0, ARGV[1])
return {redis.call('HINCRBY', KEYS[2], ARGV[1], 1)}
