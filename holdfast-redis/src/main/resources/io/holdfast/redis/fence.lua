-- fence.lua: the fencing-token rule, the one home of it on Redis, prepended to every script that grants
-- (acquire.lua, rwlock_acquire.lua, semaphore_acquire.lua) so that all grants of a name draw from the same
-- counter key, by the same rule:   token = max(counter + 1, Redis TIME in microseconds); counter = token.
-- `now` is a TIME reply the caller already read (acquire.lua reads it once for the token and the session's time).
-- See acquire.lua's header for why both parts are needed and for the string arithmetic (tokens stay decimal
-- strings; Lua's number formatting is slow and would round them).

local function next_token(fence, now)
  local token = now[1] .. string.rep('0', 6 - #now[2]) .. now[2]
  local counter = redis.call('SET', fence, token, 'GET')
  -- Unless token (no leading zeros, like counter) is the larger integer: longer, or as long and above.
  if counter and not (#token > #counter or (#token == #counter and token > counter)) then
    token = string.format('%.0f', tonumber(counter) + 1)
    redis.call('SET', fence, token)
  end
  return token
end
