--[[
  promote: makes a scheduled job ready now, at the ready tail.

  KEYS[1] ready      list of runnable job ids
  KEYS[2] scheduled  sorted set: job id by runAt (ms)
  KEYS[3] signal     wake-up list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] job id

  runAt is cleared; waiters wake.
  Returns {'OK'}, {'NOT_FOUND'} or {'INVALID', status} (nothing changed).
]]
--- @include "wake"
--- @include "flow"

local ready_key, scheduled_key, signal_key = KEYS[1], KEYS[2], KEYS[3]
local base, id = ARGV[1], ARGV[2]
local job_key = base .. 'job:' .. id
local status = redis.call('HGET', job_key, 'status')
if not status then return { 'NOT_FOUND' } end
if status ~= 'scheduled' then return { 'INVALID', status } end
redis.call('ZREM', scheduled_key, id)
redis.call('HDEL', job_key, 'run_at_nano')
redis.call('HSET', job_key, 'status', 'ready')
place_ready(base, job_key, id, false)
wake(signal_key)
return { 'OK' }
