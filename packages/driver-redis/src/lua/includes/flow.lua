-- Flow control (priorities, groups, limits, holds). A queue stays on the
-- plain path (the ready list alone) until it first uses a flow feature; the
-- hash `<base>flow` then exists and stays. Keys are built from the queue's
-- key base, so they share its hash tag (docs/redis.md lists them):
--   flow              hash: on, head/tail (sequence counters), turn (turn
--                     counter), gin (in-flight jobs that have a group),
--                     zready (ready jobs outside the ready list: in
--                     fready sets and pready lists),
--                     held (queue hold, ms), qc/qm/qp (queue concurrency,
--                     rate max, rate window), dc/dm/dp (group defaults)
--   fready:<gid>      sorted set per group: score priority, member
--                     <16-digit sequence><id> (groups only, gid never '')
--   fgroups           set of gids whose fready set is not empty
--   pready:<p>        list per priority level p != 0 of ready jobs without
--                     a group, FIFO, released jobs at its head
--   plevels           sorted set of the levels whose pready list is not
--                     empty, member and score p
--   turns             sorted set: gid with runnable work, by turn counter
--   gblocked          sorted set: gid held back by a limit or a hold, by
--                     the ms it can go again (FLOW_NEVER: until a slot frees)
--   gpaused           set of paused gids
--   glimits           hash: gid -> "c,m,p" override ('' for an unset field)
--   gheld             hash: gid -> hold end (ms)
--   ginflight         hash: gid -> jobs of the group in flight (groups only)
--   qstarts, gstarts:<gid>  sorted sets: lease token by start time (rate)
-- Jobs without a group at priority 0 stay in the plain ready list, which is
-- the no-group group's priority-0 part (FIFO, released jobs at its head);
-- its other priorities wait in the pready lists, so reserve pops them with
-- LPOP as it does the ready list (a sorted-set pop costs about twice that).
-- A job leased on the flow path carries `fl` = its gid; the outcome that
-- ends its flight frees its slot (flow_free).

local FLOW_NEVER = 9e15
local FLOW_SEQ_ZERO = 5e15

local function flow_on(base)
  return redis.call('EXISTS', base .. 'flow') == 1
end

local function in_list(gid, priority)
  return gid == '' and priority == '0'
end

-- Bookkeeping after `removed` members left the group's fready set.
local function fready_left(base, gid, removed)
  if removed == 0 then return end
  redis.call('HINCRBY', base .. 'flow', 'zready', -removed)
  if redis.call('EXISTS', base .. 'fready:' .. gid) == 0 then redis.call('SREM', base .. 'fgroups', gid) end
end

-- Bookkeeping after `removed` jobs left level `level`'s pready list.
local function level_left(base, level, removed)
  if removed == 0 then return end
  redis.call('HINCRBY', base .. 'flow', 'zready', -removed)
  if redis.call('EXISTS', base .. 'pready:' .. level) == 0 then redis.call('ZREM', base .. 'plevels', level) end
end

local function group_has_work(base, gid)
  if gid ~= '' then return redis.call('EXISTS', base .. 'fready:' .. gid) == 1 end
  return redis.call('EXISTS', base .. 'plevels') == 1 or redis.call('LLEN', base .. 'ready') > 0
end

-- Puts ready jobs without a group at level `level` (not 0) at the tail of
-- its list, or at its head (release, hold-back: one id).
local function level_push(base, level, ids, at_head)
  local key = base .. 'pready:' .. level
  local length = 0
  for i = 1, #ids, 4000 do
    length = redis.call(at_head and 'LPUSH' or 'RPUSH', key, unpack(ids, i, math.min(i + 3999, #ids)))
  end
  if length == #ids then redis.call('ZADD', base .. 'plevels', level, level) end
  redis.call('HINCRBY', base .. 'flow', 'zready', #ids)
end

local function turn_tail(base, gid)
  redis.call('ZADD', base .. 'turns', redis.call('HINCRBY', base .. 'flow', 'turn', 1), gid)
end

-- A group with runnable work joins the turn tail, unless it is in the turn
-- order already, held back (gblocked) or paused.
local function join_turns(base, gid)
  if redis.call('ZSCORE', base .. 'turns', gid) then return end
  if redis.call('ZSCORE', base .. 'gblocked', gid) then return end
  if redis.call('SISMEMBER', base .. 'gpaused', gid) == 1 then return end
  turn_tail(base, gid)
end

-- Turns the queue's flow path on; ready jobs already in the plain list form
-- the no-group group, which joins the turn order.
local function flow_enable(base)
  if redis.call('HSETNX', base .. 'flow', 'on', '1') == 1 then
    if redis.call('LLEN', base .. 'ready') > 0 then turn_tail(base, '') end
  end
end

-- Puts a ready job (status already 'ready') in its group's order: the tail
-- of its priority, or the head (release, hold-back).
local function flow_place(base, job_key, id, gid, priority, at_head)
  if in_list(gid, priority) then
    if at_head then
      redis.call('LPUSH', base .. 'ready', id)
    else
      redis.call('RPUSH', base .. 'ready', id)
    end
  elseif gid == '' then
    level_push(base, priority, { id }, at_head)
  else
    local n
    if at_head then
      n = redis.call('HINCRBY', base .. 'flow', 'head', -1)
    else
      n = redis.call('HINCRBY', base .. 'flow', 'tail', 1)
    end
    local seq = string.format('%016d', FLOW_SEQ_ZERO + n)
    local zkey = base .. 'fready:' .. gid
    redis.call('ZADD', zkey, priority, seq .. id)
    redis.call('HINCRBY', base .. 'flow', 'zready', 1)
    if redis.call('ZCARD', zkey) == 1 then redis.call('SADD', base .. 'fgroups', gid) end
    redis.call('HSET', job_key, 'rseq', seq)
  end
  join_turns(base, gid)
end

-- Puts a job that became ready where it belongs: the plain list on a plain
-- queue, else its group's order. `flow` is the caller's flow_on(base) when
-- known (nil: read here).
local function place_ready(base, job_key, id, at_head, flow)
  if flow == nil then flow = flow_on(base) end
  if not flow then
    if at_head then
      redis.call('LPUSH', base .. 'ready', id)
    else
      redis.call('RPUSH', base .. 'ready', id)
    end
    return
  end
  local f = redis.call('HMGET', job_key, 'group', 'priority')
  flow_place(base, job_key, id, f[1] or '', f[2] or '0', at_head)
end

-- Takes a ready job out of its queue's order (cancel, remove, purge, a
-- schedule's dropped occurrence).
local function remove_ready(base, job_key, id)
  local f = redis.call('HMGET', job_key, 'group', 'priority', 'rseq')
  local gid, priority = f[1] or '', f[2] or '0'
  if in_list(gid, priority) then
    redis.call('LREM', base .. 'ready', 1, id)
  elseif gid == '' then
    level_left(base, priority, redis.call('LREM', base .. 'pready:' .. priority, 1, id))
  elseif f[3] then
    fready_left(base, gid, redis.call('ZREM', base .. 'fready:' .. gid, f[3] .. id))
  end
  if (gid ~= '' or priority ~= '0') and not group_has_work(base, gid) then
    redis.call('ZREM', base .. 'turns', gid)
  end
end

-- Adds sign * counts[gid] to each group's in-flight count in ginflight, for
-- the distinct gids of `gids` (none empty), as HINCRBY would one by one, a
-- count that falls to 0 or below deleted: for many groups one HMGET, one
-- HSET and one HDEL in all (per 1,000 groups) rather than a call or two per
-- group (a call costs a script more than the command's own work).
local function ginflight_add(base, gids, counts, sign)
  local key = base .. 'ginflight'
  if #gids == 1 then
    local gid = gids[1]
    if redis.call('HINCRBY', key, gid, sign * counts[gid]) <= 0 then redis.call('HDEL', key, gid) end
    return
  end
  for first = 1, #gids, 1000 do
    local last = math.min(first + 999, #gids)
    local old = redis.call('HMGET', key, unpack(gids, first, last))
    local kept, gone = {}, {}
    for i = first, last do
      local gid = gids[i]
      local value = (tonumber(old[i - first + 1]) or 0) + sign * counts[gid]
      if value > 0 then
        kept[#kept + 1] = gid
        kept[#kept + 1] = string.format('%d', value)
      else
        gone[#gone + 1] = gid
      end
    end
    if #kept > 0 then redis.call('HSET', key, unpack(kept)) end
    if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
  end
end

-- Jobs leased on the flow path left flight: `counts[gid]` of group `gid`
-- (their `fl` field) for each gid of `gids`. The groups' counts go down, a
-- group held back for a slot rejoins the turn order, and waiters wake when a
-- concurrency limit may have held work back. The queue-wide reads and
-- writes happen once, however many groups a batch frees.
local function flow_free_groups(base, gids, counts)
  local grouped = {}
  for _, gid in ipairs(gids) do
    if gid ~= '' then grouped[#grouped + 1] = gid end
  end
  ginflight_add(base, grouped, counts, -1)
  local freed_jobs = 0
  for _, gid in ipairs(grouped) do freed_jobs = freed_jobs + counts[gid] end
  if freed_jobs > 0 then redis.call('HINCRBY', base .. 'flow', 'gin', -freed_jobs) end
  local freed = false
  if redis.call('EXISTS', base .. 'gblocked') == 1 then
    for _, gid in ipairs(gids) do
      local score = redis.call('ZSCORE', base .. 'gblocked', gid)
      if score and tonumber(score) >= FLOW_NEVER then
        redis.call('ZREM', base .. 'gblocked', gid)
        if group_has_work(base, gid) then
          join_turns(base, gid)
          freed = true
        end
      end
    end
  end
  if freed or redis.call('HEXISTS', base .. 'flow', 'qc') == 1 then
    if redis.call('ZCARD', base .. 'turns') > 0 then wake(base .. 'signal') end
  end
end

-- One job leased on the flow path left flight (`gid` its `fl` field).
local function flow_free(base, gid)
  flow_free_groups(base, { gid }, { [gid] = 1 })
end

-- Raises a hold end (ms string) kept in hash `key` field `field`; a hold
-- never shortens a later one.
local function raise_hold(key, field, until_ms)
  local old = redis.call('HGET', key, field)
  if not old or tonumber(old) < tonumber(until_ms) then redis.call('HSET', key, field, until_ms) end
end
