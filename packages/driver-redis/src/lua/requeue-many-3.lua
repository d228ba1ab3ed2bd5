--[[
  requeue-many: moves up to ARGV[5] dead-lettered jobs, oldest failure
  first, back to the ready tail, looking at no more than ARGV[6] of them;
  the caller loops over calls.

  KEYS[1] ready      list of runnable job ids
  KEYS[2] dlq        sorted set: dead-lettered job id by failure time (ms)
  KEYS[3] signal     wake-up list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] type, or '' for every type
  ARGV[3] '1' to reset attempts (see revive)
  ARGV[4] position in the dlq set where this call starts looking
  ARGV[5] the most jobs this call moves
  ARGV[6] the most jobs this call looks at

  Each job is requeued as requeueDlq without runAt does it (revive, runAt
  cleared, ready tail); one wake-up token when any moved.
  Returns { moved, the position to start the next call at, 1 when the end
  of the dlq set was reached else 0 }.
]]
--- @include "wake"
--- @include "flow"
--- @include "revive"

local ready_key, dlq_key, signal_key = KEYS[1], KEYS[2], KEYS[3]
local base, job_type, reset = ARGV[1], ARGV[2], ARGV[3]
local position, max_move, max_scan = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])

local flow = flow_on(base)
local ids = redis.call('ZRANGE', dlq_key, position, position + max_scan - 1)
local moved, examined = 0, 0
for i, id in ipairs(ids) do
  examined = i
  local job_key = base .. 'job:' .. id
  if job_type == '' or redis.call('HGET', job_key, 'type') == job_type then
    redis.call('ZREM', dlq_key, id)
    revive(job_key, reset)
    redis.call('HDEL', job_key, 'run_at_nano')
    redis.call('HSET', job_key, 'status', 'ready')
    place_ready(base, job_key, id, false, flow)
    moved = moved + 1
    if moved == max_move then break end
  end
end
if moved > 0 then wake(signal_key) end
local finished = 0
if examined == #ids and #ids < max_scan then finished = 1 end
return { moved, position + examined - moved, finished }
