--[[
  requeue: moves a dead-lettered job back to the ready tail, or to scheduled.

  KEYS[1] ready      list of runnable job ids
  KEYS[2] scheduled  sorted set: job id by runAt (ms)
  KEYS[3] dlq        sorted set: dead-lettered job id by failure time (ms)
  KEYS[4] index      the id index's directory (includes/index.lua), for list
  KEYS[5] signal     wake-up list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] job id
  ARGV[3] '1' to reset attempts to 0 and remove last_error, failed_at_nano and errors
  ARGV[4] '1' when runnable at now (runAt unset or <= now)
  ARGV[5] runAt (ms, '' = unset)
  ARGV[6] run_at_nano ('' = unset: the field is removed)

  The dead-letter reason and time and the last token are removed, reclaims
  set to 0, max_attempts raised when the job has none left (see revive);
  the job wakes waiters whether ready or scheduled.
  Returns {'OK'}, {'NOT_FOUND'} or {'NOT_DLQ', status} (nothing changed).
]]
--- @include "wake"
--- @include "flow"
--- @include "place"
--- @include "revive"

local ready_key, scheduled_key, dlq_key, index_key, signal_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local base, id, reset, runnable, run_at, run_at_nano = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local job_key = base .. 'job:' .. id

local status = redis.call('HGET', job_key, 'status')
if not status then return { 'NOT_FOUND' } end
if status ~= 'dlq' then return { 'NOT_DLQ', status } end

redis.call('ZREM', dlq_key, id)
revive(job_key, reset)
place_back(base, job_key, id, runnable, run_at, run_at_nano, scheduled_key, signal_key)
return { 'OK' }
