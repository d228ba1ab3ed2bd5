-- Adding ids to the id index (see includes/index.lua, which this requires,
-- with includes/bulk.lua and includes/byte-order.lua).

-- ZADD of ids[first..last] with score 0, in pieces of call_in_pieces'
-- size. The members go last first: for ids in ascending order a listpack
-- takes each at its head then, where in ascending order every insert walks
-- to its end (a new bucket of 128 took a third of the time so).
local function index_zadd(key, ids, first, last)
  local members = {}
  for i = last, first, -1 do
    members[#members + 1] = 0
    members[#members + 1] = ids[i]
  end
  call_in_pieces('ZADD', key, members)
end

-- Writes ids[first..last] (ascending) as buckets of at most `size` ids, the
-- first under bound `low`, each other under its first id, and puts the
-- bounds in the directory.
local function index_write_buckets(dir_key, low, ids, first, last, size)
  for from = first, last, size do
    local bound = low
    if from > first then bound = ids[from] end
    redis.call('ZADD', dir_key, 0, bound)
    index_zadd(index_bucket_key(dir_key, bound), ids, from, math.min(from + size - 1, last))
  end
end

-- The general way: Redis orders the ids (a scratch sorted set, deleted at the
-- end), then each bucket whose range they fall in takes its run; a bucket the
-- run would overfill is written anew with its ids and the run, in buckets
-- three quarters full so that later ids find room.
local function index_add_unordered(dir_key, ids)
  local scratch = dir_key .. '-sorting'
  -- A script that failed half way is not undone: start from an empty set.
  redis.call('DEL', scratch)
  index_zadd(scratch, ids, 1, #ids)
  local from = '-'
  while true do
    local first = redis.call('ZRANGEBYLEX', scratch, from, '+', 'LIMIT', 0, 1)[1]
    if first == nil then break end
    local low = index_low_for_add(dir_key, first)
    local next_low = index_next_low(dir_key, low)
    local upto = '+'
    if next_low then upto = '(' .. next_low end
    local key = index_bucket_key(dir_key, low)
    local size = redis.call('ZCARD', key)
    if size + redis.call('ZLEXCOUNT', scratch, '[' .. first, upto) <= INDEX_BUCKET_MAX then
      local run = redis.call('ZRANGEBYLEX', scratch, '[' .. first, upto)
      index_zadd(key, run, 1, #run)
    else
      -- The scratch set holds only ids below `first` from earlier runs, so
      -- from `low` on it holds this range's ids once the bucket's join.
      local held = redis.call('ZRANGE', key, 0, -1)
      index_zadd(scratch, held, 1, #held)
      redis.call('DEL', key)
      local all = redis.call('ZRANGEBYLEX', scratch, '[' .. low, upto)
      local buckets = math.ceil(#all / (INDEX_BUCKET_MAX * 3 / 4))
      index_write_buckets(dir_key, low, all, 1, #all, math.ceil(#all / buckets))
    end
    if next_low == nil then break end
    from = '[' .. next_low
  end
  redis.call('DEL', scratch)
end

-- Adds ids the index does not hold yet. `ascending`: the caller knows them
-- to be in ascending byte order (the ids of one enqueue, made by newJobId,
-- are). Then, when they all fall in one bucket's range, they fill it and
-- the rest start new full buckets (ids made later sort last, so a queue's
-- index grows at its end), with three byte comparisons at most; else the
-- general way above.
local function index_add(dir_key, ids, ascending)
  local count = #ids
  if count == 0 then return end
  if ascending or count == 1 then
    -- The usual case first: the ids sort after the last bound, so they go
    -- to the last bucket (one ZRANGE and one comparison, where a lookup
    -- and the next bound cost two range reads).
    local low = redis.call('ZRANGE', dir_key, -1, -1)[1]
    local next_low
    if low == nil then
      low = ''
      redis.call('ZADD', dir_key, 0, '')
    elseif byte_less(ids[1], low) then
      low = index_low_for_add(dir_key, ids[1])
      next_low = index_next_low(dir_key, low)
    end
    if next_low == nil or byte_less(ids[count], next_low) then
      local key = index_bucket_key(dir_key, low)
      local size = redis.call('ZCARD', key)
      local room = INDEX_BUCKET_MAX - size
      if count <= room then
        index_zadd(key, ids, 1, count)
        return
      end
      -- The ids past the room start new buckets, so they must sort after
      -- every id the bucket holds.
      if size == 0 or byte_less(redis.call('ZRANGE', key, -1, -1)[1], ids[room + 1]) then
        if room > 0 then index_zadd(key, ids, 1, room) end
        index_write_buckets(dir_key, ids[room + 1], ids, room + 1, count, INDEX_BUCKET_MAX)
        return
      end
    end
  end
  index_add_unordered(dir_key, ids)
end
