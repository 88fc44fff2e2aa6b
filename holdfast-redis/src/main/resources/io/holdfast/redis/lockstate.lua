-- lockstate.lua: the lock state rule and the release notice, in one place. It is prepended to every lock script
-- (acquire, release, renew, inspect, undo, force) when the script is loaded, so each is sent and cached
-- (EVALSHA) as one source; it writes nothing by itself.
--
-- A lock is one hash <prefix>:{<name>}: o owner, t fencing token, r id of the last request that changed it,
-- c hold count (absent means 1). A grant made for a library client has only these: it is held for as long
-- as its key exists, and the key's PEXPIRE is its lease.
--
-- A grant made in a session of the lock service carries the session too:
--   s  session id                 e  the session's expiry as the lock knows it (Redis ms)
--   d  lock-delay (ms)            x  lease deadline (Redis ms); 0: bound to the session only
--   a  acquired-at (Redis ms)     n  the session's client name
--   P  the principal that opened the session (the id of its bearer token): through the service the grant is
--      re-entered, released and renewed only in a session of that principal, so an owner and token read
--      from a listing are no capability for another token of the tenant
-- Its state at Redis time now:
--   held      now < held_until(e, x) = min(e, x), x = 0 counting as no lease deadline
--   delayed   after that, until free_at(e, x, d): x when the lease ran out first (x <= e: no lock-delay),
--             else e + d (the session expired: the lock stays ungrantable for the lock-delay)
--   free      from free_at on
-- Every write of such a grant sets the key's PEXPIRE to free_at, so a lock key that exists is never free:
-- it blocks every other owner, and only a held grant may be re-entered, released or renewed. A lock's e is
-- always a value its session's expiry had (the session's expiry only grows while it is live), so a lock is
-- never held past its session's expiry.
--
-- Times come from Redis TIME only, never from a client. The functions cost one closure each per run; the
-- busy path every losing waiter takes does not call them.

local function redis_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function held_until(e, x)
  if x > 0 and x < e then
    return x
  end
  return e
end

local function free_at(e, x, d)
  if x > 0 and x <= e then
    return x
  end
  return e + d
end

-- Tells waiters that a lock was freed (release.lua, undo.lua, force.lua): PUBLISH, which the lock service's
-- pattern subscription hears, unless mode is 'SPUBLISH' (the library's sharded subscribers on Redis Cluster 7+);
-- 'BOTH' for both (the lock service on Cluster 7+, where library clients may wait too).
local function publish_release(channel, token, mode)
  if mode ~= 'SPUBLISH' then
    redis.call('PUBLISH', channel, token)
  end
  if mode == 'SPUBLISH' or mode == 'BOTH' then
    redis.call('SPUBLISH', channel, token)
  end
end

-- Sets a session grant's key to expire at the instant it stops blocking others.
local function expire_at_free(key, e, x, d, now)
  redis.call('PEXPIRE', key, math.max(1, free_at(e, x, d) - now))
end

