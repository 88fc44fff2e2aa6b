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
-- FLUSHALL) or fails over to a replica that missed the last counter updates (the counter is then present
-- but stale, so the floor is needed on every grant, not only when the counter is missing), as long as that
-- clock did not step back and grants average under one per microsecond.
--
-- Cost: a busy answer makes 2 calls (HGET of the owner, PTTL). It is the path every losing waiter takes,
-- so it reads nothing else and the script defines no function (a closure would be allocated on every
-- run); a re-entry reads the rest of the hash with one more call. A fresh grant makes 5 calls. The
-- counter is read and written in one SET ... GET (Redis 6.2+), writing the TIME floor first; only when
-- the old counter was not below it (a clock step back, or more than one grant in the same microsecond)
-- does a second SET write counter + 1. Tokens and the TTL stay
-- decimal strings on that path (TIME's seconds and zero-padded microseconds concatenated, compared by
-- length, then digits), because number-to-string conversion in Lua goes through printf and showed in a
-- perf profile of Redis under this script.
-- Expiry is timed by Redis (PEXPIRE), never by a client clock. TIME inside a script that writes needs
-- effects replication, the default since Redis 5 (and the only mode since 7.0).
--
-- Memory: a first grant stores only o, t and r, so the hash fits the allocator's 64-byte class even
-- with a 64-bit request id (with c it would spill into the 80-byte class): 16 bytes less per held lock.
--
-- Tokens stay below 2^53 (TIME in microseconds reaches that in the year 2255), so Lua numbers hold
-- them exactly; they are written with %.0f because Lua's default number format would round them.
local key, fence = KEYS[1], KEYS[2]
local owner, ttl, request = ARGV[1], ARGV[2], ARGV[3]

local holder = redis.call('HGET', key, 'o')
if not holder then
  local now = redis.call('TIME')
  local token = now[1] .. string.rep('0', 6 - #now[2]) .. now[2]
  local counter = redis.call('SET', fence, token, 'GET')
  -- Unless token (no leading zeros, like counter) is the larger integer: longer, or as long and above.
  if counter and not (#token > #counter or (#token == #counter and token > counter)) then
    token = string.format('%.0f', tonumber(counter) + 1)
    redis.call('SET', fence, token)
  end
  redis.call('HSET', key, 'o', owner, 't', token, 'r', request)
  redis.call('PEXPIRE', key, ttl)
  return {1, tonumber(token), 1, 1}
end

if holder ~= owner then
  return {0, redis.call('PTTL', key)}
end

local held = redis.call('HMGET', key, 't', 'c', 'r')
local holds = tonumber(held[2] or '1')
if held[3] == request then
  return {1, tonumber(held[1]), holds, 0}
end
holds = holds + 1
redis.call('HSET', key, 'c', holds, 'r', request)
if redis.call('PTTL', key) < tonumber(ttl) then
  redis.call('PEXPIRE', key, ttl)
end
return {1, tonumber(held[1]), holds, 0}
