-- housekeeping.lua: count session expiries once, and read the gauges; run every few seconds by each
-- service instance. (common.lua is prepended.)
--
-- KEYS[1]  session expiries  P:sessions:expiry (sid scored by expiry, Redis ms)
-- KEYS[2]  lock index        P:locks:index
-- ARGV[1]  key prefix P
-- ARGV[2]  how many lock-index entries to sample for pruning
--
-- Returns  {expired, active, indexed}: sessions that expired since the last run (each is removed from
--          the expiry set here, so across all instances each expiry is counted exactly once), live
--          sessions, and locks in the index after pruning the sample (held or delayed, plus entries of
--          freed locks not yet pruned)
--
-- Invariant: it frees nothing: locks of an expired session expire by their own key TTL, at expiry +
-- lock-delay. It only removes bookkeeping entries that no longer describe anything live.
local expiries, index, prefix, sample = KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2])
local now = clock()
local expired = redis.call('ZRANGEBYSCORE', expiries, '-inf', now, 'LIMIT', 0, 1000)
if #expired > 0 then
  redis.call('ZREM', expiries, unpack(expired))
end
local active = redis.call('ZCOUNT', expiries, '(' .. now, '+inf')
local picked = redis.call('ZRANDMEMBER', index, sample)
for _, member in ipairs(picked) do
  if lock_state(prefix .. ':{' .. member .. '}', prefix, now) == 'free' then
    redis.call('ZREM', index, member)
  end
end
return {#expired, active, redis.call('ZCARD', index)}
