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
-- in (holders.lua's let_go). The keys go with the last holder, and a permit's slot index with its permit.
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
  redis.call('HSET', h, member, encode(e))
  return e[3]
end
let_go(h, z, member, e, channel, ARGV[6], now)
return 0
