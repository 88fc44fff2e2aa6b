-- session_expiries.lua: count session expiries once across instances and live sessions; run every few
-- seconds by each service instance. (common.lua is prepended.)
--
-- KEYS[1]  session expiries  P:{sessions}:expiry (sid scored by expiry, Redis ms)
--
-- Returns  {expired, active}: sessions that expired since the last run (each is removed from the set
--          here, so across all instances each expiry is counted exactly once), and live sessions
--
-- Invariant: it frees nothing: locks of an expired session expire by their own key TTL, at their e +
-- lock-delay. It only removes bookkeeping entries that no longer describe anything live.
local expiries = KEYS[1]
local now = clock()
local expired = redis.call('ZRANGEBYSCORE', expiries, '-inf', now, 'LIMIT', 0, 1000)
if #expired > 0 then
  redis.call('ZREM', expiries, unpack(expired))
end
return {#expired, redis.call('ZCOUNT', expiries, '(' .. now, '+inf')}
