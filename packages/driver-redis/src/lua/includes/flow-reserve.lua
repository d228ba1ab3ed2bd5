-- The flow path of reserve (after promote and reclaim): the queue's hold,
-- concurrency and rate give a budget; then, while it lasts, the group at
-- the head of the turn order either hands out its first job (lowest
-- priority, then sequence) and moves to the tail, or, held back by its own
-- hold or limits, leaves for gblocked until time or a freed slot lets it go.
-- Each hand-out costs a few O(log n) calls, whatever the number of groups:
-- a blocked group is visited once, then waits outside the turn order.
-- When the no-group group is alone in the turn order with no limit or hold
-- of its own, its jobs go out in a batch instead (reserve_ungrouped).
-- Returns reserve's reply (see reserve-8.lua).

local function flow_reserve(base, now, limit, expires_at, token_base, max_moves)
  -- Built here, not at the top, so a reserve on the plain path makes no such table.
  local RESERVE_VALUES = { 'type', 'payload', 'status', 'run_at_nano', 'timeout_nano', 'created_at_nano',
    'attempts', 'max_attempts', 'reclaims', 'last_error', 'failed_at_nano', 'idempotency_key', 'errors', 'progress',
    'schedule', 'scheduled_for_nano', 'snoozes', 'meta', 'priority', 'group' }
  -- The helpers, too, exist only on the flow path.
  local function number_or_nil(value)
    if value == nil or value == false or value == '' then return nil end
    return tonumber(value)
  end

  -- The sliding window. Workers pass their own `now`, and a call made a
  -- moment earlier may run after a later one, so a start counts against any
  -- call within `per` of it on either side, (now - per, now + per): then no
  -- window of `per`, wherever it starts, holds more than the limit, whatever
  -- order the calls arrive in. Starts are kept for two windows, so a call
  -- that lags another by up to one window still sees every start it must.
  local function window_count(key, now, per)
    local t = tonumber(now)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', t - 2 * per)
    return redis.call('ZCOUNT', key, '(' .. (t - per), '(' .. (t + per))
  end

  -- When a full window lets the next start in: once enough of the starts it
  -- counts have aged out (the (count - max + 1)-th oldest leaves at its time + per).
  local function window_opens(key, now, per, max)
    local t = tonumber(now)
    local count = redis.call('ZCOUNT', key, '(' .. (t - per), '(' .. (t + per))
    local offset = count - max
    if offset < 0 then offset = 0 end
    local oldest = redis.call('ZRANGEBYSCORE', key, '(' .. (t - per), '+inf', 'WITHSCORES', 'LIMIT', offset, 1)[2]
    return tonumber(oldest) + per
  end

  local function record_start(key, now, per, token)
    redis.call('ZADD', key, now, token)
    redis.call('PEXPIRE', key, 2 * per)
  end

  -- Jobs taken out of fready sets and grouped jobs leased by this call: the
  -- flow hash's counts move once, at the end.
  local popped_from_sets, grouped_leased = 0, 0

  -- The group's first ready job id (lowest priority, then sequence), taken
  -- out of its order, and whether the group has work left; nil when it has
  -- none. The no-group group takes from its lowest level, the ready list
  -- standing for level 0.
  local function pop_first(base, gid)
    if gid == '' then
      local head = redis.call('ZRANGE', base .. 'plevels', 0, 0, 'WITHSCORES')
      if #head == 0 or tonumber(head[2]) > 0 then
        local id = redis.call('LPOP', base .. 'ready')
        if id then return id, #head > 0 or redis.call('LLEN', base .. 'ready') > 0 end
        if #head == 0 then return nil, false end
      end
      local level_key = base .. 'pready:' .. head[1]
      local id = redis.call('LPOP', level_key)
      if not id then
        redis.call('ZREM', base .. 'plevels', head[1])
        return nil, redis.call('EXISTS', base .. 'plevels') == 1 or redis.call('LLEN', base .. 'ready') > 0
      end
      popped_from_sets = popped_from_sets + 1
      if redis.call('EXISTS', level_key) == 1 then return id, true end
      redis.call('ZREM', base .. 'plevels', head[1])
      return id, redis.call('EXISTS', base .. 'plevels') == 1 or redis.call('LLEN', base .. 'ready') > 0
    end
    local zkey = base .. 'fready:' .. gid
    local popped = redis.call('ZPOPMIN', zkey)
    if #popped == 0 then return nil, false end
    popped_from_sets = popped_from_sets + 1
    local left = redis.call('EXISTS', zkey) == 1
    if not left then redis.call('SREM', base .. 'fgroups', gid) end
    return string.sub(popped[1], 17), left
  end

  local flow_key, turns_key, blocked_key = base .. 'flow', base .. 'turns', base .. 'gblocked'
  local inflight_key = base .. 'inflight'
  local f = redis.call('HMGET', flow_key, 'held', 'qc', 'qm', 'qp', 'dc', 'dm', 'dp', 'gin')
  local held, qc, qm, qp = number_or_nil(f[1]), number_or_nil(f[2]), number_or_nil(f[3]), number_or_nil(f[4])
  local dc, dm, dp = number_or_nil(f[5]), number_or_nil(f[6]), number_or_nil(f[7])
  local grouped_inflight = number_or_nil(f[8]) or 0
  -- Most queues have no hold or override at all: then no group needs a look for one.
  local any_group_held = redis.call('EXISTS', base .. 'gheld') == 1
  local any_override = redis.call('EXISTS', base .. 'glimits') == 1
  local now_n = tonumber(now)

  -- Groups whose hold or rate window ended rejoin the turn order, earliest first.
  local due = redis.call('ZRANGEBYSCORE', blocked_key, '-inf', now, 'LIMIT', 0, max_moves)
  for _, gid in ipairs(due) do
    redis.call('ZREM', blocked_key, gid)
    if group_has_work(base, gid) then join_turns(base, gid) end
  end

  -- The queue's own budget.
  local budget = limit
  local queue_opens = nil
  if held and held > now_n then
    budget = 0
    queue_opens = held
  end
  if qc then budget = math.min(budget, qc - redis.call('ZCARD', inflight_key)) end
  local qstarts = base .. 'qstarts'
  if qm and budget > 0 then
    local started = window_count(qstarts, now, qp)
    budget = math.min(budget, qm - started)
    if budget <= 0 then queue_opens = window_opens(qstarts, now, qp, qm) end
  end

  local reply = { '', now }
  local handed = 0
  -- (expiry, id) pairs of this call's leases, added to the inflight set at the end.
  local leased = {}
  local limits_of = {}
  -- Jobs this call leased per group (gids in the order they first leased):
  -- ginflight moves once, at the end.
  local ginflight_added, ginflight_gids = {}, {}
  local expires_at_nano = ms_to_nano(expires_at)

  -- Without overrides every group has the defaults: one table (read only) for all.
  local default_limits = { c = dc, m = dm, p = dp }
  local function limits(gid)
    if not any_override then return default_limits end
    local l = limits_of[gid]
    if l then return l end
    l = { c = dc, m = dm, p = dp }
    local o = any_override and redis.call('HGET', base .. 'glimits', gid)
    if o then
      local c, m, p = string.match(o, '^([^,]*),([^,]*),([^,]*)$')
      if c ~= '' then l.c = tonumber(c) end
      if m ~= '' then
        l.m = tonumber(m)
        l.p = tonumber(p)
      end
    end
    limits_of[gid] = l
    return l
  end

  -- nil when the group may hand out a job now, else the ms it may (FLOW_NEVER: when a slot frees).
  local function blocked_until(gid, l)
    if any_group_held then
      local gheld = number_or_nil(redis.call('HGET', base .. 'gheld', gid))
      if gheld and gheld > now_n then return gheld end
    end
    if l.c then
      local count
      if gid == '' then
        count = redis.call('ZCARD', inflight_key) + #leased / 2 - grouped_inflight
      else
        count = (number_or_nil(redis.call('HGET', base .. 'ginflight', gid)) or 0) + (ginflight_added[gid] or 0)
      end
      if count >= l.c then return FLOW_NEVER end
    end
    if l.m then
      local key = base .. 'gstarts:' .. gid
      if window_count(key, now, l.p) >= l.m then return window_opens(key, now, l.p, l.m) end
    end
    return nil
  end

  -- Leases one popped id to the caller (an id whose job is gone or moved on is
  -- dropped rather than handed out). The new lease joins the inflight set in
  -- bulk at the end (`leased`, which a concurrency count adds meanwhile), and
  -- the group's in-flight count moves at the end too (`ginflight_added`).
  -- The hash is read whole with one HGETALL (a grouped job's hash is a
  -- handful of fields) rather than HLEN and HMGET: each call costs a script
  -- more than the command itself. A hash with no field but the fields a usual
  -- job has (type, payload and status, created_at_nano unless the id holds
  -- it, max_attempts unless it is the default) plus `priority` and/or
  -- `group` (and a grouped job's `rseq`,
  -- which the reply leaves out) comes back as those seven
  -- (USUAL_FLOW_FIELDS in job-hash.ts), any other as RESERVE_VALUES.
  local USUAL_FLOW_AT = { type = 1, payload = 2, status = 3, created_at_nano = 4, max_attempts = 5, priority = 6,
    group = 7, rseq = 0 }
  local function hand_out(id, gid, l)
    local job_key = base .. 'job:' .. id
    local fields = redis.call('HGETALL', job_key)
    local values = { false, false, false, false, false, false, false }
    for i = 1, #fields, 2 do
      local at = USUAL_FLOW_AT[fields[i]]
      if not at then
        values = nil
        break
      end
      if at > 0 then values[at] = fields[i + 1] end
    end
    if not (values and values[1] and values[2] and values[3]) then
      local got = {}
      for i = 1, #fields, 2 do got[fields[i]] = fields[i + 1] end
      values = {}
      for i, name in ipairs(RESERVE_VALUES) do values[i] = got[name] or false end
    end
    if values[3] ~= 'ready' then return end
    handed = handed + 1
    local token = token_base .. handed
    redis.call('HSET', job_key, 'status', 'inflight', 'lease_token', token, 'lease_expires_at_nano', expires_at_nano,
      'fl', gid)
    leased[#leased + 1] = expires_at
    leased[#leased + 1] = id
    if gid ~= '' then
      local added = ginflight_added[gid]
      if not added then ginflight_gids[#ginflight_gids + 1] = gid end
      ginflight_added[gid] = (added or 0) + 1
      grouped_leased = grouped_leased + 1
      grouped_inflight = grouped_inflight + 1
    end
    if l.m then record_start(base .. 'gstarts:' .. gid, now, l.p, token) end
    if qm then record_start(qstarts, now, qp, token) end
    values[3] = false
    reply[#reply + 1] = id
    reply[#reply + 1] = values
  end

  -- The ungrouped path: hands out jobs without a group in their order (the
  -- levels below 0, the ready list, the levels above it), a batch per
  -- round, one LPOP with a count from the lowest level that has jobs. Only
  -- when the no-group group is the one group in the turn order and has no
  -- limit or hold of its own: then the turn-order loop below would hand out
  -- the same jobs, and as the group's place in the order is moot while it
  -- is alone there, it keeps it (a group that joins later still lands
  -- behind it). Returns whether it has work left.
  local function reserve_ungrouped(l)
    local levels_key, ready_key = base .. 'plevels', base .. 'ready'
    local list_empty = false
    while handed < budget do
      local want = budget - handed
      local head = redis.call('ZRANGE', levels_key, 0, 0, 'WITHSCORES')
      local ids
      if not list_empty and (#head == 0 or tonumber(head[2]) > 0) then
        ids = redis.call('LPOP', ready_key, want)
        if not ids or #ids < want then list_empty = true end
      end
      if not ids and #head > 0 then
        local level_key = base .. 'pready:' .. head[1]
        ids = redis.call('LPOP', level_key, want)
        local count = ids and #ids or 0
        popped_from_sets = popped_from_sets + count
        if count < want or redis.call('EXISTS', level_key) == 0 then redis.call('ZREM', levels_key, head[1]) end
        ids = ids or {}
      end
      if not ids then break end
      for _, id in ipairs(ids) do hand_out(id, '', l) end
    end
    if redis.call('EXISTS', levels_key) == 1 or redis.call('LLEN', ready_key) > 0 then return true end
    redis.call('ZREM', turns_key, '')
    return false
  end

  -- Whether the no-group group alone may hand out now, with no limit or hold of its own.
  local function only_ungrouped()
    local head = redis.call('ZRANGE', turns_key, 0, 1)
    if #head ~= 1 or head[1] ~= '' then return nil end
    local l = limits('')
    if l.c or l.m then return nil end
    if any_group_held then
      local gheld = number_or_nil(redis.call('HGET', base .. 'gheld', ''))
      if gheld and gheld > now_n then return nil end
    end
    return l
  end

  local ungrouped = budget > 0 and only_ungrouped()
  local runnable = nil
  if ungrouped then runnable = reserve_ungrouped(ungrouped) end

  -- The turn order, a round at a time: the groups at its head (as many as
  -- the budget has left) each hand out their first job, in order; then,
  -- together, those with work left move to the tail in the same order, the
  -- others leave the order, and those held back wait in gblocked. The same
  -- hand-outs as taking one head at a time, in a few calls per round.
  while not ungrouped and handed < budget do
    local heads = redis.call('ZRANGE', turns_key, 0, budget - handed - 1)
    if #heads == 0 then break end
    local to_tail, to_leave, to_block = {}, {}, {}
    for _, gid in ipairs(heads) do
      local l = limits(gid)
      local opens = blocked_until(gid, l)
      if not opens then
        local id, left = pop_first(base, gid)
        if id then hand_out(id, gid, l) end
        if not left then
          to_leave[#to_leave + 1] = gid
        elseif id then
          -- A limited group that just used its last slot or start waits outside the turn order at once.
          opens = (l.c or l.m) and blocked_until(gid, l)
          if not opens then to_tail[#to_tail + 1] = gid end
        end
      end
      if opens then
        to_leave[#to_leave + 1] = gid
        to_block[#to_block + 1] = opens
        to_block[#to_block + 1] = gid
      end
    end
    call_in_pieces('ZREM', turns_key, to_leave)
    call_in_pieces('ZADD', blocked_key, to_block)
    if #to_tail > 0 then
      local turn = redis.call('HINCRBY', flow_key, 'turn', #to_tail) - #to_tail
      local scored = {}
      for i, gid in ipairs(to_tail) do
        scored[2 * i - 1] = turn + i
        scored[2 * i] = gid
      end
      call_in_pieces('ZADD', turns_key, scored)
    end
  end
  call_in_pieces('ZADD', inflight_key, leased)

  ginflight_add(base, ginflight_gids, ginflight_added, 1)
  if grouped_leased > 0 then redis.call('HINCRBY', flow_key, 'gin', grouped_leased) end
  if popped_from_sets > 0 then redis.call('HINCRBY', flow_key, 'zready', -popped_from_sets) end

  if runnable == nil then runnable = redis.call('ZCARD', turns_key) > 0 end
  -- A queue rate window that filled during this call opens when its oldest start leaves it.
  if runnable and qm and not queue_opens and handed >= budget and budget < limit then
    if window_count(qstarts, now, qp) >= qm then queue_opens = window_opens(qstarts, now, qp, qm) end
  end

  -- The next change that comes by time alone.
  local next_due = nil
  local function consider(at)
    if at and (not next_due or tonumber(at) < next_due) then next_due = tonumber(at) end
  end
  consider(redis.call('ZRANGE', base .. 'scheduled', 0, 0, 'WITHSCORES')[2])
  consider(redis.call('ZRANGE', inflight_key, 0, 0, 'WITHSCORES')[2])
  local first_blocked = redis.call('ZRANGE', blocked_key, 0, 0, 'WITHSCORES')[2]
  if first_blocked and tonumber(first_blocked) < FLOW_NEVER then consider(first_blocked) end
  if runnable and queue_opens then consider(queue_opens) end
  if next_due then reply[1] = string.format('%d', next_due) end

  -- Another idle worker wakes for work left over that the queue's limits let go now.
  if runnable and not queue_opens and (not qc or redis.call('ZCARD', inflight_key) < qc) then
    wake(base .. 'signal')
  else
    redis.call('DEL', base .. 'signal')
  end
  return reply
end
