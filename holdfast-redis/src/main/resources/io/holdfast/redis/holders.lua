-- holders.lua: the table of leased holders shared by the read/write lock and the semaphore, in one place. It is
-- prepended (after lockstate.lua, for redis_ms and publish_release) to rwlock_acquire.lua, semaphore_acquire.lua,
-- holders_release.lua, holders_renew.lua and holders_count.lua; it writes nothing by itself.
--
-- A primitive named N is two keys in N's hash slot (hash tag {N}), kind k = 'rw' or 'sem':
--   <prefix>:{N}:k     hash   member -> "owner token holds request"
--   <prefix>:{N}:k:x   zset   member -> the holder's lease expiry (Redis ms)
-- Members: 'w' is the writer of a read/write lock, 'r<owner>' a reader, 'p<owner>' a semaphore permit. Each
-- holder is a lease of its own: its expiry is its zset score, timed by Redis TIME only. Redis cannot expire one
-- field of a hash (before 7.4), so every script first drops the holders whose expiry has passed (prune), and
-- every write sets both keys' PEXPIRE to the latest expiry left (keep_until_last): a name whose holders all
-- released or expired has no keys at all.
--
-- Owner tokens are printable ASCII without spaces (OwnerToken), tokens decimal, request ids decimal longs, so a
-- holder's value splits on spaces unambiguously. Expiries are Redis ms (about 1.7e12), exact in Lua numbers.

-- Drops the holders whose lease has run out at Redis time now, in chunks: unpack() of more than about 8,000
-- values overflows Lua's stack, and thousands of permits can expire together.
local function prune(h, z, now)
  local gone = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  for i = 1, #gone, 1000 do
    redis.call('HDEL', h, unpack(gone, i, math.min(i + 999, #gone)))
  end
  if #gone > 0 then
    redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
  end
end

-- {owner, token (string), holds (number), request} of a member, or nil.
local function holder(h, member)
  local v = redis.call('HGET', h, member)
  if not v then
    return nil
  end
  local o, t, c, r = string.match(v, '^(%S+) (%d+) (%d+) (%S+)$')
  return {o, t, tonumber(c), r}
end

local function put(h, z, member, e, expiry)
  redis.call('HSET', h, member, e[1] .. ' ' .. e[2] .. ' ' .. e[3] .. ' ' .. e[4])
  redis.call('ZADD', z, expiry, member)
end

-- The keys live exactly as long as their last holder; with no holder they are gone.
local function keep_until_last(h, z, now)
  local last = redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')
  if #last == 0 then
    redis.call('DEL', h, z)
    return
  end
  local ms = tonumber(last[2]) - now
  redis.call('PEXPIRE', h, ms)
  redis.call('PEXPIRE', z, ms)
end

-- Ms until the earliest (first = true) or the latest holder's lease ends; 0 without holders.
local function until_expiry(z, now, first)
  local at = first and redis.call('ZRANGE', z, 0, 0, 'WITHSCORES') or redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')
  if #at == 0 then
    return 0
  end
  return math.max(0, tonumber(at[2]) - now)
end

-- A re-entry or a repeat of an acquire already applied (same request id): same token, holds + 1 or unchanged;
-- the lease becomes the longer of its remaining and the new TTL.
local function reenter(h, z, member, e, request, ttl, now)
  if e[4] ~= request then
    e[3] = e[3] + 1
    e[4] = request
    local expiry = math.max(tonumber(redis.call('ZSCORE', z, member)), now + ttl)
    put(h, z, member, e, expiry)
    keep_until_last(h, z, now)
  end
  return {1, tonumber(e[2]), e[3], 0}
end
