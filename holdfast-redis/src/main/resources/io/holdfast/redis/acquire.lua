-- acquire.lua: grant a lock, re-enter it, or report it busy, in one atomic step. The only grant rule of
-- Holdfast: the library calls it directly, the lock service with its session's terms (lockstate.lua, which
-- is prepended, describes the lock hash and the state of a session grant).
--
-- KEYS[1]  lock key   <prefix>:{<name>}
-- KEYS[2]  fence key  the counter the lock's tokens are drawn from; it survives release and expiry
--                     (<prefix>:fence; on Redis Cluster a per-slot <prefix>:{<tag>}:fence in the
--                     lock key's slot)
-- KEYS[3]  waiters    (sessions only) <prefix>:{<name>}:waiters, zset "<session id> <owner>" scored by
--                     the waiter's listing deadline (Redis ms)
-- KEYS[4..7]          (sessions only, and only where every key is on one server: never on Redis Cluster)
--                     the session hash, the session's lock set (lock key -> bind generation), the lock
--                     listing index (zset of names) and its generations (hash name -> generation): the
--                     grant then reads the session's real expiry, binds itself to the session and enters
--                     the listing in the same atomic step, so an acquire costs one script. Without them the
--                     caller does those steps itself (the lock service on Cluster).
-- KEYS[n-1], KEYS[n]  (fair mode only, after all the others) the lock's line of waiters and their deadlines,
--                     <prefix>:{<name>}:queue and <prefix>:{<name>}:queue:until (fairqueue.lua)
-- ARGV[1]  owner token
-- ARGV[2]  lease TTL in milliseconds: positive; 0 (sessions only) binds the grant to the session alone
-- ARGV[3]  request id (a long, as a decimal string)
-- ARGV[4]  (sessions only, absent for a library grant) session id
-- ARGV[5]  the session's expiry e (Redis ms), as the service last read it: never later than the real one
-- ARGV[6]  the session's lock-delay in ms
-- ARGV[7]  the session's client name
-- ARGV[8]  when busy, list the caller among the waiters until now + this many ms; 0: don't
-- ARGV[9]  (with KEYS[4..7]) the lock's name as the listing index holds it
-- ARGV[10] the session's principal, stored as P: only a session of the same principal re-enters the grant
-- ARGV[11] (fair mode only; a library caller passes '' for ARGV[4..10]) how long the caller keeps its place in
--          line after this attempt, in ms; 0: try once without taking a place (a zero wait)
--
-- Fair mode: an owner that does not hold the lock is granted it only if it is free AND nobody live is ahead of
-- it in line (the line is empty, or the caller is its head); otherwise it takes (or keeps) its place in line and
-- is told busy, with the holder's PTTL, or, when the lock is free but another waiter is the head, with the time
-- until that head's place lapses. A fair grant leaves the line and marks the hash q = 1, so that its release
-- names the next head in the release message (release.lua), which wakes that waiter only.
--
-- Returns  {1, token, holds, fresh}  granted: fresh = 1 for a new grant (holds = 1); fresh = 0 for a
--                                    re-entry (same owner, and for a session caller a session of the
--                                    grant's principal: same token, holds + 1) or the repeat of an acquire
--                                    already applied (same request id: nothing changes but the mark p,
--                                    which keeps undo.lua from giving that hold back). The quorum
--                                    mode needs to tell them apart; the other modes ignore fresh.
--          {1, token, 1, 1, ticket}  a fresh grant in fair mode: ticket is the place the caller had in line
--                                    before it left it, 0 when it had none (the line was empty); the
--                                    independent-masters mode settles a waiter's ticket from these too
--          {0, pttl, delayed}        busy: another owner holds the lock (delayed 0), or it is in lock-delay
--                                    after its session expired (delayed 1; only session callers are told),
--                                    and it cannot be free in less than pttl ms without a release message
--          {0, pttl, delayed, ticket}  busy in fair mode (and every busy answer to a session caller): ticket is
--                                    the caller's place in line after this attempt (fairqueue.lua), 0 when it
--                                    took none (a zero wait, or the plain mode); a waiter that keeps the same
--                                    ticket has stayed in line since it got it. For checkers (holdfast verify's
--                                    FIFO check); the wait loop ignores it
--          {-2}                      (sessions only) the session's expiry e has passed (or, with KEYS[4],
--                                    the session is gone); nothing changed but the caller's waiter entry
--
-- Invariant: the tokens of one lock strictly increase over all its grants. A fresh grant takes
--   token = max(counter + 1, server TIME in microseconds)
-- and stores it back in the counter. The counter keeps tokens increasing if the Redis host clock steps
-- back; the TIME floor keeps them increasing if Redis lost its data (restart without persistence,
-- FLUSHALL) or fails over to a replica that missed the last counter updates (the counter is then present
-- but stale, so the floor is needed on every grant, not only when the counter is missing), as long as that
-- clock did not step back and grants average under one per microsecond. A session grant is never held past
-- the session expiry it was given, and its key expires by itself when it stops blocking others.
--
-- Cost: a busy answer to a library caller makes 2 calls (HGET of the owner, PTTL). It is the path every
-- losing waiter takes, so it reads nothing else; a re-entry reads the rest of the hash with one more call,
-- a session caller's busy answer also reads TIME. A fresh grant makes 5 calls. The counter is read and
-- written in one SET ... GET (Redis 6.2+), writing the TIME floor first; only when the old counter was not
-- below it (a clock step back, or more than one grant in the same microsecond) does a second SET write
-- counter + 1. Tokens and the TTL stay decimal strings on that path (TIME's seconds and zero-padded
-- microseconds concatenated, compared by length, then digits), because number-to-string conversion in Lua
-- goes through printf and showed in a perf profile of Redis under this script.
-- Expiry is timed by Redis (PEXPIRE), never by a client clock. TIME inside a script that writes needs
-- effects replication, the default since Redis 5 (and the only mode since 7.0).
--
-- Memory: a first library grant stores only o, t and r, so the hash fits the allocator's 64-byte class
-- even with a 64-bit request id (with c it would spill into the 80-byte class): 16 bytes less per held lock.
-- Fair mode adds the line's reads and writes (fairqueue.lua): 10 calls for a busy waiter already in line, 12 for
-- one joining it, 13 for a grant to the head; a fair grant also stores q (docs/fair-lock.md has the table).
--
-- Tokens stay below 2^53 (TIME in microseconds reaches that in the year 2255), so Lua numbers hold
-- them exactly; they are written with %.0f because Lua's default number format would round them.

-- The lock service's bookkeeping of a session grant, where the session's keys are on the lock's server (not
-- Redis Cluster): bind the lock to the session (its keep-alives extend it, its close frees it; every bind
-- raises the entry's generation, so an unbind at an older generation never drops it) and enter it in the
-- listing index (every entry raises its generation, so a pruner that saw an older one never removes it).
local function bind_and_list(lock, session, bound, index, generations, name)
  redis.call('HINCRBY', bound, lock, 1)
  local pttl = redis.call('PTTL', session)
  if redis.call('PTTL', bound) < pttl then
    redis.call('PEXPIRE', bound, pttl)
  end
  redis.call('ZADD', index, 0, name)
  redis.call('HINCRBY', generations, name, 1)
end

local fair = ARGV[11]
local nkeys = fair and #KEYS - 2 or #KEYS
local key, fence, waiters, session = KEYS[1], KEYS[2], KEYS[3], nkeys >= 4 and KEYS[4] or nil
local owner, ttl, request, sid = ARGV[1], ARGV[2], ARGV[3], ARGV[4] ~= '' and ARGV[4] or nil
local queue, deadlines = fair and KEYS[#KEYS - 1], fair and KEYS[#KEYS]
local member = sid and (sid .. ' ' .. owner) or owner
-- The session's expiry: the session's own where it is in reach (it only grows while the session is live),
-- else what the caller last read, which is never later.
local se = session and (redis.call('HGET', session, 'e') or '0') or ARGV[5]

local holder = redis.call('HGET', key, 'o')
local ticket = 0 -- fair mode: the caller's place in line after this attempt, for its busy answer; 0 when none
if fair and holder ~= owner then
  -- Nobody passes a live waiter ahead in line: a newcomer, or a waiter behind the head, takes its place and waits.
  local now_ms, now_us = fair_time()
  local head, head_until = fair_head(queue, deadlines, now_ms)
  if holder or (head and head ~= member) then
    if tonumber(fair) > 0 then
      ticket = fair_join(queue, deadlines, member, now_ms, now_us, tonumber(fair))
    end
    if not holder then
      return {0, math.max(1, head_until - now_ms), 0, ticket}
    end
  end
end
if not holder then
  local now = redis.call('TIME')
  local ms
  if sid then
    ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
    if ms >= tonumber(se) then
      redis.call('ZREM', waiters, sid .. ' ' .. owner)
      return {-2}
    end
  end
  local token = next_token(fence, now) -- fence.lua
  if not sid then
    redis.call('HSET', key, 'o', owner, 't', token, 'r', request)
    redis.call('PEXPIRE', key, ttl)
    if fair then
      ticket = fair_take(queue, deadlines, member)
      redis.call('HSET', key, 'q', 1)
      return {1, tonumber(token), 1, 1, ticket}
    end
    return {1, tonumber(token), 1, 1}
  end
  local lease = tonumber(ttl)
  local x = lease > 0 and ms + lease or 0
  redis.call('HSET', key, 'o', owner, 't', token, 'r', request, 's', sid, 'e', se, 'd', ARGV[6],
    'x', string.format('%.0f', x), 'a', string.format('%.0f', ms), 'n', ARGV[7], 'P', ARGV[10] or '')
  expire_at_free(key, tonumber(se), x, tonumber(ARGV[6]), ms)
  redis.call('ZREM', waiters, sid .. ' ' .. owner)
  if fair then
    ticket = fair_take(queue, deadlines, member)
    redis.call('HSET', key, 'q', 1)
  end
  if session then
    bind_and_list(key, session, KEYS[5], KEYS[6], KEYS[7], ARGV[9])
  end
  return fair and {1, tonumber(token), 1, 1, ticket} or {1, tonumber(token), 1, 1}
end

if holder ~= owner and not sid then
  return fair and {0, redis.call('PTTL', key), 0, ticket} or {0, redis.call('PTTL', key)}
end

local held = redis.call('HMGET', key, 't', 'c', 'r', 's', 'e', 'x', 'd', 'P')
local ms = (sid or held[5]) and redis_ms()
if sid and ms >= tonumber(se) then
  redis.call('ZREM', waiters, sid .. ' ' .. owner)
  return {-2}
end
local live = not held[5] or ms < held_until(tonumber(held[5]), tonumber(held[6]))
-- A session caller re-enters only a grant of its own principal: the same owner under another token is another owner.
if holder ~= owner or not live or (sid and held[8] ~= (ARGV[10] or '')) then
  if not sid then
    return {0, redis.call('PTTL', key)}
  end
  local listing = tonumber(ARGV[8] or '0')
  if listing > 0 then
    redis.call('ZADD', waiters, ms + listing, sid .. ' ' .. owner)
    if redis.call('PTTL', waiters) < listing then
      redis.call('PEXPIRE', waiters, listing)
    end
  end
  return {0, redis.call('PTTL', key), live and 0 or 1, ticket}
end

local holds = tonumber(held[2] or '1')
if held[3] == request then
  -- A repeat: the same request was answered twice (a retry, perhaps through another service instance), so
  -- either answer may be the one the caller kept; p makes undo.lua refuse to give this hold back.
  redis.call('HSET', key, 'p', request)
  return {1, tonumber(held[1]), holds, 0}
end
holds = holds + 1
redis.call('HSET', key, 'c', holds, 'r', request)
if held[5] then
  local e, x, lease = tonumber(held[5]), tonumber(held[6]), tonumber(ttl)
  if held[4] == sid and tonumber(se) > e then
    e = tonumber(se)
    redis.call('HSET', key, 'e', se)
  end
  if lease > 0 and x > 0 and ms + lease > x then
    x = ms + lease
    redis.call('HSET', key, 'x', string.format('%.0f', x))
  end
  expire_at_free(key, e, x, tonumber(held[7]), ms)
elseif redis.call('PTTL', key) < tonumber(ttl) then
  redis.call('PEXPIRE', key, ttl)
end
if sid then
  redis.call('ZREM', waiters, sid .. ' ' .. owner)
end
if session then
  bind_and_list(key, session, KEYS[5], KEYS[6], KEYS[7], ARGV[9])
end
return {1, tonumber(held[1]), holds, 0}
