-- renew.lua: extend a batch of leases, in one atomic step.
--
-- KEYS[i]        lock key of the i-th lease  <prefix>:{<name>}  (hash o, t, r and c; see acquire.lua)
-- ARGV[3i-2]     owner token of the i-th lease
-- ARGV[3i-1]     its fencing token (decimal string)
-- ARGV[3i]       its new TTL in milliseconds, timed by Redis from now
--
-- Returns  an array with one entry per key, in order: 1 renewed, 0 not held by that owner under that
--          token (expired, released, or granted again); nothing changed for a 0
--
-- Invariant: a lease is only ever extended by the holder of its current grant. The whole batch is one
-- call, so holding 10,000 locks costs one Redis round trip per renewal period. On Cluster all keys of
-- one call must share a slot; the caller groups them.
local renewed = {}
for i, key in ipairs(KEYS) do
  local base = (i - 1) * 3
  local held = redis.call('HMGET', key, 'o', 't')
  if held[1] == ARGV[base + 1] and held[2] == ARGV[base + 2] then
    redis.call('PEXPIRE', key, ARGV[base + 3])
    renewed[i] = 1
  else
    renewed[i] = 0
  end
end
return renewed
