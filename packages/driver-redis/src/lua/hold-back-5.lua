--[[
  holdBack: a handler said its job was rate limited. The job goes back to
  the head of its priority without counting a failure (as release does) and
  its group, or its queue when it has no group, is held until ARGV[5]: the
  hold is raised, never shortened. The queue's flow path turns on.

  KEYS[1] ready      list of runnable job ids
  KEYS[2] inflight   sorted set: job id by lease expiry (ms)
  KEYS[3] index      the id index's directory (includes/index.lua), for list
  KEYS[4] signal     wake-up list
  KEYS[5] cancelled  sorted set: job id by cancel time (ms)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms), or '' for Redis's TIME
  ARGV[3] job id
  ARGV[4] token
  ARGV[5] until (ms)
  ARGV[6] retention of cancelled jobs: most kept ('' = no limit)
  ARGV[7] retention of cancelled jobs: max age in ms ('' = none)

  Same lease checks as release; a job with a cancel request ends cancelled
  (and holds nothing).
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

local inflight_key, index_key, signal_key, cancelled_key = KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local base, now, id, token, until_ms = ARGV[1], script_now(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local job_key = base .. 'job:' .. id
local refusal, state = check_lease(job_key, inflight_key, id, token, now, 'release')
if refusal then return refusal end
redis.call('ZREM', inflight_key, id)
if state[6] then flow_free(base, state[6]) end
if state[4] then
  finish_cancelled(base, job_key, id, cancelled_key, index_key, now, ARGV[6], age_cutoff(now, ARGV[7]), state[5])
  return { 'OK' }
end
flow_enable(base)
local group = redis.call('HGET', job_key, 'group')
if group then
  raise_hold(base .. 'gheld', group, until_ms)
else
  raise_hold(base .. 'flow', 'held', until_ms)
end
redis.call('HDEL', job_key, 'lease_token', 'lease_expires_at_nano', 'run_at_nano', 'fl')
redis.call('HSET', job_key, 'status', 'ready')
place_ready(base, job_key, id, true, true)
wake(signal_key)
return { 'OK' }
