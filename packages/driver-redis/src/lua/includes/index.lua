-- The id index (data model 8): every job id a queue holds, in byte order, so
-- list can page by id. One sorted set of all ids grows into a skiplist at
-- about 120 bytes an id; the index is instead cut by range into buckets of at
-- most INDEX_BUCKET_MAX ids, each a listpack at about 30 bytes an id (Redis
-- keeps a sorted set of up to zset-max-listpack-entries, 128 by default, as
-- one). Half of that because a listpack insert walks the listpack twice
-- (to look for the member, then for its place): buckets of 64 cost 2 bytes
-- a job more than buckets of 128 and keep an enqueue of 25 jobs as fast as
-- with one sorted set. The directory (`P:{Q}:ids`, the key
-- scripts are given, all scores 0) holds each bucket's low bound; bucket
-- `<directory>:<low>` (scores 0) holds the ids from its bound up to the next
-- bound. The lowest bound is '' (every id sorts after it). A bucket that
-- empties leaves the directory, and its range falls to the bucket below.
-- A bucket never passes INDEX_BUCKET_MAX ids, not even within one script (a
-- listpack that outgrew 128 would turn into a skiplist, never to turn back).
-- Requires includes/bulk.lua.
local INDEX_BUCKET_MAX = 64

local function index_bucket_key(dir_key, low)
  return dir_key .. ':' .. low
end

-- The low bound of the bucket `id` belongs in: the greatest bound <= id ('' when none is).
local function index_low_of(dir_key, id)
  return redis.call('ZREVRANGEBYLEX', dir_key, '[' .. id, '-', 'LIMIT', 0, 1)[1] or ''
end

-- index_low_of for an id about to be added: the lowest bucket, '', is put in
-- the directory when the id lands there (a bucket that empties leaves it).
local function index_low_for_add(dir_key, id)
  local low = index_low_of(dir_key, id)
  if low == '' then redis.call('ZADD', dir_key, 0, '') end
  return low
end

-- The bound after `low`, or nil when its bucket is the last.
local function index_next_low(dir_key, low)
  return redis.call('ZRANGEBYLEX', dir_key, '(' .. low, '+', 'LIMIT', 0, 1)[1]
end

-- ZREM of ids from one bucket; a bucket that empties leaves the directory.
local function index_remove_from(dir_key, low, ids)
  local key = index_bucket_key(dir_key, low)
  call_in_pieces('ZREM', key, ids)
  if redis.call('EXISTS', key) == 0 then redis.call('ZREM', dir_key, low) end
end

-- Takes ids out of the index. The first id left names a bucket and one
-- ZMSCORE finds which of the others it holds too (an ack's or a trim's jobs
-- were usually stored together: all of them, or two buckets' worth), for up
-- to INDEX_REMOVE_ROUNDS buckets; the ids still left are looked up one by
-- one (a purge step's ids may lie in many buckets, and a ZMSCORE of all of
-- them per bucket would grow with their square). Ids the index does not
-- hold are passed over.
local INDEX_REMOVE_ROUNDS = 3

local function index_remove(dir_key, ids)
  local left = ids
  for _ = 1, INDEX_REMOVE_ROUNDS do
    if #left == 0 then return end
    local low = index_low_of(dir_key, left[1])
    if #left == 1 then
      index_remove_from(dir_key, low, left)
      return
    end
    local held = read_in_pieces('ZMSCORE', index_bucket_key(dir_key, low), left)
    local here, rest = {}, {}
    for i, id in ipairs(left) do
      if held[i] then
        here[#here + 1] = id
      elseif i > 1 then
        rest[#rest + 1] = id
      end
    end
    index_remove_from(dir_key, low, here)
    left = rest
  end
  local lows, by_low = {}, {}
  for _, id in ipairs(left) do
    local low = index_low_of(dir_key, id)
    local group = by_low[low]
    if not group then
      group = {}
      by_low[low] = group
      lows[#lows + 1] = low
    end
    group[#group + 1] = id
  end
  for _, low in ipairs(lows) do index_remove_from(dir_key, low, by_low[low]) end
end
