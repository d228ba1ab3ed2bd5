-- The queue's id index: a sorted set whose scores are all 0 and whose members
-- are the ids of every job the queue holds, so ZRANGEBYLEX walks them in id
-- order (list reads each job's status from its hash). A job joins it when it
-- is stored and leaves it when retention removes it; a status change does not
-- touch it, which keeps the hot path (reserve, ack) free of index writes.
local function index_add(index_key, id)
  redis.call('ZADD', index_key, 0, id)
end

local function index_remove(index_key, id)
  redis.call('ZREM', index_key, id)
end
