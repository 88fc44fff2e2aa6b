-- rwlock_acquire.lua: grant the read or the write side of a read/write lock, re-enter it, or report it busy, in
-- one atomic step. The only grant rule of Holdfast's read/write lock (the embedded HolderTable follows it step by
-- step). holders.lua (prepended) describes the holder table; fence.lua the token rule.
--
-- KEYS[1]  holders   <prefix>:{<name>}:rw
-- KEYS[2]  expiries  <prefix>:{<name>}:rw:x
-- KEYS[3]  waiting writers that announced themselves  <prefix>:{<name>}:rw:wq, zset owner -> announcement end
--          (Redis ms)
-- KEYS[4]  fence key, the counter of the plain locks' tokens (same key, same slot: KeySpace.fenceKey)
-- ARGV[1]  'r' read or 'w' write
-- ARGV[2]  owner token
-- ARGV[3]  lease TTL in ms (positive)
-- ARGV[4]  request id (a long, as a decimal string)
-- ARGV[5]  read: '1' to stay out while a writer is announced (writer preference), '0' not to;
--          write: when busy, announce the caller as a waiting writer for this many ms; '0' not to
--
-- Returns  {1, token, holds, fresh}   granted (fresh 1) or re-entered / repeated (fresh 0; same token)
--          {0, pttl}                  busy; no release message can be missed for longer than pttl ms: the
--                                     blocker's lease, or the announcement that keeps a reader out, ends by then
--          {-3}                       refused: the owner holds the read side and asks for the write side
--                                     (an upgrade, which could deadlock two readers); nothing changed
--
-- Invariant: a writer holds only while no other owner holds either side; readers hold only while no other
-- owner writes. The write holder may also read (downgrade). Every fresh grant, read or write, takes the next
-- token of the fence counter, so a writer's token exceeds every earlier reader's and vice versa.
--
-- Cost: prune (ZRANGEBYSCORE, plus HDEL and ZREMRANGEBYSCORE only when a lease ran out), one ZREMRANGEBYSCORE of
-- the announcements, HGET of the writer and of the caller's member; a fresh grant adds fence.lua's 2-3 calls,
-- HSET, ZADD, and 3 calls to set both keys' TTL. Memory: per holder one hash field (about 60 bytes with a 32-char
-- owner) and one zset entry; the announcement zset only while a writer waits.
local h, z, q, fence = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local mode, owner, ttl, request, flag = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local now = redis_ms()
prune(h, z, now)
redis.call('ZREMRANGEBYSCORE', q, '-inf', now)

local member = mode == 'w' and 'w' or ('r' .. owner)
local mine = holder(h, member)
if mine and mine[1] == owner then
  return reenter(h, z, member, mine, request, ttl, now)
end
local writer = holder(h, 'w')
if mode == 'r' then
  if writer and writer[1] ~= owner then
    return {0, math.max(0, tonumber(redis.call('ZSCORE', z, 'w')) - now)}
  end
  if not writer and flag == 1 and redis.call('ZCARD', q) > 0 then
    return {0, until_expiry(q, now, false)}
  end
else
  if writer then
    return {0, math.max(0, tonumber(redis.call('ZSCORE', z, 'w')) - now)}
  end
  if redis.call('ZCARD', z) > 0 then
    if redis.call('HEXISTS', h, 'r' .. owner) == 1 then
      return {-3}
    end
    if flag > 0 then
      redis.call('ZADD', q, now + flag, owner)
      local last = redis.call('ZRANGE', q, -1, -1, 'WITHSCORES')
      redis.call('PEXPIRE', q, math.max(1, tonumber(last[2]) - now))
    end
    return {0, until_expiry(z, now, false)}
  end
end

local token = next_token(fence, redis.call('TIME'))
put(h, z, member, {owner, token, 1, request}, now + ttl)
if mode == 'w' then
  redis.call('ZREM', q, owner)
end
keep_until_last(h, z, now)
return {1, tonumber(token), 1, 1}
