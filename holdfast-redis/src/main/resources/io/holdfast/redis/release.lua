-- release.lua: release one hold of a lock, in one atomic step.
--
-- KEYS[1]  lock key   <prefix>:{<name>}  (hash o, t, r and c when above 1; see acquire.lua)
-- ARGV[1]  owner token
-- ARGV[2]  fencing token of the grant being released (decimal string)
-- ARGV[3]  request id (a long, as a decimal string)
-- ARGV[4]  release channel <prefix>:{<name>}:released (it shares the lock's hash tag, so sharded
--          pub/sub can carry it on Cluster)
-- ARGV[5]  optional: 'SPUBLISH' to publish on the sharded channel (Redis Cluster 7+, where a plain
--          PUBLISH is forwarded to every node of the cluster); anything else or absent: PUBLISH
--
-- Returns  n >= 0  the holds the owner has left; 0: the key is deleted and the fencing token was
--                  published on the channel, so waiters retry at once
--          -1      not held by this owner under this token (expired, taken by another owner, or a
--                  newer grant to the same owner); nothing changed
--
-- Invariant: only the holder of the current grant changes the lock. Owner AND token must match, so a
-- stale lease object of the same owner cannot release a newer grant. A retried release (same request
-- id as the last change) does not take a second hold; it returns the current count. A retry of the
-- release that freed the lock finds the key gone and returns -1: nothing is left behind to remember it
-- by, which keeps the state of a free lock at zero keys.
local key = KEYS[1]
local owner, token, request, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local held = redis.call('HMGET', key, 'o', 't', 'c', 'r')
if held[1] ~= owner or held[2] ~= token then
  return -1
end
local holds = tonumber(held[3] or '1')
if held[4] == request then
  return holds
end
holds = holds - 1
if holds <= 0 then
  redis.call('DEL', key)
  redis.call(ARGV[5] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH', channel, token)
  return 0
end
if holds == 1 then
  -- Back to the compact form of a single hold (see acquire.lua).
  redis.call('HDEL', key, 'c')
  redis.call('HSET', key, 'r', request)
else
  redis.call('HSET', key, 'c', holds, 'r', request)
end
return holds
