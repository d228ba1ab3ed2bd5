--[[
  flowState / groupState: reads a queue's limits and hold, and with a group
  its override, pause flag, jobs in flight and hold, in one atomic read.

  KEYS[1] flow       the queue's flow hash (includes/flow.lua)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] the group, or '' for the queue alone

  Returns { held, qc, qm, qp, dc, dm, dp } (false when unset), and with a
  group also { override "c,m,p" or false, paused 0/1, in flight, held }.
]]
local base, group = ARGV[1], ARGV[2]
local reply = redis.call('HMGET', KEYS[1], 'held', 'qc', 'qm', 'qp', 'dc', 'dm', 'dp')
if group ~= '' then
  reply[8] = redis.call('HGET', base .. 'glimits', group)
  reply[9] = redis.call('SISMEMBER', base .. 'gpaused', group)
  reply[10] = redis.call('HGET', base .. 'ginflight', group) or '0'
  reply[11] = redis.call('HGET', base .. 'gheld', group)
end
return reply
