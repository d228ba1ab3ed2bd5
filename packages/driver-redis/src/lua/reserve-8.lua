--[[
  reserve: hands out up to `limit` jobs of one queue, each under a new lease.

  KEYS[1] ready      list of runnable job ids
  KEYS[2] scheduled  sorted set: job id by runAt (ms)
  KEYS[3] inflight   sorted set: job id by lease expiry (ms)
  KEYS[4] index      the id index's directory (includes/index.lua), for list
  KEYS[5] signal     wake-up list
  KEYS[6] paused     string, present while the queue is paused
  KEYS[7] cancelled  sorted set: job id by cancel time (ms)
  KEYS[8] flow       hash, present once the queue uses flow control (includes/flow.lua)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms), or '' for Redis's TIME
  ARGV[3] limit
  ARGV[4] leaseMs; the new leases expire at now + leaseMs
  ARGV[5] a random token base; each lease's token is the base plus the job's
          position in the reply (1 for the first job handed out)
  ARGV[6] the most due jobs, and the most expired leases, one call moves
  ARGV[7] retention of cancelled jobs: most kept ('' = no limit)
  ARGV[8] retention of cancelled jobs: max age in ms ('' = none)

  0. A paused queue hands out nothing and reports no nextDueAt: the script
     answers { '', now } after one EXISTS, before anything else.

  1. Due scheduled jobs (runAt <= now) become ready, and in-flight jobs whose
     lease expired (expiresAt <= now) are reclaimed (runAt, token and expiry
     cleared, reclaims + 1); a reclaimed job with a cancel request ends
     cancelled instead (not counted as a reclaim). The others join the ready tail merged by (time, id).
     At most ARGV[6] of each per call, the earliest first, so a large backlog
     cannot hold Redis in one long script; what is left is still due, so
     nextDueAt (<= now) sends the caller straight back.
  2. Up to `limit` ids are popped from the ready head; each becomes inflight.
     On the flow path (KEYS[8] exists) flow-reserve.lua picks them instead:
     groups in turn, priority within a group, within the queue's and the
     groups' limits and holds (jobs without a group in a batch when no
     group has runnable work).
  3. nextDueAt is the earliest scheduled runAt or lease expiry left, and on
     the flow path the earliest moment a hold or a rate window lets held-back
     work go.
  The signal list keeps a token while ready jobs are left over (so another
  idle worker wakes for them) and loses it when none are.

  Returns { next_due_at ms or '', now, id, values, id, values, ... }, where
  values are the job's fields before the lease, by position (HMGET, nil when
  absent): type, payload, status, run_at_nano, timeout_nano,
  created_at_nano, attempts, max_attempts, reclaims, last_error,
  failed_at_nano, idempotency_key, errors, progress, schedule,
  scheduled_for_nano, snoozes, meta, and on the flow path priority, group
  (RESERVE_FIELDS in job-hash.ts); or, for a job that has no field but
  type, payload, status and perhaps created_at_nano and max_attempts, just
  those five in that order (USUAL_FIELDS); on the flow path, for a job that
  has no field but those and priority and/or group (and a grouped job's
  rseq, left out), those seven in that order (USUAL_FLOW_FIELDS). status comes back nil: the caller knows it
  (ready before the lease), as it knows the queue, the token (base ..
  position) and the lease's expiry (now + leaseMs).
]]
--- @include "bulk"
--- @include "byte-order"
--- @include "clock"
--- @include "wake"
--- @include "index"
--- @include "retention"
--- @include "finish"

-- The flow functions are made only on the flow path (a plain reserve defines none of them).
local flow_functions
local function flow_lib()
  if not flow_functions then
    flow_functions = (function()
--- @include "flow"
--- @include "flow-reserve"
      return { place_ready = place_ready, flow_free = flow_free, flow_reserve = flow_reserve }
    end)()
  end
  return flow_functions
end

local ready_key, scheduled_key, inflight_key, index_key, signal_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local paused_key, cancelled_key, flow_key = KEYS[6], KEYS[7], KEYS[8]
local base, now, limit = ARGV[1], script_now(ARGV[2]), tonumber(ARGV[3])
if redis.call('EXISTS', paused_key) == 1 then return { '', now } end
local flow = redis.call('EXISTS', flow_key) == 1
local expires_at = add_ms(now, ARGV[4])
local expires_at_nano, token_base = ms_to_nano(expires_at), ARGV[5]
local max_moves = tonumber(ARGV[6])

local function promote(id)
  local job_key = base .. 'job:' .. id
  if redis.call('HGET', job_key, 'status') ~= 'scheduled' then return end
  redis.call('HSET', job_key, 'status', 'ready')
  if flow then
    flow_lib().place_ready(base, job_key, id, false, true)
  else
    redis.call('RPUSH', ready_key, id)
  end
end

local function reclaim(id)
  local job_key = base .. 'job:' .. id
  local state = redis.call('HMGET', job_key, 'status', 'cancel_requested_at_nano', 'watched', 'fl')
  if state[1] ~= 'inflight' then return end
  if state[4] then
    redis.call('HDEL', job_key, 'fl')
    flow_lib().flow_free(base, state[4])
  end
  if state[2] then
    finish_cancelled(base, job_key, id, cancelled_key, index_key, now, ARGV[7], age_cutoff(now, ARGV[8]), state[3])
    return
  end
  redis.call('HSET', job_key, 'status', 'ready')
  redis.call('HDEL', job_key, 'run_at_nano', 'lease_token', 'lease_expires_at_nano')
  redis.call('HINCRBY', job_key, 'reclaims', 1)
  if flow then
    flow_lib().place_ready(base, job_key, id, false, true)
  else
    redis.call('RPUSH', ready_key, id)
  end
end

-- 1. Promote and reclaim, merged by (time, id). Both lists come sorted that way already.
-- The first max_moves by (score, member) are also the first max_moves by rank.
local due = redis.call('ZRANGEBYSCORE', scheduled_key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, max_moves)
local expired = redis.call('ZRANGEBYSCORE', inflight_key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, max_moves)
if #due > 0 then redis.call('ZREMRANGEBYRANK', scheduled_key, 0, #due / 2 - 1) end
if #expired > 0 then redis.call('ZREMRANGEBYRANK', inflight_key, 0, #expired / 2 - 1) end
local d, e = 1, 1
while d <= #due or e <= #expired do
  local take_due
  if d > #due then
    take_due = false
  elseif e > #expired then
    take_due = true
  else
    local due_at, expired_at = tonumber(due[d + 1]), tonumber(expired[e + 1])
    take_due = due_at < expired_at or (due_at == expired_at and byte_less(due[d], expired[e]))
  end
  if take_due then
    promote(due[d])
    d = d + 2
  else
    reclaim(expired[e])
    e = e + 2
  end
end

if flow then return flow_lib().flow_reserve(base, now, limit, expires_at, token_base, max_moves) end

-- 2. Lease up to `limit` jobs from the head.
local reply = { '', now }
local leased = {}
local ids = redis.call('LPOP', ready_key, limit)
if ids then
  for i, id in ipairs(ids) do
    local job_key = base .. 'job:' .. id
    -- The hash is read before the update (one call fewer per job); the reader
    -- knows what the update sets: status inflight, the token, the expiry.
    -- HMGET walks the whole hash for every field it does not find, so a job
    -- holding only the fields a usual job has (type, payload and status,
    -- created_at_nano unless the id holds it, max_attempts unless it is the
    -- default) is read with those five: the first three found and as many
    -- found as HLEN says means there is no other field.
    local values
    local count = redis.call('HLEN', job_key)
    if count >= 3 and count <= 5 then
      values = redis.call('HMGET', job_key, 'type', 'payload', 'status', 'created_at_nano', 'max_attempts')
      local found = 0
      for f = 1, 5 do
        if values[f] then found = found + 1 end
      end
      if not (values[1] and values[2] and values[3]) or found ~= count then values = nil end
    end
    if not values then
      values = redis.call('HMGET', job_key, 'type', 'payload', 'status', 'run_at_nano', 'timeout_nano',
        'created_at_nano', 'attempts', 'max_attempts', 'reclaims', 'last_error', 'failed_at_nano', 'idempotency_key',
        'errors', 'progress', 'schedule', 'scheduled_for_nano', 'snoozes', 'meta')
    end
    -- An id whose job is gone or moved on is dropped from the list rather than handed out.
    if values[3] == 'ready' then
      local token = token_base .. (#leased / 2 + 1)
      redis.call('HSET', job_key, 'status', 'inflight', 'lease_token', token, 'lease_expires_at_nano', expires_at_nano)
      leased[#leased + 1] = expires_at
      leased[#leased + 1] = id
      values[3] = false
      reply[#reply + 1] = id
      reply[#reply + 1] = values
    end
  end
end

-- The new leases join the inflight set in bulk.
call_in_pieces('ZADD', inflight_key, leased)

-- 3. The next change that comes by time alone.
local first_run = redis.call('ZRANGE', scheduled_key, 0, 0, 'WITHSCORES')[2]
local first_expiry = redis.call('ZRANGE', inflight_key, 0, 0, 'WITHSCORES')[2]
local next_due = first_run
if first_expiry and (not next_due or tonumber(first_expiry) < tonumber(next_due)) then next_due = first_expiry end
if next_due then reply[1] = next_due end

if redis.call('LLEN', ready_key) > 0 then
  wake(signal_key)
else
  redis.call('DEL', signal_key)
end
return reply
