-- fence.lua: the fencing-token rule of acquire.lua as a function, prepended to the scripts of the read/write
-- lock and the semaphore (rwlock_acquire.lua, semaphore_acquire.lua) so that their grants draw from the same
-- counter key, by the same rule:   token = max(counter + 1, Redis TIME in microseconds); counter = token.
-- See acquire.lua's header for why both parts are needed and for the string arithmetic (tokens stay decimal
-- strings; Lua's number formatting is slow and would round them).

local function next_token(fence)
  local now = redis.call('TIME')
  local token = now[1] .. string.rep('0', 6 - #now[2]) .. now[2]
  local counter = redis.call('SET', fence, token, 'GET')
  if counter and not (#token > #counter or (#token == #counter and token > counter)) then
    token = string.format('%.0f', tonumber(counter) + 1)
    redis.call('SET', fence, token)
  end
  return token
end
