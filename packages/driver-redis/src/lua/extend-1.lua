--[[
  extend: moves the expiry of one or more leases of one queue to now + leaseMs.

  KEYS[1] inflight   sorted set: job id by lease expiry (ms)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms), or '' for Redis's TIME
  ARGV[3] leaseMs; the leases expire at now + leaseMs
  ARGV[4..] two values per lease: job id, token

  Returns one reply per lease, in order: {'OK'}, {'OK', 'cancel'} when an
  operator asked to cancel the job (the lease is extended all the same; the
  worker aborts the run), or a refusal from check_lease (that lease changed
  nothing; the others go on). The cancel check is one more field of the
  HMGET check_lease sends anyway.
]]
--- @include "clock"
--- @include "lease-check"

local inflight_key = KEYS[1]
local base, now = ARGV[1], script_now(ARGV[2])
local expires_at = add_ms(now, ARGV[3])
local expires_at_nano = ms_to_nano(expires_at)
local replies = {}

for i = 4, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local job_key = base .. 'job:' .. id
  local refusal, state = check_lease(job_key, inflight_key, id, token, now, 'extendLease')
  if refusal then
    replies[#replies + 1] = refusal
  else
    redis.call('ZADD', inflight_key, 'XX', expires_at, id)
    redis.call('HSET', job_key, 'lease_expires_at_nano', expires_at_nano)
    if state[4] then replies[#replies + 1] = { 'OK', 'cancel' } else replies[#replies + 1] = { 'OK' } end
  end
end
return replies
