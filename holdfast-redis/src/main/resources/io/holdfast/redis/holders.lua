-- holders.lua: the table of leased holders shared by the read/write lock and the semaphore, in one place. It is
-- prepended (after lockstate.lua, for redis_ms and publish_release) to rwlock_acquire.lua, semaphore_acquire.lua,
-- holders_release.lua, holders_renew.lua and holders_count.lua; it writes nothing by itself.
--
-- A primitive named N is two keys in N's hash slot (hash tag {N}), kind k = 'rw' or 'sem':
--   <prefix>:{N}:k     hash   member -> "owner token holds request [slot]"
--   <prefix>:{N}:k:x   zset   member -> the holder's lease expiry (Redis ms)
-- Members: 'w' is the writer of a read/write lock, 'r<owner>' a reader, 'p<owner>' a semaphore permit. Each
-- holder is a lease of its own: its expiry is its zset score, timed by Redis TIME only. Redis cannot expire one
-- field of a hash (before 7.4), so every script first drops the holders whose expiry has passed (prune), and
-- every write sets both keys' PEXPIRE to the latest expiry left (keep_until_last): a name whose holders all
-- released or expired has no keys at all.
--
-- On independent masters (redis-quorum://) a semaphore's permits are numbered slots 0..N-1, each a Redlock mutex
-- (semaphore_slot_acquire.lua): a permit's value then carries its slot as a 5th field, and the same hash holds the
-- slot index 'k<slot>' -> "owner token". The index is not in the expiries zset, so keep_until_last still deletes it
-- with the last holder; a slot is taken only while its index names a live 'p<owner>' member of that token and slot
-- (slot_holder), so an index left behind by an expired holder counts for nothing and is deleted when seen. Values
-- without a slot (every other deployment) keep the 4-field format.
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

-- {owner, token (string), holds (number), request, slot (string, or nil without one)} of a member, or nil.
local function holder(h, member)
  local v = redis.call('HGET', h, member)
  if not v then
    return nil
  end
  local o, t, c, r, s = string.match(v, '^(%S+) (%d+) (%d+) (%S+) ?(%d*)$')
  return {o, t, tonumber(c), r, s ~= '' and s or nil}
end

local function encode(e)
  local v = e[1] .. ' ' .. e[2] .. ' ' .. e[3] .. ' ' .. e[4]
  if e[5] then
    v = v .. ' ' .. e[5]
  end
  return v
end

local function put(h, z, member, e, expiry)
  redis.call('HSET', h, member, encode(e))
  redis.call('ZADD', z, expiry, member)
end

-- The live holder of permit slot s (a decimal string) as holder() returns it, or nil; an index field that names
-- no live holder of that token in that slot is deleted.
local function slot_holder(h, s)
  local k = redis.call('HGET', h, 'k' .. s)
  if not k then
    return nil
  end
  local o, t = string.match(k, '^(%S+) (%d+)$')
  local e = o and holder(h, 'p' .. o)
  if e and e[2] == t and e[5] == s then
    return e
  end
  redis.call('HDEL', h, 'k' .. s)
  return nil
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

-- Ends a member's last hold: drops it (with its slot's index field), tells waiters when one may now get in (a
-- writer or a permit left, or the last holder of a read/write lock: a reader leaving while others read lets
-- nobody new in), and keeps the keys only as long as their last holder.
local function let_go(h, z, member, e, channel, mode, now)
  redis.call('HDEL', h, member)
  redis.call('ZREM', z, member)
  if e[5] and redis.call('HGET', h, 'k' .. e[5]) == e[1] .. ' ' .. e[2] then
    redis.call('HDEL', h, 'k' .. e[5])
  end
  if string.sub(member, 1, 1) ~= 'r' or redis.call('ZCARD', z) == 0 then
    publish_release(channel, e[2], mode)
  end
  keep_until_last(h, z, now)
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
