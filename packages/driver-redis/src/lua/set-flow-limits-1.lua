--[[
  setQueueLimits / setGroupLimits: stores validated limits and turns the
  queue's flow path on. Groups held back by a limit rejoin the turn order
  (the next reserve sees the new limits and holds them back again if
  need be) and waiters wake.

  KEYS[1] flow       the queue's flow hash (includes/flow.lua)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] scope: 'queue', 'defaults' or 'group'
  ARGV[3] the group (scope 'group')
  ARGV[4] concurrency ('' = unset)
  ARGV[5] rate max ('' = unset)
  ARGV[6] rate window ms ('' when max is)

  Returns the number of groups that rejoined the turn order.
]]
--- @include "wake"
--- @include "flow"

local base, scope, group, c, m, p = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local flow_key = KEYS[1]
flow_enable(base)

local function put(field, value)
  if value == '' then
    redis.call('HDEL', flow_key, field)
  else
    redis.call('HSET', flow_key, field, value)
  end
end

if scope == 'queue' then
  put('qc', c)
  put('qm', m)
  put('qp', p)
elseif scope == 'defaults' then
  put('dc', c)
  put('dm', m)
  put('dp', p)
elseif c == '' and m == '' then
  redis.call('HDEL', base .. 'glimits', group)
else
  redis.call('HSET', base .. 'glimits', group, c .. ',' .. m .. ',' .. p)
end

local blocked = redis.call('ZRANGE', base .. 'gblocked', 0, -1)
redis.call('DEL', base .. 'gblocked')
for _, gid in ipairs(blocked) do
  if group_has_work(base, gid) then join_turns(base, gid) end
end
wake(base .. 'signal')
return #blocked
