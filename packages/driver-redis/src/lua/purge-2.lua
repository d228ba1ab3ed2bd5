--[[
  purge: removes up to ARGV[7] jobs of one status that match the filters,
  looking at no more than ARGV[8] of them; the caller loops over calls.

  KEYS[1] the status's structure: the ready list, or the scheduled, done,
          dlq or cancelled sorted set
  KEYS[2] index      the id index's directory (includes/index.lua), for list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] 'list' (ready) or 'zset'
  ARGV[3] type, or '' for every type
  ARGV[4] cutoff (ms): only jobs whose time is before it ('' = any age)
  ARGV[5] 'score' when the set's score is the job's time (done, dlq,
          cancelled), 'created' when the time is created_at_nano (ready, scheduled)
  ARGV[6] position in the structure where this call starts looking
  ARGV[7] the most jobs this call removes
  ARGV[8] the most jobs this call looks at

  Without a type filter and with no age or an age given by the score, the
  matches are the head of the structure: they are popped (LPOP, ZPOPMIN, or
  ZRANGEBYSCORE then ZREMRANGEBYRANK), O(k) for k removed. Otherwise one
  window of the structure from the position is read (LRANGE or ZRANGE) and
  each job's type and createdAt checked; matches in a sorted set go with
  ZREM, matches in the ready list are overwritten in place (LSET) with a
  marker that no job id can be, and one LREM removes the markers: one O(n)
  pass over the list per call, not one per job.
  A removed job loses its hash, idempotency mapping and index member.
  Returns { removed, the position to start the next call at, 1 when the end
  of the structure was reached else 0 }.
]]
--- @include "clock"
--- @include "bulk"
--- @include "index"
--- @include "retention"
--- @include "id-time"
--- @include "purge-filter"

local key, index_key = KEYS[1], KEYS[2]
local base, kind, job_type, cutoff, age_by = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local position, max_remove, max_scan = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local by_score = cutoff ~= '' and age_by == 'score'

if job_type == '' and (cutoff == '' or by_score) then
  local ids = {}
  if kind == 'list' then
    ids = redis.call('LPOP', key, max_remove) or {}
  elseif by_score then
    ids = redis.call('ZRANGEBYSCORE', key, '-inf', '(' .. cutoff, 'LIMIT', 0, max_remove)
    if #ids > 0 then redis.call('ZREMRANGEBYRANK', key, 0, #ids - 1) end
  else
    local popped = redis.call('ZPOPMIN', key, max_remove)
    for i = 1, #popped, 2 do ids[#ids + 1] = popped[i] end
  end
  forget_jobs(base, index_key, ids)
  local finished = 0
  if #ids < max_remove then finished = 1 end
  return { #ids, 0, finished }
end

-- A job id is a validated name, which never holds a space.
local marker = ' purged '
local ids
if kind == 'list' then
  ids = redis.call('LRANGE', key, position, position + max_scan - 1)
elseif by_score then
  ids = redis.call('ZRANGEBYSCORE', key, '-inf', '(' .. cutoff, 'LIMIT', position, max_scan)
else
  ids = redis.call('ZRANGE', key, position, position + max_scan - 1)
end
local cutoff_ms = tonumber(cutoff)
local removed, examined = 0, 0
local gone = {}
for i, id in ipairs(ids) do
  examined = i
  if purge_matches(base, id, job_type, age_by == 'created' and cutoff_ms or nil) then
    if kind == 'list' then
      redis.call('LSET', key, position + i - 1, marker)
    else
      redis.call('ZREM', key, id)
    end
    gone[#gone + 1] = id
    removed = removed + 1
    if removed == max_remove then break end
  end
end
if kind == 'list' and removed > 0 then redis.call('LREM', key, 0, marker) end
forget_jobs(base, index_key, gone)
local finished = 0
if examined == #ids and #ids < max_scan then finished = 1 end
return { removed, position + examined - removed, finished }
