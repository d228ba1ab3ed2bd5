--[[
  purge, ready jobs without a group at one priority level on the flow path:
  removes matching jobs of the level's pready list (includes/flow.lua), one
  bounded step, as purge-2.lua does for the ready list.

  KEYS[1] pready:<p>  list of the level's ready job ids, FIFO
  KEYS[2] index      the id index's directory (includes/index.lua), for list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] the level p
  ARGV[3] job type to match ('' = any)
  ARGV[4] cutoff ms: only jobs created before it ('' = any age)
  ARGV[5] position: ids before it were examined and kept
  ARGV[6] the most jobs this step removes
  ARGV[7] the most ids this step examines

  Without a filter the step pops the head; otherwise matches in the window
  are overwritten in place with a marker no job id can be, and one LREM
  takes the markers out. The level leaves plevels when its list empties,
  and the no-group group the turn order when it has no work left.
  Returns { removed, next position, 1 when the list was walked to its end }.
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
local base, level, job_type, cutoff = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local position, max_remove, max_scan = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local removed, next_position, finished = 0, 0, 0

if job_type == '' and cutoff == '' then
  local ids = redis.call('LPOP', key, max_remove) or {}
  forget_jobs(base, index_key, ids)
  removed = #ids
  if removed < max_remove then finished = 1 end
else
  -- A job id is a validated name, which never holds a space.
  local marker = ' purged '
  local ids = redis.call('LRANGE', key, position, position + max_scan - 1)
  local cutoff_ms = tonumber(cutoff)
  local examined = 0
  local gone = {}
  for i, id in ipairs(ids) do
    examined = i
    if purge_matches(base, id, job_type, cutoff_ms) then
      redis.call('LSET', key, position + i - 1, marker)
      gone[#gone + 1] = id
      removed = removed + 1
      if removed == max_remove then break end
    end
  end
  if removed > 0 then redis.call('LREM', key, removed, marker) end
  forget_jobs(base, index_key, gone)
  next_position = position + examined - removed
  if examined == #ids and #ids < max_scan then finished = 1 end
end

level_left(base, level, removed)
if removed > 0 and not group_has_work(base, '') then redis.call('ZREM', base .. 'turns', '') end
return { removed, next_position, finished }
