--[[
  set-progress: stores a progress value on a job while its lease is valid.

  KEYS[1] inflight   sorted set: job id by lease expiry (ms)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms), or '' for Redis's TIME
  ARGV[3] job id
  ARGV[4] token
  ARGV[5] the value as JSON text (checked and bounded by the caller)

  The lease checks are extendLease's. The value stays after the job finishes.
  Returns {'OK'} or a refusal from check_lease.
]]
--- @include "clock"
--- @include "lease-check"

local base, now, id, token = ARGV[1], script_now(ARGV[2]), ARGV[3], ARGV[4]
local job_key = base .. 'job:' .. id
local refusal = check_lease(job_key, KEYS[1], id, token, now, 'setProgress')
if refusal then return refusal end
redis.call('HSET', job_key, 'progress', ARGV[5])
return { 'OK' }
