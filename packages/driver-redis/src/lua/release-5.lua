--[[
  release: gives a reserved job back without counting a failure; it goes to
  the head of the ready list (on the flow path: of its priority in its group).

  KEYS[1] ready      list of runnable job ids
  KEYS[2] inflight   sorted set: job id by lease expiry (ms)
  KEYS[3] index      the id index's directory (includes/index.lua), for list
  KEYS[4] signal     wake-up list
  KEYS[5] cancelled  sorted set: job id by cancel time (ms)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms), or '' for Redis's TIME
  ARGV[3] job id
  ARGV[4] token
  ARGV[5] retention of cancelled jobs: most kept ('' = no limit)
  ARGV[6] retention of cancelled jobs: max age in ms ('' = none)

  The lease and runAt are cleared; attempts and reclaims stay. A job with a
  cancel request ends cancelled instead.
  Returns {'OK'} or a refusal from check_lease.
]]
--- @include "clock"
--- @include "lease-check"
--- @include "wake"
--- @include "flow"
--- @include "bulk"
--- @include "index"
--- @include "retention"
--- @include "finish"

local ready_key, inflight_key, index_key, signal_key, cancelled_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local base, now, id, token = ARGV[1], script_now(ARGV[2]), ARGV[3], ARGV[4]
local job_key = base .. 'job:' .. id

local refusal, state = check_lease(job_key, inflight_key, id, token, now, 'release')
if refusal then return refusal end

redis.call('ZREM', inflight_key, id)
if state[6] then flow_free(base, state[6]) end
if state[4] then
  finish_cancelled(base, job_key, id, cancelled_key, index_key, now, ARGV[5], age_cutoff(now, ARGV[6]), state[5])
  return { 'OK' }
end
redis.call('HDEL', job_key, 'lease_token', 'lease_expires_at_nano', 'run_at_nano', 'fl')
redis.call('HSET', job_key, 'status', 'ready')
place_ready(base, job_key, id, true, state[6] and true or nil)
wake(signal_key)
return { 'OK' }
