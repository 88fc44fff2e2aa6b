-- force.lua: free a lock whoever holds it (an administrator's force-release, or the release of a closing
-- session's grants by the lock service), in one atomic step.
--
-- KEYS[1]  lock key  <prefix>:{<name>}
-- KEYS[2], KEYS[3]   (optional) the lock's line of waiters and their deadlines (fairqueue.lua), read only when the
--                    freed grant is a fair one (q), to name the head in the release message as release.lua does
-- ARGV[1]  expected fencing token, or '0' for whichever grant holds it
-- ARGV[2]  expected session id, or '' for any
-- ARGV[3]  release channel <prefix>:{<name>}:released
-- ARGV[4]  how to publish, as release.lua's ARGV[5]: 'SPUBLISH', 'BOTH', else PUBLISH
--
-- Returns  {1, token, session id}  freed the grant with that token (held or in lock-delay); waiters are
--                                  woken; session id is '' for a library grant
--          {0}                     the lock was free; nothing to do
--          {-3, token}             held under another token or session than expected; nothing changed
--
-- Invariant: a lock key that exists blocks others (lockstate.lua), so this frees exactly a blocking grant.
-- The old grant's renew and release fail from now on (its hash is gone), and the next grant draws
-- max(counter + 1, TIME) from the counter, so its token is larger than the freed one and a fenced resource
-- refuses the old holder's writes. The counter itself never moves back. Repeating it is harmless: the
-- second call finds the lock free or someone else's grant.
local key, expected, esid, channel, mode = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local f = redis.call('HMGET', key, 't', 's', 'q')
if not f[1] then
  return {0}
end
if (expected ~= '0' and f[1] ~= expected) or (esid ~= '' and f[2] ~= esid) then
  return {-3, tonumber(f[1])}
end
redis.call('DEL', key)
local head = f[3] and KEYS[2] and fair_head(KEYS[2], KEYS[3], (fair_time()))
publish_release(channel, head and (f[1] .. ' ' .. head) or f[1], mode)
return {1, tonumber(f[1]), f[2] or ''}
