--[[
  remove-schedule: deletes one schedule of the queue and, if it still waits
  (ready or scheduled), its pending occurrence, in one atomic step.

  KEYS[1] record     the schedule's hash
  KEYS[2] ready      list of runnable job ids
  KEYS[3] scheduled  sorted set: job id by runAt (ms)
  KEYS[4] index      the id index's directory (includes/index.lua), for list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"

  Returns {0} when the queue holds no such schedule, else {1, claim token}:
  the caller then removes the index entry that carries that token, and only
  that one (a put that claimed the name since holds another token).
]]
--- @include "clock"
--- @include "bulk"
--- @include "index"
--- @include "retention"
--- @include "wake"
--- @include "flow"
--- @include "pending"

local record_key = KEYS[1]
local state = redis.call('HMGET', record_key, 'version', 'pending_job', 'claim')
if not state[1] then return { 0 } end
redis.call('DEL', record_key)
if state[2] then delete_if_waiting(ARGV[1], state[2], KEYS[2], KEYS[3], KEYS[4]) end
return { 1, state[3] or '' }
