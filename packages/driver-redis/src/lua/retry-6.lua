--[[
  retry: records a failure and puts the reserved job back, ready or scheduled.

  KEYS[1] ready      list of runnable job ids
  KEYS[2] scheduled  sorted set: job id by runAt (ms)
  KEYS[3] inflight   sorted set: job id by lease expiry (ms)
  KEYS[4] index      the id index's directory (includes/index.lua), for list
  KEYS[5] signal     wake-up list
  KEYS[6] cancelled  sorted set: job id by cancel time (ms)

  ARGV[1]  the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2]  now (ms), or '' for Redis's TIME; the lease is checked at it
  ARGV[3]  job id
  ARGV[4]  token
  ARGV[5]  attempts (as the worker computed it)
  ARGV[6]  '1' when lastError is given, else '0' (the field is removed)
  ARGV[7]  lastError (already cut to 64 KiB)
  ARGV[8]  failed_at_nano
  ARGV[9]  '1' when runnable at now (runAt unset or <= now)
  ARGV[10] runAt (ms, '' = unset)
  ARGV[11] run_at_nano ('' = unset: the field is removed)
  ARGV[12] the error-history entry (one line of JSON)
  ARGV[13] how many error-history entries are kept
  ARGV[14] retention of cancelled jobs: most kept ('' = no limit)
  ARGV[15] retention of cancelled jobs: max age in ms ('' = none)

  Leaves a wake-up token, ready or scheduled. A job with a cancel request
  keeps the failure record but ends cancelled instead of going back. Either
  way the run counts as failed in the minute of now (includes/metrics.lua).
  Returns {'OK'} or a refusal from check_lease.
]]
--- @include "clock"
--- @include "lease-check"
--- @include "wake"
--- @include "flow"
--- @include "place"
--- @include "bulk"
--- @include "index"
--- @include "retention"
--- @include "finish"
--- @include "metrics"

local ready_key, scheduled_key, inflight_key, index_key, signal_key, cancelled_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local base, now, id, token = ARGV[1], script_now(ARGV[2]), ARGV[3], ARGV[4]
local attempts, has_last_error, last_error, failed_at_nano = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local runnable, run_at, run_at_nano = ARGV[9], ARGV[10], ARGV[11]
local error_entry, error_history = ARGV[12], tonumber(ARGV[13])
local job_key = base .. 'job:' .. id

local refusal, state = check_lease(job_key, inflight_key, id, token, now, 'retry')
if refusal then return refusal end

redis.call('ZREM', inflight_key, id)
if state[6] then flow_free(base, state[6]) end
record_failure(job_key, attempts, failed_at_nano, has_last_error, last_error, error_entry, error_history)
count_outcomes(base, now, 0, 1, 0)
if state[4] then
  finish_cancelled(base, job_key, id, cancelled_key, index_key, now, ARGV[14], age_cutoff(now, ARGV[15]), state[5])
  return { 'OK' }
end
redis.call('HDEL', job_key, 'lease_token', 'lease_expires_at_nano', 'fl')
place_back(base, job_key, id, runnable, run_at, run_at_nano, scheduled_key, signal_key)
return { 'OK' }
