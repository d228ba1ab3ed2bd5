-- The queue's status index: a sorted set whose scores are all 0 and whose
-- members are "<status>:<id>", so ZRANGEBYLEX walks one status in id order.
-- Every status change moves the job's member.
local function index_add(index_key, id, status)
  redis.call('ZADD', index_key, 0, status .. ':' .. id)
end

local function index_move(index_key, id, from, to)
  redis.call('ZREM', index_key, from .. ':' .. id)
  redis.call('ZADD', index_key, 0, to .. ':' .. id)
end
