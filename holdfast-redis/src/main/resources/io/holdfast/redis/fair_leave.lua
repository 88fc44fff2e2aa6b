-- fair_leave.lua: take a waiter out of this master's line (independent masters, fair mode; fairqueue.lua,
-- prepended, describes the line). Redlock sends it, after a fair grant, to every master that did not grant (the
-- waiter is still in line there), so that the next waiter is not held up there until the place lapses.
--
-- KEYS[1]  the lock's line  <prefix>:{<name>}:queue
-- KEYS[2]  its deadlines    <prefix>:{<name>}:queue:until
-- ARGV[1]  the member (owner token, or "<session id> <owner>" through the lock service)
--
-- Returns  1. Removing the last member deletes both keys, so a released lock with nobody in line leaves nothing.
--
-- Cost: two ZREM.
fair_leave(KEYS[1], KEYS[2], ARGV[1])
return 1
