-- release.lua: release one hold of a lock, in one atomic step; for library and session grants alike
-- (lockstate.lua, prepended, describes the lock hash and the state rule).
--
-- KEYS[1]  lock key   <prefix>:{<name>}
-- KEYS[2], KEYS[3]    optional: the lock's line of waiters and their deadlines (fairqueue.lua); read only when
--                     the grant is a fair one (q), to name the next head in the release message. Plain releases
--                     name only KEYS[1]: in Redis Cluster a script naming keys that do not exist is refused with
--                     TRYAGAIN while its slot migrates, and a plain lock has no line.
-- ARGV[1]  owner token
-- ARGV[2]  fencing token of the grant being released (decimal string)
-- ARGV[3]  request id (a long, as a decimal string)
-- ARGV[4]  release channel <prefix>:{<name>}:released (it shares the lock's hash tag, so sharded
--          pub/sub can carry it on Cluster)
-- ARGV[5]  optional: 'SPUBLISH' to publish on the sharded channel (Redis Cluster 7+, where a plain
--          PUBLISH is forwarded to every node of the cluster); 'BOTH' for PUBLISH and SPUBLISH (the lock
--          service's pattern subscription hears only PUBLISH, the library's sharded waiters only SPUBLISH);
--          anything else or absent: PUBLISH
-- ARGV[6]  optional (the lock service): the principal of the caller's session; the grant must carry it (P)
--
-- Returns  n >= 0  the holds the owner has left; 0: the key is deleted and the fencing token was
--                  published on the channel, so waiters retry at once; for a fair grant with waiters in line
--                  the message is "<token> <head>", head being the member at the head of the line (the owner
--                  token, or "<session id> <owner>"), and only that waiter is woken
--          -2      the last hold of a fair grant, released without KEYS[2], KEYS[3]: nothing changed; release
--                  again naming them (so that the head of the line is told)
--          -1      not held by this owner under this token (expired, in lock-delay, taken by another
--                  owner, or a newer grant to the same owner), or, with ARGV[6], another principal's;
--                  nothing changed
--
-- Invariant: only the holder of the current, held grant changes the lock. Owner AND token must match, so
-- a stale lease object of the same owner cannot release a newer grant, and a session grant in lock-delay
-- cannot be released early by its old holder. Through the lock service the grant must also be the caller's
-- principal's, so an owner and token read from a listing free nothing for another token of the tenant. A clean release has no lock-delay. A retried release (same request
-- id as the last change) does not take a second hold; it returns the current count. A retry of the
-- release that freed the lock finds the key gone and returns -1: nothing is left behind to remember it
-- by, which keeps the state of a free lock at zero keys.
local key = KEYS[1]
local owner, token, request, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local held = redis.call('HMGET', key, 'o', 't', 'c', 'r', 'e', 'x', 'P', 'q')
if held[1] ~= owner or held[2] ~= token or (ARGV[6] and (held[7] or '') ~= ARGV[6]) then
  return -1
end
if held[5] and redis_ms() >= held_until(tonumber(held[5]), tonumber(held[6])) then
  return -1
end
local holds = tonumber(held[3] or '1')
if held[4] == request then
  return holds
end
holds = holds - 1
if holds <= 0 then
  if held[8] and not KEYS[2] then
    return -2
  end
  redis.call('DEL', key)
  local head = held[8] and KEYS[2] and fair_head(KEYS[2], KEYS[3], (fair_time()))
  publish_release(channel, head and (token .. ' ' .. head) or token, ARGV[5])
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
