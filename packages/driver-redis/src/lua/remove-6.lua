--[[
  remove: deletes a job that is not in flight, with its idempotency mapping
  and every index entry, so its id can be enqueued again.

  KEYS[1] ready      list of runnable job ids
  KEYS[2] scheduled  sorted set: job id by runAt (ms)
  KEYS[3] done       sorted set: job id by finish time (ms)
  KEYS[4] dlq        sorted set: dead-lettered job id by failure time (ms)
  KEYS[5] cancelled  sorted set: job id by cancel time (ms)
  KEYS[6] index      the id index's directory (includes/index.lua), for list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] job id

  A ready job leaves the ready list with LREM, O(n) in the list's length;
  every other structure is a sorted set (O(log n)).
  Returns {'OK'}, {'NOT_FOUND'} or {'INVALID', 'inflight'} (nothing changed).
]]
--- @include "clock"
--- @include "bulk"
--- @include "index"
--- @include "retention"
--- @include "wake"
--- @include "flow"

local base, id = ARGV[1], ARGV[2]
local status = redis.call('HGET', base .. 'job:' .. id, 'status')
if not status then return { 'NOT_FOUND' } end
if status == 'inflight' then return { 'INVALID', status } end
if status == 'ready' then
  remove_ready(base, base .. 'job:' .. id, id)
else
  local sets = { scheduled = KEYS[2], done = KEYS[3], dlq = KEYS[4], cancelled = KEYS[5] }
  local set_key = sets[status]
  if set_key then redis.call('ZREM', set_key, id) end
end
forget_job(base, KEYS[6], id)
return { 'OK' }
