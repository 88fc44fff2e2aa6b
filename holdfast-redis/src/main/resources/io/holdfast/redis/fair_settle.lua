-- fair_settle.lua: write the ticket a majority settled for one waiter into this master's line (independent
-- masters, fair mode; fairqueue.lua, prepended, describes the line). Redlock sends it to every master right after
-- a fair attempt that was not granted, on the same connection as the attempt, so it runs before that master sees
-- the waiter's next attempt, and before the undo of a grant this attempt got there (so the waiter is never out of
-- the line of a master that granted it in between).
--
-- KEYS[1]  the lock's line  <prefix>:{<name>}:queue
-- KEYS[2]  its deadlines    <prefix>:{<name>}:queue:until
-- ARGV[1]  the member (owner token, or "<session id> <owner>" through the lock service)
-- ARGV[2]  the settled ticket: the majority-th smallest ticket the masters reported for this attempt (Redlock)
-- ARGV[3]  how long the place lasts from now, in ms (the keep time of the attempt)
--
-- Returns  1; the member is in line at the settled ticket until now + keep, wherever it was (or was not) before:
--          re-added where a grant or an undo removed it, moved where this master had it later or earlier.
--
-- Invariant: every master orders the settled waiters by the same tickets (ties by member, the zset's order), so
-- the waiter with the smallest settled ticket heads every master that has it. Later newcomers still join behind
-- it: fair_join gives the tail's ticket + 1 when its TIME is not larger.
--
-- Cost: TIME, two ZADD, two PTTL (and at most two PEXPIRE).
local queue, deadlines = KEYS[1], KEYS[2]
local member, ticket, keep = ARGV[1], ARGV[2], tonumber(ARGV[3])
local now_ms = fair_time()
redis.call('ZADD', queue, ticket, member)
fair_keep(queue, deadlines, member, now_ms, keep)
return 1
