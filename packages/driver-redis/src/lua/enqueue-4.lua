--[[
  enqueue: stores new jobs of one queue, all in one atomic step.

  KEYS[1] ready      list of runnable job ids; reserve pops the head
  KEYS[2] scheduled  sorted set: job id by runAt (ms)
  KEYS[3] index      sorted set of every job id (scores 0), for list
  KEYS[4] signal     wake-up list that waitForWork blocks on

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:" (job and idempotency keys hang off it)
  ARGV[2] the queue name
  ARGV[3..] ten values per job:
          id, type, payload, runnable ('1' when runAt is unset or <= now),
          run_at ms, run_at_nano, timeout_nano, created_at_nano, max_attempts,
          idempotency_key ('' for an unset value)

  Every stored job, ready or scheduled, leaves a wake-up token.
  Returns two entries for each job that already existed, in order: its
  position in the call (1-based) and the id of the stored job (its own id,
  or the id of the job that holds its idempotency key). Jobs not named were
  stored, so the usual reply is empty. A job whose id or key is known
  changes nothing, also within one call.
]]
--- @include "bulk"
--- @include "wake"

local ready_key, scheduled_key, index_key, signal_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base, queue = ARGV[1], ARGV[2]
local reply = {}
local index_args, ready_ids, scheduled_args = {}, {}, {}

for i = 3, #ARGV, 10 do
  local id, job_type, payload, runnable = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local run_at, run_at_nano, timeout_nano = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
  local created_at_nano, max_attempts, idempotency_key = ARGV[i + 7], ARGV[i + 8], ARGV[i + 9]
  local job_key = base .. 'job:' .. id
  local idem_key
  local first = false
  if idempotency_key ~= '' then
    idem_key = base .. 'idem:' .. idempotency_key
    first = redis.call('GET', idem_key)
  end

  -- The stored job this one stands for: its own id first, else the holder of its key.
  local existing = first
  if redis.call('EXISTS', job_key) == 1 then existing = id end
  if existing then
    reply[#reply + 1] = (i - 3) / 10 + 1
    reply[#reply + 1] = existing
  else
    local status = 'scheduled'
    if runnable == '1' then status = 'ready' end
    -- attempts and reclaims are written once they are not 0 (a missing one reads as 0): with a
    -- payload over Redis's listpack limit the hash is a hashtable, where each field costs ~60 bytes.
    if run_at_nano == '' and timeout_nano == '' and not idem_key then
      -- The usual job: one HSET straight from the arguments, no table built per job.
      redis.call('HSET', job_key, 'type', job_type, 'queue', queue, 'payload', payload, 'status', status,
        'created_at_nano', created_at_nano, 'max_attempts', max_attempts)
    else
      local fields = {
        'type', job_type, 'queue', queue, 'payload', payload, 'status', status,
        'created_at_nano', created_at_nano, 'max_attempts', max_attempts,
      }
      if run_at_nano ~= '' then
        fields[#fields + 1] = 'run_at_nano'
        fields[#fields + 1] = run_at_nano
      end
      if timeout_nano ~= '' then
        fields[#fields + 1] = 'timeout_nano'
        fields[#fields + 1] = timeout_nano
      end
      if idem_key then
        fields[#fields + 1] = 'idempotency_key'
        fields[#fields + 1] = idempotency_key
        redis.call('SET', idem_key, id)
      end
      redis.call('HSET', job_key, unpack(fields))
    end
    index_args[#index_args + 1] = 0
    index_args[#index_args + 1] = id
    if status == 'ready' then
      ready_ids[#ready_ids + 1] = id
    else
      scheduled_args[#scheduled_args + 1] = run_at
      scheduled_args[#scheduled_args + 1] = id
    end
  end
end

-- The list, set and index writes go out in bulk, in the jobs' order; a later
-- duplicate in the same call already met the job's hash above. The index is
-- the queue's sorted set of every job id it holds (scores all 0, so list
-- walks it in id order with ZRANGEBYLEX); a job leaves it only when it is
-- removed, so status changes on the hot path never touch it.
call_in_pieces('ZADD', index_key, index_args)
call_in_pieces('RPUSH', ready_key, ready_ids)
call_in_pieces('ZADD', scheduled_key, scheduled_args)
local stored = #index_args > 0

-- Ready or scheduled, a new job wakes waiters: a scheduled one may be due before
-- the time they wait for, so they re-read nextDueAt.
if stored then wake(signal_key) end
return reply
