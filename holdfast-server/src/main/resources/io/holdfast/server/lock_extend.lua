-- lock_extend.lua: the keep-alive's work on one hash slot: carry a session's new expiry to its locks
-- there, and renew listed leases; one atomic step. (common.lua is prepended.)
--
-- KEYS[i]        lock key P:{F} of the i-th entry (all in one slot)
-- ARGV[1]        session id
-- ARGV[2]        the session's new expiry e (Redis ms), as session_keepalive.lua set it
-- ARGV[3i]       owner of the i-th lease to renew, or '' for "a lock bound to this session"
-- ARGV[3i+1]     its fencing token (decimal string), or ''
-- ARGV[3i+2]     its new lease TTL in ms, or '0'
--
-- Returns  an array with one entry per key: 1 extended (and renewed), 0 not held by this session (or, for
--          a lease, not by that owner under that token): nothing changed for a 0
--
-- Invariant: a lock's e only moves forward and only to an expiry its own session had, so a lock is never
-- held past its session's expiry; a lock that already left 'held' (its e or lease passed, it was
-- released, force-released or taken) is never revived. A lease is renewed only for the owner and token of
-- its current, live grant.
local sid, se = ARGV[1], tonumber(ARGV[2])
local now = clock()
local out = {}
for i, key in ipairs(KEYS) do
  local owner, token, ttl = ARGV[3 * i], ARGV[3 * i + 1], tonumber(ARGV[3 * i + 2])
  local state, _, f = lock_state(key, now)
  local ok = state == 'held' and f[5] ~= false
  if ok and owner ~= '' then
    ok = f[1] == owner and f[2] == token
  elseif ok then
    ok = f[5] == sid
  end
  if ok then
    local x, e, d = tonumber(f[6] or '0'), tonumber(f[9]), tonumber(f[10])
    if f[5] == sid and se > e then
      e = se
      redis.call('HSET', key, 'e', fmt(e))
    end
    if owner ~= '' and ttl > 0 then
      x = now + ttl
      redis.call('HSET', key, 'x', fmt(x))
    end
    expire_lock(key, x, e, d, now)
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
