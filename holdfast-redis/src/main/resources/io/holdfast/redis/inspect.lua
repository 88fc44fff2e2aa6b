-- inspect.lua: read who holds a lock, in one atomic step (it writes nothing). (lockstate.lua, prepended,
-- describes the lock hash and the state rule.)
--
-- KEYS[1]  lock key  <prefix>:{<name>}
--
-- Returns  {owner, token, holds, remaining, state, session id, acquired-at, client name}  while the lock
--          blocks others: state 1 held, 2 in lock-delay after its session expired; remaining is the ms
--          until that state ends (for a library grant the key's PTTL, -1 if the key somehow has no
--          expiry); session id, acquired-at (Redis ms) and client name are '', 0, '' for a library grant
--          {}  when it is free
--
-- Invariant: every field comes from one instant, so they always describe the same grant (separate HGETALL
-- and PTTL calls could straddle a release and a new grant).
local f = redis.call('HMGET', KEYS[1], 'o', 't', 'c', 'e', 'x', 's', 'a', 'n')
if not f[1] then
  return {}
end
local holds = tonumber(f[3] or '1')
if not f[4] then
  return {f[1], tonumber(f[2]), holds, redis.call('PTTL', KEYS[1]), 1, '', 0, ''}
end
local now = redis_ms()
local until_held = held_until(tonumber(f[4]), tonumber(f[5]))
if now < until_held then
  return {f[1], tonumber(f[2]), holds, until_held - now, 1, f[6], tonumber(f[7]), f[8]}
end
return {f[1], tonumber(f[2]), holds, redis.call('PTTL', KEYS[1]), 2, f[6], tonumber(f[7]), f[8]}
