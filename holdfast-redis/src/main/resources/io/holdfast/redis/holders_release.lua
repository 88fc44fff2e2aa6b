-- holders_release.lua: release one hold of a read/write lock's side or of a semaphore permit, in one atomic
-- step. holders.lua (prepended) describes the holder table; lockstate.lua gives publish_release.
--
-- KEYS[1]  holders   <prefix>:{<name>}:rw or :sem
-- KEYS[2]  expiries  the same with :x
-- ARGV[1]  member    'w', 'r<owner>' or 'p<owner>'
-- ARGV[2]  owner token
-- ARGV[3]  fencing token of the hold being released (decimal string)
-- ARGV[4]  request id (a long, as a decimal string)
-- ARGV[5]  release channel <prefix>:{<name>}:rw:released or :sem:released (same hash tag)
-- ARGV[6]  'SPUBLISH' to publish on the sharded channel (Cluster 7+), else PUBLISH (see lockstate.lua)
--
-- Returns  n >= 0  the holds the owner has left on this member; 0: it is gone
--          -1      not held by this owner under this token (expired, released, or granted again); nothing
--                  changed
--
-- Invariant: only the holder of a live hold changes it; owner and token must match. A retried release (same
-- request id as the last change) does not take a second hold. A message goes out when a waiter may now get
-- in: a writer or a permit left, or the last holder of a read/write lock left (a reader leaving while others
-- read lets nobody new in). The keys go with the last holder.
local h, z = KEYS[1], KEYS[2]
local member, owner, token, request, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local now = redis_ms()
prune(h, z, now)
local e = holder(h, member)
if not e or e[1] ~= owner or e[2] ~= token then
  return -1
end
if e[4] == request then
  return e[3]
end
if e[3] > 1 then
  e[3] = e[3] - 1
  e[4] = request
  redis.call('HSET', h, member, e[1] .. ' ' .. e[2] .. ' ' .. e[3] .. ' ' .. e[4])
  return e[3]
end
redis.call('HDEL', h, member)
redis.call('ZREM', z, member)
if string.sub(member, 1, 1) ~= 'r' or redis.call('ZCARD', z) == 0 then
  publish_release(channel, token, ARGV[6])
end
keep_until_last(h, z, now)
return 0
