--[[
  fail: records a failure and moves the reserved job to the dead-letter list.

  KEYS[1] inflight   sorted set: job id by lease expiry (ms)
  KEYS[2] dlq        list of dead-lettered job ids, oldest first
  KEYS[3] index      sorted set of every job id (scores 0), for list

  ARGV[1]  the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms), or '' for Redis's TIME; also the dead-letter time
  ARGV[3] job id
  ARGV[4] token
  ARGV[5] attempts
  ARGV[6] '1' when lastError is given, else '0' (the field is removed)
  ARGV[7] lastError (already cut to 64 KiB)
  ARGV[8] failed_at_nano
  ARGV[9] the dead-letter reason (already cut to 64 KiB)

  The job keeps its last token (lease_token) and loses lease_expires_at_nano.
  Returns {'OK'}, {'REPEAT'} (a repeated fail: nothing changed) or a refusal.
]]
--- @include "clock"
--- @include "lease-check"

local inflight_key, dlq_key, index_key = KEYS[1], KEYS[2], KEYS[3]
local base, now, id, token = ARGV[1], script_now(ARGV[2]), ARGV[3], ARGV[4]
local attempts, has_last_error, last_error, failed_at_nano, reason = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local now_nano = ms_to_nano(now)
local job_key = base .. 'job:' .. id

local refusal = check_lease(job_key, inflight_key, id, token, now, 'fail')
if refusal then return refusal end

redis.call('ZREM', inflight_key, id)
redis.call('HDEL', job_key, 'lease_expires_at_nano')
redis.call('HSET', job_key, 'status', 'dlq', 'attempts', attempts, 'failed_at_nano', failed_at_nano,
  'dlq_reason', reason, 'dlq_failed_at_nano', now_nano)
if has_last_error == '1' then
  redis.call('HSET', job_key, 'last_error', last_error)
else
  redis.call('HDEL', job_key, 'last_error')
end
redis.call('RPUSH', dlq_key, id)
return { 'OK' }
