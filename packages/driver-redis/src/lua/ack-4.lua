--[[
  ack: marks one or more reserved jobs of one queue done, then applies retention.

  KEYS[1] inflight   sorted set: job id by lease expiry (ms)
  KEYS[2] done       sorted set: job id by finish time (ms)
  KEYS[3] index      the id index's directory (includes/index.lua), for list
  KEYS[4] cancelled  sorted set: job id by cancel time (ms)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms), or '' for Redis's TIME; also the finish time
  ARGV[3] retention: most done (and most cancelled) jobs kept ('' = no limit)
  ARGV[4] retention: remove jobs finished more than this many ms before now ('' = no age limit)
  ARGV[5] values per lease: '2' (job id, token) or '4' (job id, token,
          '1' when a result follows else '0', the result's bytes)
  ARGV[6..] the leases

  A done job keeps its last token (lease_token) and loses lease_expires_at_nano.
  A job with a cancel request ends cancelled instead, without its result.
  Retention runs after each ack, as it would for single acks in a row.
  Jobs leased on the flow path free their groups' slots once per group, at
  the end (nothing in between reads the flow state). The jobs that end done
  (not cancelled) count as completed in the minute of now, once per call
  (includes/metrics.lua).
  Returns two entries for each lease not simply acked, in order: its position
  in the call (1-based) and its reply, {'REPEAT'} (a repeated ack: success,
  nothing changed) or a refusal. Leases not named were acked ({'OK'}), so the
  usual reply is empty.
]]
--- @include "bulk"
--- @include "clock"
--- @include "lease-check"
--- @include "wake"
--- @include "index"
--- @include "retention"
--- @include "finish"
--- @include "metrics"

-- The flow functions are made only when an ack needs them (a job leased on
-- the flow path): on the plain path the script defines none of them.
local flow_functions
local function flow_lib()
  if not flow_functions then
    flow_functions = (function()
--- @include "flow"
      return { flow_free_groups = flow_free_groups }
    end)()
  end
  return flow_functions
end

local inflight_key, done_key, index_key, cancelled_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base, now, max_done, max_age = ARGV[1], script_now(ARGV[2]), ARGV[3], ARGV[4]
local stride = tonumber(ARGV[5])
local now_nano = ms_to_nano(now)
local cutoff = age_cutoff(now, max_age)
local replies = {}
-- Acked ids leave the inflight set in bulk at the end; the jobs deleted on
-- the way (retention 0, or trimmed from the done set after each ack, so a
-- later lease of the batch finds its job gone as a single ack would) leave
-- the index together at the end.
local acked, deleted = {}, {}
-- How many of them end done (not cancelled): the minute's completed count.
local completed = 0

-- Flow groups whose jobs left flight, with how many: their slots are freed
-- once per group at the end (nothing in between reads the flow state).
local freed, freed_groups = {}, {}

-- Every lease's expiry in one read; this script changes inflight only at the end.
local ids = {}
for i = 6, #ARGV, stride do ids[#ids + 1] = ARGV[i] end
local expiries = read_in_pieces('ZMSCORE', inflight_key, ids)

for position, id in ipairs(ids) do
  local at = 6 + (position - 1) * stride
  local token = ARGV[at + 1]
  local job_key = base .. 'job:' .. id
  local refusal, state = check_lease(job_key, inflight_key, id, token, now, 'ack', expiries[position])
  if not refusal and state[6] then
    local gid = state[6]
    if not freed[gid] then
      freed[gid] = 0
      freed_groups[#freed_groups + 1] = gid
    end
    freed[gid] = freed[gid] + 1
  end
  if refusal then
    replies[#replies + 1] = position
    replies[#replies + 1] = refusal
  elseif state[4] then
    acked[#acked + 1] = id
    finish_cancelled(base, job_key, id, cancelled_key, index_key, now, max_done, cutoff, state[5])
  elseif max_done == '0' then
    -- A retention of zero done jobs: the job would be trimmed the moment it is done,
    -- so it goes at once (hash, index member, idempotency mapping) without the detour
    -- through the done set.
    acked[#acked + 1] = id
    deleted[#deleted + 1] = id
    completed = completed + 1
    local key = state[3]
    if key then
      local idem_key = base .. 'idem:' .. key
      if redis.call('GET', idem_key) == id then redis.call('DEL', idem_key) end
    end
    redis.call('DEL', job_key)
    publish_finished(base, id, state[5])
  else
    if stride == 4 and ARGV[at + 2] == '1' then
      redis.call('HSET', job_key, 'status', 'done', 'finished_at_nano', now_nano, 'result', ARGV[at + 3])
    else
      redis.call('HSET', job_key, 'status', 'done', 'finished_at_nano', now_nano)
    end
    redis.call('HDEL', job_key, 'lease_expires_at_nano')
    acked[#acked + 1] = id
    completed = completed + 1
    redis.call('ZADD', done_key, now, id)
    publish_finished(base, id, state[5])
    trim_set(base, done_key, index_key, max_done, cutoff, deleted)
  end
end
if completed > 0 then count_outcomes(base, now, completed, 0, 0) end
if #freed_groups > 0 then flow_lib().flow_free_groups(base, freed_groups, freed) end
call_in_pieces('ZREM', inflight_key, acked)
index_remove(index_key, deleted)
-- Done jobs left from an earlier, larger retention still go (ZCARD alone when there are none).
if max_done == '0' then trim_set(base, done_key, index_key, max_done, cutoff) end
return replies
