--[[
  list: one page of a queue's jobs in ascending id order (byte order), read
  in one atomic step. Changes nothing.

  KEYS[1] index      the id index's directory (includes/index.lua), for list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] status, or '' for every status
  ARGV[3] the last id of the previous page ('' for the first page)
  ARGV[4] page size
  ARGV[5] type, or '' for every type

  The index (includes/index.lua) holds ids only, in buckets walked in order, so a status or type filter reads each job's
  status and type from its hash while walking the ids after the cursor, in chunks, until the page
  is full (plus one job, to know that more follow) or the ids run out.
  Paging by the last id seen, not by position, keeps a job that stays in its
  status on exactly one page while others come and go.
  Returns { 1 if more jobs follow else 0, id, HGETALL, id, HGETALL, ... }.
]]
--- @include "bulk"
--- @include "index"

local index_key = KEYS[1]
local base, status, after, limit, job_type = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local filtered = status ~= '' or job_type ~= ''
local chunk = limit + 1
if filtered and chunk < 256 then chunk = 256 end

local reply = { 0 }
local taken = 0
-- The bucket the cursor falls in (index_low_of), or the first one.
local low, from
if after == '' then
  low = redis.call('ZRANGE', index_key, 0, 0)[1]
  from = '-'
else
  low = index_low_of(index_key, after)
  from = '(' .. after
end
while low do
  local ids = redis.call('ZRANGEBYLEX', index_bucket_key(index_key, low), from, '+', 'LIMIT', 0, chunk)
  for _, id in ipairs(ids) do
    local job_key = base .. 'job:' .. id
    local matches = true
    if filtered then
      local fields = redis.call('HMGET', job_key, 'status', 'type')
      matches = (status == '' or fields[1] == status) and (job_type == '' or fields[2] == job_type)
    end
    if matches then
      if taken == limit then
        reply[1] = 1
        return reply
      end
      local fields = redis.call('HGETALL', job_key)
      if #fields > 0 then
        reply[#reply + 1] = id
        reply[#reply + 1] = fields
        taken = taken + 1
      end
    end
  end
  if #ids < chunk then
    low = index_next_low(index_key, low)
    from = '-'
  else
    from = '(' .. ids[#ids]
  end
end
return reply
