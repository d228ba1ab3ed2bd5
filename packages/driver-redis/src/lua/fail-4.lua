--[[
  fail: records a failure and dead-letters the reserved job, then applies
  the dead retention.

  KEYS[1] inflight   sorted set: job id by lease expiry (ms)
  KEYS[2] dlq        sorted set: dead-lettered job id by failure time (ms)
  KEYS[3] index      the id index's directory (includes/index.lua), for list
  KEYS[4] cancelled  sorted set: job id by cancel time (ms)

  ARGV[1]  the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2]  now (ms), or '' for Redis's TIME; also the dead-letter time
  ARGV[3]  job id
  ARGV[4]  token
  ARGV[5]  attempts
  ARGV[6]  '1' when lastError is given, else '0' (the field is removed)
  ARGV[7]  lastError (already cut to 64 KiB)
  ARGV[8]  failed_at_nano
  ARGV[9]  the dead-letter reason (already cut to 64 KiB)
  ARGV[10] the error-history entry (one line of JSON)
  ARGV[11] how many error-history entries are kept
  ARGV[12] retention of cancelled jobs: most kept ('' = no limit)
  ARGV[13] retention of cancelled jobs: max age in ms ('' = none)
  ARGV[14] dead retention: most dead-lettered jobs kept ('' = no limit)
  ARGV[15] dead retention: max age in ms ('' = none)

  The job keeps its last token (lease_token) and loses lease_expires_at_nano.
  A job with a cancel request keeps the failure record but ends cancelled.
  The run counts as failed in the minute of now, and as dead unless it
  ended cancelled (includes/metrics.lua).
  Returns {'OK'}, {'REPEAT'} (a repeated fail: nothing changed) or a refusal.
]]
--- @include "clock"
--- @include "lease-check"
--- @include "wake"
--- @include "flow"
--- @include "bulk"
--- @include "index"
--- @include "retention"
--- @include "finish"
--- @include "metrics"

local inflight_key, dlq_key, index_key, cancelled_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base, now, id, token = ARGV[1], script_now(ARGV[2]), ARGV[3], ARGV[4]
local attempts, has_last_error, last_error, failed_at_nano, reason = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local error_entry, error_history = ARGV[10], tonumber(ARGV[11])
local now_nano = ms_to_nano(now)
local job_key = base .. 'job:' .. id

local refusal, state = check_lease(job_key, inflight_key, id, token, now, 'fail')
if refusal then return refusal end

redis.call('ZREM', inflight_key, id)
if state[6] then flow_free(base, state[6]) end
record_failure(job_key, attempts, failed_at_nano, has_last_error, last_error, error_entry, error_history)
if state[4] then
  finish_cancelled(base, job_key, id, cancelled_key, index_key, now, ARGV[12], age_cutoff(now, ARGV[13]), state[5])
  count_outcomes(base, now, 0, 1, 0)
  return { 'OK' }
end
count_outcomes(base, now, 0, 1, 1)
redis.call('HDEL', job_key, 'lease_expires_at_nano')
redis.call('HSET', job_key, 'status', 'dlq', 'dlq_reason', reason, 'dlq_failed_at_nano', now_nano)
redis.call('ZADD', dlq_key, now, id)
publish_finished(base, id, state[5])
trim_set(base, dlq_key, index_key, ARGV[14], age_cutoff(now, ARGV[15]))
return { 'OK' }
