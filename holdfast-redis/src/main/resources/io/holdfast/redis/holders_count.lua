-- holders_count.lua: how many holders hold a live lease in a holder table (a semaphore's permits in use); for
-- display only. holders.lua (prepended) describes the table.
--
-- KEYS[1]  holders, KEYS[2] expiries
-- Returns  the count; prunes the expired holders it finds (a write, so it runs on the master)
prune(KEYS[1], KEYS[2], redis_ms())
return redis.call('ZCARD', KEYS[2])
