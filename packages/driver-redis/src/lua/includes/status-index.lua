-- The queue's id index: a sorted set whose scores are all 0 and whose members
-- are the ids of every job the queue holds, so ZRANGEBYLEX walks them in id
-- order (list reads each job's status from its hash). A job joins it when it
-- is stored and leaves it when retention removes it; a status change does not
-- touch it, which keeps the hot path (reserve, ack) free of index writes.
-- index_add_many adds ids, one ZADD per 1,000 (a Lua unpack takes a few
-- thousand values at most).
local function index_add_many(index_key, ids)
  for first = 1, #ids, 1000 do
    local args = {}
    for i = first, math.min(first + 999, #ids) do
      args[#args + 1] = 0
      args[#args + 1] = ids[i]
    end
    redis.call('ZADD', index_key, unpack(args))
  end
end

local function index_remove(index_key, id)
  redis.call('ZREM', index_key, id)
end
