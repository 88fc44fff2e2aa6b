-- semaphore_acquire.lua: grant a permit of a semaphore, re-enter the caller's permit, or report the semaphore
-- busy, in one atomic step. The only grant rule of Holdfast's semaphore (the embedded HolderTable follows it).
-- holders.lua (prepended) describes the holder table; fence.lua the token rule.
--
-- KEYS[1]  holders   <prefix>:{<name>}:sem
-- KEYS[2]  expiries  <prefix>:{<name>}:sem:x
-- KEYS[3]  fence key (KeySpace.fenceKey, the plain locks' counter)
-- ARGV[1]  owner token
-- ARGV[2]  lease TTL in ms (positive)
-- ARGV[3]  request id (a long, as a decimal string)
-- ARGV[4]  permits: the most owners that may hold at once, as the caller sees it (positive). Not stored:
--          changing it at run time takes no permit back, and each grant obeys its own caller's number
--
-- Returns  {1, token, holds, fresh}   granted (fresh 1) or re-entered / repeated (fresh 0; same token)
--          {0, pttl}                  busy: at least `permits` owners hold; the first of their leases can run
--                                     out in pttl ms (an expiry publishes nothing)
--
-- Invariant: a fresh permit is granted only while fewer than ARGV[4] owners hold a live permit; a permit whose
-- lease ran out is pruned before counting, so a crashed holder's permit comes back at its TTL. Tokens come from
-- the fence counter, so they strictly increase over all permits of the name.
--
-- Cost: prune, HGET, ZCARD; a fresh grant adds fence.lua's 2-3 calls, HSET, ZADD and 3 calls for the TTLs.
-- Memory per held permit: one hash field and one zset entry.
local h, z, fence = KEYS[1], KEYS[2], KEYS[3]
local owner, ttl, request, permits = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local now = redis_ms()
prune(h, z, now)

local member = 'p' .. owner
local mine = holder(h, member)
if mine then
  return reenter(h, z, member, mine, request, ttl, now)
end
if redis.call('ZCARD', z) >= permits then
  return {0, until_expiry(z, now, true)}
end
local token = next_token(fence, redis.call('TIME'))
put(h, z, member, {owner, token, 1, request}, now + ttl)
keep_until_last(h, z, now)
return {1, tonumber(token), 1, 1}
