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

-- The bound after `low`, or nil when its bucket is the last.
local function index_next_low(dir_key, low)
  return redis.call('ZRANGEBYLEX', dir_key, '(' .. low, '+', 'LIMIT', 0, 1)[1]
end

-- Takes ids out of the index. The first id names a bucket and one ZMSCORE
-- finds which of the others it holds too (an ack's or a trim's jobs were
-- usually stored together, so all of them); each id left is looked up on
-- its own (a purge step's ids may be spread over many buckets: one lookup
-- each keeps the step bounded). Then one ZREM per bucket; a bucket that
-- empties leaves the directory. Ids the index does not hold are passed over.
local function index_remove(dir_key, ids)
  if #ids == 0 then return end
  local first_low = index_low_of(dir_key, ids[1])
  local lows, by_low = { first_low }, { [first_low] = { ids[1] } }
  if #ids > 1 then
    local held = read_in_pieces('ZMSCORE', index_bucket_key(dir_key, first_low), ids)
    for i = 2, #ids do
      local id = ids[i]
      local low = first_low
      if not held[i] then low = index_low_of(dir_key, id) end
      local group = by_low[low]
      if not group then
        group = {}
        by_low[low] = group
        lows[#lows + 1] = low
      end
      group[#group + 1] = id
    end
  end
  for _, low in ipairs(lows) do
    local key = index_bucket_key(dir_key, low)
    call_in_pieces('ZREM', key, by_low[low])
    if redis.call('EXISTS', key) == 0 then redis.call('ZREM', dir_key, low) end
  end
end
