--[[
  extend: moves the expiry of one or more leases of one queue to now + leaseMs.

  KEYS[1] inflight   sorted set: job id by lease expiry (ms)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms), or '' for Redis's TIME
  ARGV[3] leaseMs; the leases expire at now + leaseMs
  ARGV[4..] two values per lease: job id, token

  Returns one reply per lease, in order: {'OK'} or a refusal from check_lease
  (that lease changed nothing; the others go on).
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
  local refusal = check_lease(job_key, inflight_key, id, token, now, 'extendLease')
  if refusal then
    replies[#replies + 1] = refusal
  else
    redis.call('ZADD', inflight_key, 'XX', expires_at, id)
    redis.call('HSET', job_key, 'lease_expires_at_nano', expires_at_nano)
    replies[#replies + 1] = { 'OK' }
  end
end
return replies
