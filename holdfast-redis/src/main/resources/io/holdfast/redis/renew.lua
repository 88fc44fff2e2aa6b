-- renew.lua: extend a batch of leases, in one atomic step; for library and session grants alike
-- (lockstate.lua, prepended, describes the lock hash and the state rule). The lock service's keep-alive
-- also carries its session's new expiry to the session's grants with it.
--
-- KEYS[i]        lock key of the i-th entry  <prefix>:{<name>}
-- ARGV[1]        the TTLs in milliseconds, run-length encoded in key order: "ttl*count,ttl*count,...", the
--                counts adding up to the number of keys; a batch of one TTL is a single "30000*10000"
--                (timed by Redis from now). 0 (sessions only): keep the lease deadline, carry e only
-- ARGV[2i]       owner token of the i-th entry; '' (sessions only): "the grant of session ARGV[2n+2]",
--                whoever its owner
-- ARGV[2i+1]     its fencing token (decimal string), or '' with an empty owner
-- ARGV[2n+2]     optional: the session id whose new expiry follows (n = number of keys)
-- ARGV[2n+3]     that session's new expiry e (Redis ms), as the service set it
-- ARGV[2n+4]     with a session: its principal; an entry with an owner is renewed only if the grant carries it
--
-- Returns  an array with one entry per key, in order: 1 renewed, 0 not held by that owner under that
--          token (expired, in lock-delay, released, or granted again); nothing changed for a 0
--
-- Invariant: a lease is only ever extended by the holder of its current, held grant; a grant in lock-delay
-- or past its lease is never revived. A session grant's e only moves forward and only to an expiry its own
-- session had, so it is never held past its session's expiry. The whole batch is one call, so holding
-- 10,000 locks costs one Redis round trip per renewal period. On Cluster all keys of one call must share a
-- slot; the caller groups them. The TTL goes once per run of equal TTLs instead of once per lease: a
-- client's leases mostly share one TTL, and that saves ~11 bytes per lease and period.
local ttls = {}
for ttl, count in string.gmatch(ARGV[1], '(%d+)%*(%d+)') do
  for _ = 1, tonumber(count) do
    ttls[#ttls + 1] = ttl
  end
end
if #ttls ~= #KEYS then
  return redis.error_reply('ERR renew.lua: ' .. #ttls .. ' TTLs for ' .. #KEYS .. ' keys')
end
local sid, se, principal = ARGV[2 * #KEYS + 2], tonumber(ARGV[2 * #KEYS + 3] or '0'), ARGV[2 * #KEYS + 4]
local now
local renewed = {}
for i, key in ipairs(KEYS) do
  local owner, lease = ARGV[2 * i], tonumber(ttls[i])
  local held = redis.call('HMGET', key, 'o', 't', 's', 'e', 'x', 'd', 'P')
  local ok
  if owner ~= '' then
    ok = held[1] == owner and held[2] == ARGV[2 * i + 1] and (principal == nil or (held[7] or '') == principal)
  else
    ok = sid ~= nil and held[3] == sid
  end
  if ok and held[4] then
    now = now or redis_ms()
    local e, x = tonumber(held[4]), tonumber(held[5])
    ok = now < held_until(e, x)
    if ok then
      if held[3] == sid and se > e then
        e = se
        redis.call('HSET', key, 'e', ARGV[2 * #KEYS + 3])
      end
      if owner ~= '' and lease > 0 then
        x = now + lease
        redis.call('HSET', key, 'x', string.format('%.0f', x))
      end
      expire_at_free(key, e, x, tonumber(held[6]), now)
    end
  elseif ok then
    ok = lease > 0
    if ok then
      redis.call('PEXPIRE', key, lease)
    end
  end
  renewed[i] = ok and 1 or 0
end
return renewed
