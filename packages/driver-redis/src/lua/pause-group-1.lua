--[[
  pauseGroup / resumeGroup: a paused group leaves the turn order (and the
  held-back set) and its jobs are not handed out; resuming puts it back at
  the turn tail when it has ready work and wakes waiters. Idempotent.

  KEYS[1] flow       the queue's flow hash (includes/flow.lua)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] 'pause' or 'resume'
  ARGV[3] the group

  Returns 1 when the pause flag changed, else 0.
]]
--- @include "wake"
--- @include "flow"

local base, action, group = ARGV[1], ARGV[2], ARGV[3]
flow_enable(base)
if action == 'pause' then
  redis.call('ZREM', base .. 'turns', group)
  redis.call('ZREM', base .. 'gblocked', group)
  return redis.call('SADD', base .. 'gpaused', group)
end
local changed = redis.call('SREM', base .. 'gpaused', group)
if group_has_work(base, group) then join_turns(base, group) end
wake(base .. 'signal')
return changed
