--[[
  cancel: cancels a waiting job at once, or asks a running one to stop.

  KEYS[1] ready      list of runnable job ids
  KEYS[2] scheduled  sorted set: job id by runAt (ms)
  KEYS[3] cancelled  sorted set: job id by cancel time (ms)
  KEYS[4] index      the id index's directory (includes/index.lua), for list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms)
  ARGV[3] '1' when a reason is given, else '0'
  ARGV[4] the reason (already cut to 64 KiB)
  ARGV[5] retention of cancelled jobs: most kept ('' = no limit)
  ARGV[6] retention of cancelled jobs: max age in ms ('' = none)
  ARGV[7] job id

  ready or scheduled: cancelled now (a ready job leaves the ready list with
  LREM, O(n) in the list's length). inflight: cancel_requested_at_nano and
  cancel_reason are set and the id is published on the queue's cancels
  channel; a second request keeps the first. The run's outcome finishes it.
  Returns {'CANCELLED'}, {'CANCELLING'}, {'NOT_FOUND'} or {'INVALID', status}
  (a finished job; nothing changed).
]]
--- @include "clock"
--- @include "bulk"
--- @include "index"
--- @include "retention"
--- @include "finish"
--- @include "wake"
--- @include "flow"

local ready_key, scheduled_key, cancelled_key, index_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base, now, id = ARGV[1], ARGV[2], ARGV[7]
local has_reason, reason = ARGV[3], ARGV[4]
local job_key = base .. 'job:' .. id

local state = redis.call('HMGET', job_key, 'status', 'cancel_requested_at_nano', 'watched')
local status = state[1]
if not status then return { 'NOT_FOUND' } end
if status == 'inflight' then
  if state[2] then return { 'CANCELLING' } end
  redis.call('HSET', job_key, 'cancel_requested_at_nano', ms_to_nano(now))
  if has_reason == '1' then redis.call('HSET', job_key, 'cancel_reason', reason) end
  redis.call('PUBLISH', base .. 'cancels', id)
  return { 'CANCELLING' }
end
if status == 'ready' then
  remove_ready(base, job_key, id)
elseif status == 'scheduled' then
  redis.call('ZREM', scheduled_key, id)
else
  return { 'INVALID', status }
end
if has_reason == '1' then redis.call('HSET', job_key, 'cancel_reason', reason) end
finish_cancelled(base, job_key, id, cancelled_key, index_key, now, ARGV[5], age_cutoff(now, ARGV[6]), state[3])
return { 'CANCELLED' }
