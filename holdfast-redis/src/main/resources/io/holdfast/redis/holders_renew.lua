-- holders_renew.lua: extend a batch of read/write-lock holds or semaphore permits, in one atomic step.
-- holders.lua (prepended) describes the holder table.
--
-- KEYS[2i-1], KEYS[2i]   holders and expiries keys of the i-th entry (<prefix>:{<name>}:rw or :sem, and :x)
-- ARGV[4i-3]             its member ('w', 'r<owner>', 'p<owner>')
-- ARGV[4i-2]             owner token
-- ARGV[4i-1]             fencing token (decimal string)
-- ARGV[4i]               TTL in ms, timed by Redis from now
--
-- Returns  one entry per holder, in order: 1 renewed, 0 not held by that owner under that token (expired,
--          released, or granted again); nothing changed for a 0
--
-- Invariant: a lease is only extended by its live holder; an expired holder is never revived (its expiry has
-- passed, so it is pruned first). One call per batch (per hash slot on Cluster: the caller groups the entries).
local now = redis_ms()
local renewed = {}
for i = 1, #KEYS / 2 do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local member, owner, token, ttl = ARGV[4 * i - 3], ARGV[4 * i - 2], ARGV[4 * i - 1], tonumber(ARGV[4 * i])
  prune(h, z, now)
  local e = holder(h, member)
  local ok = e ~= nil and e[1] == owner and e[2] == token
  if ok then
    redis.call('ZADD', z, now + ttl, member)
    keep_until_last(h, z, now)
  end
  renewed[i] = ok and 1 or 0
end
return renewed
