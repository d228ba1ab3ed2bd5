--[[
  purge, ready jobs of one group on the flow path: removes matching jobs of
  the group's fready set (includes/flow.lua), one bounded step, as
  purge-2.lua does for the ready list.

  KEYS[1] fready:<gid>  sorted set: member <16-digit sequence><id> by priority
  KEYS[2] index      the id index's directory (includes/index.lua), for list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] the group ('' for jobs without one)
  ARGV[3] job type to match ('' = any)
  ARGV[4] cutoff ms: only jobs created before it ('' = any age)
  ARGV[5] position: members before it were examined and kept
  ARGV[6] the most jobs this step removes
  ARGV[7] the most members this step examines

  Returns { removed, next position, 1 when the set was walked to its end }.
]]
--- @include "clock"
--- @include "bulk"
--- @include "index"
--- @include "retention"
--- @include "wake"
--- @include "flow"
--- @include "id-time"
--- @include "purge-filter"

local key, index_key = KEYS[1], KEYS[2]
local base, gid, job_type, cutoff = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local position, max_remove, max_scan = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local members = redis.call('ZRANGE', key, position, position + max_scan - 1)
local cutoff_ms = tonumber(cutoff)
local removed, examined = 0, 0
local gone = {}
for i, member in ipairs(members) do
  examined = i
  local id = string.sub(member, 17)
  if purge_matches(base, id, job_type, cutoff_ms) then
    redis.call('ZREM', key, member)
    gone[#gone + 1] = id
    removed = removed + 1
    if removed == max_remove then break end
  end
end
forget_jobs(base, index_key, gone)
fready_left(base, gid, removed)
if removed > 0 and not group_has_work(base, gid) then redis.call('ZREM', base .. 'turns', gid) end
local finished = 0
if examined == #members and #members < max_scan then finished = 1 end
return { removed, position + examined - removed, finished }
