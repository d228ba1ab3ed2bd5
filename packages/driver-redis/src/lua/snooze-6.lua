--[[
  snooze: ends a run without counting a failure; the job waits until runAt
  (ready at the tail of its priority when runAt <= now), its snoozes count
  goes up, attempts stay.

  KEYS[1] ready      list of runnable job ids
  KEYS[2] scheduled  sorted set: job id by runAt (ms)
  KEYS[3] inflight   sorted set: job id by lease expiry (ms)
  KEYS[4] index      the id index's directory (includes/index.lua), for list
  KEYS[5] signal     wake-up list
  KEYS[6] cancelled  sorted set: job id by cancel time (ms)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms), or '' for Redis's TIME; the lease is checked at it
  ARGV[3] job id
  ARGV[4] token
  ARGV[5] '1' when runnable at the caller's now (runAt <= now)
  ARGV[6] runAt (ms)
  ARGV[7] run_at_nano ('' when runnable: the field is removed)
  ARGV[8] retention of cancelled jobs: most kept ('' = no limit)
  ARGV[9] retention of cancelled jobs: max age in ms ('' = none)

  Same lease checks as retry; a job with a cancel request ends cancelled.
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

local scheduled_key, inflight_key, index_key, signal_key, cancelled_key = KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local base, now, id, token = ARGV[1], script_now(ARGV[2]), ARGV[3], ARGV[4]
local job_key = base .. 'job:' .. id
local refusal, state = check_lease(job_key, inflight_key, id, token, now, 'retry')
if refusal then return refusal end
redis.call('ZREM', inflight_key, id)
if state[6] then flow_free(base, state[6]) end
if state[4] then
  finish_cancelled(base, job_key, id, cancelled_key, index_key, now, ARGV[8], age_cutoff(now, ARGV[9]), state[5])
  return { 'OK' }
end
redis.call('HDEL', job_key, 'lease_token', 'lease_expires_at_nano', 'fl')
redis.call('HINCRBY', job_key, 'snoozes', 1)
place_back(base, job_key, id, ARGV[5], ARGV[6], ARGV[7], scheduled_key, signal_key)
return { 'OK' }
