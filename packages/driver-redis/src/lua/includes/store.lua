-- Storing new jobs as enqueue does, for enqueue and for the occurrences the
-- schedule scripts make. A job comes as 10, 12, 14 or 15 ARGV values (`stride`),
-- packed by pushJobArgs in job-args.ts:
--   id, type, payload, runnable ('1' when runAt is unset or <= now),
--   run_at ms, run_at_nano, timeout_nano, created_at_nano ('' when the id
--   starts with it, which the hash then leaves out), max_attempts
--   ('' for the default, 25, which the hash then leaves out),
--   idempotency_key ('' for an unset value), and with a stride of 12
--   schedule, scheduled_for_nano, and with 14 also priority ('' for 0) and
--   group ('' for none), and with 15 also meta (JSON text, '' for none).
--   A batch of jobs no schedule made, without priorities, groups or meta,
--   goes with 10, so the usual enqueue sends no empty values for them. A
--   batch with a priority or group turns the queue's flow path on
--   (includes/flow.lua); on that path ready jobs join their group's order in
--   the jobs' order. Meta alone does not.
-- store_job writes the hash (and idempotency mapping) at once and collects
-- the list, set and index writes in `batch` (`ascending`: the caller knows
-- the ids to come in ascending byte order, see includes/index-add.lua); flush_stored sends them in
-- bulk, in the jobs' order, and leaves a wake-up token when anything was
-- stored. A job whose id or key is known changes nothing, also within one
-- batch (a later duplicate meets the hash written for the earlier one).

local function new_store_batch(ascending)
  return { index = {}, ascending = ascending, ready = {}, scheduled = {}, groups = {}, priorities = {} }
end

-- Returns nil when the job at args[i] was stored, else the id of the stored
-- job that holds its place (its own id, or the holder of its idempotency key).
local function store_job(batch, base, args, i, stride)
  local id, job_type, payload, runnable = args[i], args[i + 1], args[i + 2], args[i + 3]
  local run_at, run_at_nano, timeout_nano = args[i + 4], args[i + 5], args[i + 6]
  local created_at_nano, max_attempts, idempotency_key = args[i + 7], args[i + 8], args[i + 9]
  local schedule, scheduled_for_nano = '', ''
  local priority, group, meta = '', '', ''
  if stride >= 12 then schedule, scheduled_for_nano = args[i + 10], args[i + 11] end
  if stride >= 14 then priority, group = args[i + 12], args[i + 13] end
  if stride == 15 then meta = args[i + 14] end
  local job_key = base .. 'job:' .. id
  local idem_key
  local existing = false
  if idempotency_key ~= '' then
    idem_key = base .. 'idem:' .. idempotency_key
    existing = redis.call('GET', idem_key)
  end
  -- The stored job this one stands for: its own id first, else the holder of its key.
  if redis.call('EXISTS', job_key) == 1 then existing = id end
  if existing then return existing end

  local status = 'scheduled'
  if runnable == '1' then status = 'ready' end
  -- Fields at their defaults are left out (a missing one reads as its default): attempts and
  -- reclaims until they are not 0, max_attempts while it is 25, created_at_nano when the id
  -- starts with it (the caller sends '' then; id-time.ts). The queue is the key's own.
  -- Each field costs its name and value; with a payload over Redis's listpack limit the hash
  -- is a hashtable, where each field costs ~60 bytes more.
  if run_at_nano == '' and timeout_nano == '' and not idem_key and schedule == '' and stride < 14
    and created_at_nano == '' and max_attempts == '' then
    -- The usual job: one HSET straight from the arguments, no table built per job.
    redis.call('HSET', job_key, 'type', job_type, 'payload', payload, 'status', status)
  else
    local fields = { 'type', job_type, 'payload', payload, 'status', status }
    if created_at_nano ~= '' then
      fields[#fields + 1] = 'created_at_nano'
      fields[#fields + 1] = created_at_nano
    end
    if max_attempts ~= '' then
      fields[#fields + 1] = 'max_attempts'
      fields[#fields + 1] = max_attempts
    end
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
    if schedule ~= '' then
      fields[#fields + 1] = 'schedule'
      fields[#fields + 1] = schedule
      fields[#fields + 1] = 'scheduled_for_nano'
      fields[#fields + 1] = scheduled_for_nano
    end
    if priority ~= '' then
      fields[#fields + 1] = 'priority'
      fields[#fields + 1] = priority
    end
    if group ~= '' then
      fields[#fields + 1] = 'group'
      fields[#fields + 1] = group
    end
    if meta ~= '' then
      fields[#fields + 1] = 'meta'
      fields[#fields + 1] = meta
    end
    redis.call('HSET', job_key, unpack(fields))
  end
  batch.index[#batch.index + 1] = id
  if status == 'ready' then
    local n = #batch.ready + 1
    batch.ready[n] = id
    if stride >= 14 then
      batch.groups[n] = group
      if priority == '' then batch.priorities[n] = '0' else batch.priorities[n] = priority end
    end
  else
    local scheduled = batch.scheduled
    scheduled[#scheduled + 1] = run_at
    scheduled[#scheduled + 1] = id
  end
  return nil
end

-- The index holds every job id of the queue (includes/index.lua); a job
-- leaves it only when it is removed, so status changes on the hot path never
-- touch it.
-- Ready or scheduled, a new job wakes waiters: a scheduled one may be due
-- before the time they wait for, so they re-read nextDueAt.
-- `base` is the queue's key base: one EXISTS tells whether the queue is on
-- the flow path. With `defer_wake` the caller leaves the token itself (the
-- enqueue does, after its handoffs: see includes/handoff.lua).
-- Returns whether ready jobs went the flow path's way, and else the ready
-- list's length after the push (0 when no job was ready).
local function flush_stored(batch, base, ready_key, scheduled_key, index_key, signal_key, defer_wake)
  index_add(index_key, batch.index, batch.ascending)
  local on_flow, ready_length = false, 0
  if #batch.ready > 0 and redis.call('EXISTS', base .. 'flow') == 1 then
    on_flow = true
    -- Jobs without a group go to the ready list (priority 0) or their
    -- level's list with one RPUSH per list; the no-group group still takes
    -- its place in the turn order where its first job of the batch comes.
    local levels, level_ids, listed, joined = {}, {}, {}, false
    for n, id in ipairs(batch.ready) do
      local gid, priority = batch.groups[n] or '', batch.priorities[n] or '0'
      if gid == '' then
        local ids = priority == '0' and listed or level_ids[priority]
        if not ids then
          ids = {}
          level_ids[priority] = ids
          levels[#levels + 1] = priority
        end
        ids[#ids + 1] = id
        if not joined then
          join_turns(base, '')
          joined = true
        end
      else
        flow_place(base, base .. 'job:' .. id, id, gid, priority, false)
      end
    end
    call_in_pieces('RPUSH', ready_key, listed)
    for _, level in ipairs(levels) do level_push(base, level, level_ids[level], false) end
  elseif #batch.ready > 0 then
    ready_length = call_in_pieces('RPUSH', ready_key, batch.ready)
  end
  call_in_pieces('ZADD', scheduled_key, batch.scheduled)
  if #batch.index > 0 and not defer_wake then wake(signal_key) end
  return on_flow, ready_length
end
