-- wait_edges.lua: the live waits of one party in the wait-for graph (wait_edge.lua writes them). Writes nothing.
--
-- KEYS[1]  the party's waits  <prefix>:waits:{<party>}
--
-- Returns  {lock, start us, lock, start us, ...} for the edges whose deadline has not passed (Redis TIME)
-- Cost: TIME, HGETALL.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local all = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #all, 2 do
  local start, deadline = string.match(all[i + 1], '^(%d+) (%d+)$')
  if tonumber(deadline) > now then
    live[#live + 1] = all[i]
    live[#live + 1] = start
  end
end
return live
