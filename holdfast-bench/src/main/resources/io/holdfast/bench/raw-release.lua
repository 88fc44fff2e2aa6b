-- raw-release.lua: the raw floor's release: compare-and-delete, then wake waiters.
--
-- KEYS[1]  lock key (the lock name itself)
-- ARGV[1]  the owner's random value, as written by SET NX PX
-- ARGV[2]  release channel (<name>:released)
--
-- Returns  1 released; 0 the key held another value or none (expired): nothing changed
--
-- Invariant: only the owner deletes the key. The PUBLISH is what any waiting lock needs to hand off without
-- polling; with nobody subscribed it costs one dictionary lookup.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], '1')
  return 1
end
return 0
