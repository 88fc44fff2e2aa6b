-- acquire.lua: grant a lock, re-enter it, or report it busy, in one atomic step.
--
-- KEYS[1]  lock key   <prefix>:{<name>}  hash: o = owner, t = fencing token, r = id of the last
--                                        request that changed it, c = hold count, present only
--                                        above 1 (a missing c means 1)
-- KEYS[2]  fence key  the counter the lock's tokens are drawn from; it survives release and expiry
--                     (<prefix>:fence; on Redis Cluster a per-slot <prefix>:{<tag>}:fence in the
--                     lock key's slot)
-- ARGV[1]  owner token
-- ARGV[2]  lease TTL in milliseconds (a positive integer)
-- ARGV[3]  request id (a long, as a decimal string)
--
-- Returns  {1, token, holds, fresh}  granted: fresh = 1 for a new grant (holds = 1); fresh = 0 for a
--                                    re-entry (same token, holds + 1) or the repeat of an acquire
--                                    already applied (same request id: nothing changes). The quorum
--                                    mode needs to tell them apart; the other modes ignore fresh.
--          {0, pttl}                 busy: another owner holds the lock for pttl more milliseconds
--
-- Invariant: the tokens of one lock strictly increase over all its grants. A fresh grant takes
--   token = max(counter + 1, server TIME in microseconds)
-- and stores it back in the counter. The counter keeps tokens increasing if the Redis host clock steps
-- back; the TIME floor keeps them increasing if Redis lost its data (restart without persistence,
-- FLUSHALL), as long as that clock did not step back and grants average under one per microsecond.
-- Expiry is timed by Redis (PEXPIRE), never by a client clock. TIME inside a script that writes needs
-- effects replication, the default since Redis 5 (and the only mode since 7.0).
--
-- Memory: a first grant stores only o, t and r, so the hash fits the allocator's 64-byte class even
-- with a 64-bit request id (with c it would spill into the 80-byte class): 16 bytes less per held lock.
--
-- Tokens stay below 2^53 (TIME in microseconds reaches that in the year 2255), so Lua numbers hold
-- them exactly; they are written with %.0f because Lua's default number format would round them.
local key, fence = KEYS[1], KEYS[2]
local owner, ttl, request = ARGV[1], tonumber(ARGV[2]), ARGV[3]

local held = redis.call('HMGET', key, 'o', 't', 'c', 'r')
if not held[1] then
  local counter = tonumber(redis.call('GET', fence) or '0')
  local now = redis.call('TIME')
  local micros = tonumber(now[1]) * 1000000 + tonumber(now[2])
  local token = string.format('%.0f', math.max(counter + 1, micros))
  redis.call('SET', fence, token)
  redis.call('HSET', key, 'o', owner, 't', token, 'r', request)
  redis.call('PEXPIRE', key, ttl)
  return {1, tonumber(token), 1, 1}
end

if held[1] == owner then
  local holds = tonumber(held[3] or '1')
  if held[4] == request then
    return {1, tonumber(held[2]), holds, 0}
  end
  holds = holds + 1
  redis.call('HSET', key, 'c', holds, 'r', request)
  if redis.call('PTTL', key) < ttl then
    redis.call('PEXPIRE', key, ttl)
  end
  return {1, tonumber(held[2]), holds, 0}
end

return {0, redis.call('PTTL', key)}
