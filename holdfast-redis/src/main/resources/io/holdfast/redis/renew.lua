-- renew.lua: extend a batch of leases, in one atomic step.
--
-- KEYS[i]        lock key of the i-th lease  <prefix>:{<name>}  (hash o, t, r and c; see acquire.lua)
-- ARGV[1]        the TTLs in milliseconds, run-length encoded in key order: "ttl*count,ttl*count,...", the
--                counts adding up to the number of keys; a batch of one TTL is a single "30000*10000"
--                (timed by Redis from now)
-- ARGV[2i]       owner token of the i-th lease
-- ARGV[2i+1]     its fencing token (decimal string)
--
-- Returns  an array with one entry per key, in order: 1 renewed, 0 not held by that owner under that
--          token (expired, released, or granted again); nothing changed for a 0
--
-- Invariant: a lease is only ever extended by the holder of its current grant. The whole batch is one
-- call, so holding 10,000 locks costs one Redis round trip per renewal period. On Cluster all keys of
-- one call must share a slot; the caller groups them. The TTL goes once per run of equal TTLs instead of
-- once per lease: a client's leases mostly share one TTL, and that saves ~11 bytes per lease and period.
local ttls = {}
for ttl, count in string.gmatch(ARGV[1], '(%d+)%*(%d+)') do
  for _ = 1, tonumber(count) do
    ttls[#ttls + 1] = ttl
  end
end
if #ttls ~= #KEYS then
  return redis.error_reply('ERR renew.lua: ' .. #ttls .. ' TTLs for ' .. #KEYS .. ' keys')
end
local renewed = {}
for i, key in ipairs(KEYS) do
  local held = redis.call('HMGET', key, 'o', 't')
  if held[1] == ARGV[2 * i] and held[2] == ARGV[2 * i + 1] then
    redis.call('PEXPIRE', key, ttls[i])
    renewed[i] = 1
  else
    renewed[i] = 0
  end
end
return renewed
