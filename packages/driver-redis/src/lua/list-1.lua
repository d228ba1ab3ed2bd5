--[[
  list: one page of a queue's jobs in ascending id order (byte order), read
  in one atomic step. Changes nothing.

  KEYS[1] index      sorted set of "<status>:<id>" (scores 0)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] status, or '' for every status
  ARGV[3] the last id of the previous page ('' for the first page)
  ARGV[4] page size

  Paging by the last id seen, not by position, keeps a job that stays in its
  status on exactly one page while others come and go.
  Returns { 1 if more jobs follow else 0, id, HGETALL, id, HGETALL, ... }.
]]
--- @include "byte-order"

local index_key = KEYS[1]
local base, status, after, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local statuses = { 'ready', 'scheduled', 'inflight', 'done', 'dlq' }
if status ~= '' then statuses = { status } end

-- Up to limit + 1 ids after the cursor from each status, merged in byte order.
local ids = {}
for _, s in ipairs(statuses) do
  local low = '[' .. s .. ':'
  if after ~= '' then low = '(' .. s .. ':' .. after end
  -- ';' is the byte after ':', so this bound ends the "<status>:" range.
  local members = redis.call('ZRANGEBYLEX', index_key, low, '(' .. s .. ';', 'LIMIT', 0, limit + 1)
  for _, member in ipairs(members) do ids[#ids + 1] = string.sub(member, #s + 2) end
end
if #statuses > 1 then table.sort(ids, byte_less) end

local reply = { 0 }
local taken = 0
for _, id in ipairs(ids) do
  if taken == limit then
    reply[1] = 1
    break
  end
  local fields = redis.call('HGETALL', base .. 'job:' .. id)
  if #fields > 0 then
    reply[#reply + 1] = id
    reply[#reply + 1] = fields
    taken = taken + 1
  end
end
return reply
