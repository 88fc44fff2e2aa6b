-- fairqueue.lua: the fair lock's queue of waiters, in one place. It is prepended to acquire.lua and release.lua
-- (after lockstate.lua); it writes nothing by itself.
--
-- A fair lock's waiters wait in line, in the order Redis saw their first busy attempt, never in an order a
-- client's clock decides. The line of lock <name> is two sorted sets in the lock's slot with the same members
-- (the owner token for a library waiter, "<session id> <owner>" through the lock service):
--   <prefix>:{<name>}:queue        scored by ticket: Redis TIME in microseconds, raised to the tail's ticket + 1
--                                  when that is not larger, so tickets strictly increase in arrival order
--   <prefix>:{<name>}:queue:until  scored by the entry's deadline (Redis ms); each attempt of its waiter moves it
--                                  to now + the keep time the waiter asked for, so a waiter that stopped asking
--                                  (crashed, gave up, partitioned) loses its place at most keep ms after its last
--                                  attempt, and the next one in line becomes the head
-- Both keys carry a PEXPIRE no earlier than their last deadline, so a line whose waiters all died disappears by
-- itself, and the last waiter's grant deletes it: a free lock with nobody waiting leaves no key behind.
--
-- Cost: pruning reads one ZRANGEBYSCORE (at most 64 dead entries removed per call, so a call stays short);
-- joining is ZSCORE, plus ZRANGE of the tail and ZADD for a newcomer, ZADD of the deadline and two PTTL.

local function fair_time()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- Drops the entries whose deadline has passed.
local function fair_prune(queue, deadlines, now_ms)
  local dead = redis.call('ZRANGEBYSCORE', deadlines, '-inf', now_ms, 'LIMIT', 0, 64)
  if #dead > 0 then
    redis.call('ZREM', queue, unpack(dead))
    redis.call('ZREM', deadlines, unpack(dead))
  end
end

-- The member at the head of the line and its deadline (Redis ms), after dropping the dead; nil when empty.
local function fair_head(queue, deadlines, now_ms)
  fair_prune(queue, deadlines, now_ms)
  local head = redis.call('ZRANGE', queue, 0, 0)[1]
  if not head then
    return nil, 0
  end
  return head, tonumber(redis.call('ZSCORE', deadlines, head) or now_ms)
end

-- Moves member's deadline to now_ms + keep, and both keys' expiry to at least keep (the place's last deadline).
local function fair_keep(queue, deadlines, member, now_ms, keep)
  redis.call('ZADD', deadlines, string.format('%.0f', now_ms + keep), member)
  for _, k in ipairs({queue, deadlines}) do
    if redis.call('PTTL', k) < keep then
      redis.call('PEXPIRE', k, keep)
    end
  end
end

-- Puts member in line, keeping its place if it is there already, until now_ms + keep. Returns its ticket: the
-- place it already had, or the one it was just given (a place that lapsed and is taken again gets a larger one).
local function fair_join(queue, deadlines, member, now_ms, now_us, keep)
  local ticket = redis.call('ZSCORE', queue, member)
  if ticket then
    ticket = tonumber(ticket)
  else
    ticket = now_us
    local tail = redis.call('ZRANGE', queue, -1, -1, 'WITHSCORES')
    if tail[2] and tonumber(tail[2]) >= ticket then
      ticket = tonumber(tail[2]) + 1
    end
    redis.call('ZADD', queue, string.format('%.0f', ticket), member)
  end
  fair_keep(queue, deadlines, member, now_ms, keep)
  return ticket
end

-- Takes member out of the line (its grant came); deleting the last member deletes the keys.
local function fair_leave(queue, deadlines, member)
  redis.call('ZREM', queue, member)
  redis.call('ZREM', deadlines, member)
end

-- Takes member out of the line at its grant; returns the ticket it had there, 0 when it was not in line (the line
-- was empty). The independent-masters mode settles a waiter's ticket from these too (Redlock, fair mode).
local function fair_take(queue, deadlines, member)
  local ticket = tonumber(redis.call('ZSCORE', queue, member) or '0')
  fair_leave(queue, deadlines, member)
  return ticket
end
