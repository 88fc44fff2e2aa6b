-- wait_edge.lua: record, refresh or remove one wait of a party in the wait-for graph deadlock detection walks
-- (docs/deadlock.md). Only waits are recorded: who holds a lock is read from the lock itself (inspect.lua).
--
-- KEYS[1]  the party's waits  <prefix>:waits:{<party>}, hash lock name -> "<start us> <deadline ms>"
-- ARGV[1]  lock name
-- ARGV[2]  keep the edge this many ms from now (a refresh moves its deadline, never its start); 0: remove it
--
-- Returns  the edge's start, Redis TIME in microseconds, as a decimal string ('0' when removed)
--
-- Invariant: no edge outlives its deadline for a reader (wait_edges.lua skips it) and the key expires at the
-- latest deadline of its edges, so a crashed waiter's edges vanish by themselves; expired fields are pruned here.
-- Cost: TIME, HGET, HSET, HGETALL (a party waits for few locks at once, usually one), PEXPIRE: only on a waiting
-- acquire, once per arming of its wait.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[2] == '0' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return '0'
end
local start = t[1] .. string.format('%06d', tonumber(t[2]))
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  start = string.match(old, '^(%d+) ')
end
redis.call('HSET', KEYS[1], ARGV[1], start .. ' ' .. string.format('%.0f', now + tonumber(ARGV[2])))
local all = redis.call('HGETALL', KEYS[1])
local latest = now
for i = 1, #all, 2 do
  local deadline = tonumber(string.match(all[i + 1], ' (%d+)$'))
  if deadline <= now then
    redis.call('HDEL', KEYS[1], all[i])
  elseif deadline > latest then
    latest = deadline
  end
end
redis.call('PEXPIRE', KEYS[1], latest - now)
return start
