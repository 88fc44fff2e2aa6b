-- raw-renew.lua: the raw floor's renewal of one lease: compare-and-PEXPIRE.
--
-- KEYS[1]  lock key (the lock name itself)
-- ARGV[1]  the owner's random value
-- ARGV[2]  new TTL in milliseconds
--
-- Returns  1 renewed; 0 not held by this owner: nothing changed
--
-- Invariant: only the owner extends the key. One call per lease and period: the floor does not batch, as
-- the simplest correct lock would not.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
