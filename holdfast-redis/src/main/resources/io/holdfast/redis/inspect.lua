-- inspect.lua: read who holds a lock, in one atomic step (it writes nothing).
--
-- KEYS[1]  lock key  <prefix>:{<name>}  (hash o, t, r and c; see acquire.lua)
--
-- Returns  {owner, token, holds, pttl}  while the lock is held; pttl is in milliseconds, -1 if the key
--                                       somehow has no expiry
--          {}                           when it is free
--
-- Invariant: owner, token, count and remaining TTL come from one instant, so they always describe the
-- same grant (separate HGETALL and PTTL calls could straddle a release and a new grant).
local held = redis.call('HMGET', KEYS[1], 'o', 't', 'c')
if not held[1] then
  return {}
end
return {held[1], tonumber(held[2]), tonumber(held[3] or '1'), redis.call('PTTL', KEYS[1])}
