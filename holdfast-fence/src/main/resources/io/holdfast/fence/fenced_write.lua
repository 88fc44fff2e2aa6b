-- fenced_write.lua: apply one write to a resource key only if the writer's fencing token is at least the highest
-- token that key's fence has seen, and raise the fence to it, in one atomic step. The resource's side of fencing
-- for data kept in Redis (RedisFence is its Java face).
--
-- KEYS[1]  resource key  the key the write changes
-- KEYS[2]  fence key     the highest token accepted for that resource, a decimal string with no TTL; it shares
--                        the resource key's hash slot (RedisFence.fenceKeyOf), so one script may touch both on
--                        Redis Cluster
-- ARGV[1]  token         the writer's fencing token: a positive 64-bit integer, decimal, no sign, no leading zeros
-- ARGV[2]  command       SET, HSET or XADD: the write
-- ARGV[3..]              the command's arguments after its key (SET: value; HSET: field value ...;
--                        XADD: * field value ...)
--
-- Returns  {1, reply}     applied: reply is the command's reply as a string ("OK", the number of new hash fields,
--                         the stream entry id); the fence now holds ARGV[1] (or already did)
--          {0, highest}   refused as stale: ARGV[1] is lower than highest; nothing changed
--          error          "ERR fenced_write: ..." for an unknown command; a failing write (a key of another type)
--                         fails the script before the fence moves, so the fence never runs ahead of the data
--
-- Invariant: a write carrying token t is applied only if no write with a token above t was applied to this
--   resource before it. Equal tokens pass: they are the same grant writing again (re-entry and renewal keep the
--   token), and a repeat of an applied SET or HSET changes nothing. Tokens are compared as decimal strings
--   (longer is larger, then byte order), never as Lua numbers, which are doubles and would round them.
--
-- Cost: 3 calls (GET of the fence, the write, SET of the fence); a refusal makes 1. Memory: one string key per
--   resource key ever written through the fence; it has no TTL, since forgetting it would let a stale token in.
-- Limits: tokens up to 2^63 - 1 (FencingToken); the command list is closed on purpose (a guard that runs any
--   command is EVAL with extra steps).

local token = ARGV[1]
local highest = redis.call('GET', KEYS[2])
if highest and (#token < #highest or (#token == #highest and token < highest)) then
  return {0, highest}
end

local command = ARGV[2]
if command ~= 'SET' and command ~= 'HSET' and command ~= 'XADD' then
  return redis.error_reply('ERR fenced_write: unsupported command ' .. tostring(command))
end

local reply = redis.call(command, KEYS[1], unpack(ARGV, 3))
if type(reply) == 'table' and reply.ok then
  reply = reply.ok
end
redis.call('SET', KEYS[2], token)
return {1, tostring(reply)}
