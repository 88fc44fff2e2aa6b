-- semaphore_slot_acquire.lua: grant one numbered permit slot of a semaphore on one independent master
-- (redis-quorum://), re-enter the caller's permit in that slot, or report busy, in one atomic step. The
-- semaphore's grant rule on independent masters: every slot 0..N-1 is a Redlock mutex, so a permit is held where
-- a majority granted the caller the SAME slot, and two owners never hold one slot on two majorities (they share a
-- master, which grants a slot to one live holder at a time). At most N owners hold, however the masters' tables
-- differ. holders.lua (prepended) describes the holder table and the slot index; fence.lua the token rule.
--
-- KEYS[1]  holders   <prefix>:{<name>}:sem
-- KEYS[2]  expiries  <prefix>:{<name>}:sem:x
-- KEYS[3]  fence key (KeySpace.fenceKey, the plain locks' counter)
-- ARGV[1]  owner token
-- ARGV[2]  lease TTL in ms (positive)
-- ARGV[3]  request id of the attempt (a long, as a decimal string)
-- ARGV[4]  permits: the most owners that may hold at once, as the caller sees it (positive); not stored
-- ARGV[5]  slot, 0 <= slot < permits, chosen by the caller
--
-- Returns  {1, token, holds, fresh}         granted (fresh 1), or re-entered / repeated (fresh 0; same token) when
--                                           the caller's permit here is in this slot
--          {0, pttl, mine, taken...}        busy: the slot is taken, `permits` owners hold here, or the caller
--                                           holds a permit here in another slot (mine; -1 if none: re-entry is
--                                           only in the caller's own slot, so that a majority always agrees on
--                                           it). pttl: the first lease here can run out by then; taken: the slot
--                                           of every live holder here, so the caller can pick a free one
--
-- Invariant: a fresh permit is granted here only while this slot has no live holder and fewer than ARGV[4]
-- owners hold here (the second rule keeps "lowering the number takes no permit back, but lets nobody in until
-- fewer hold" as on one master). Tokens come from the fence counter.
--
-- Cost: prune, HGET of the caller's member and of the slot index (and of its holder); a fresh grant adds
-- fence.lua's 2-3 calls, HSET twice, ZADD and 3 calls for the TTLs. Busy: one HGET per live holder here, to list
-- the taken slots. Memory per held permit: one hash field, one zset entry and one index field.
local h, z, fence = KEYS[1], KEYS[2], KEYS[3]
local owner, ttl, request, permits, slot = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5]
local now = redis_ms()
prune(h, z, now)

local member = 'p' .. owner
local mine = holder(h, member)
if mine and mine[5] == slot then
  return reenter(h, z, member, mine, request, ttl, now)
end
if not mine and redis.call('ZCARD', z) < permits and not slot_holder(h, slot) then
  local token = next_token(fence, redis.call('TIME'))
  put(h, z, member, {owner, token, 1, request, slot}, now + ttl)
  redis.call('HSET', h, 'k' .. slot, owner .. ' ' .. token)
  keep_until_last(h, z, now)
  return {1, tonumber(token), 1, 1}
end
local busy = {0, until_expiry(z, now, true), mine and tonumber(mine[5] or '-1') or -1}
for _, m in ipairs(redis.call('ZRANGE', z, 0, -1)) do
  local e = holder(h, m)
  if e and e[5] then
    busy[#busy + 1] = tonumber(e[5])
  end
end
return busy
