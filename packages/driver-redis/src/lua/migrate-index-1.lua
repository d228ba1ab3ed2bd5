--[[
  migrate-index: turns one queue's status index of data-model version 1
  (members "<status>:<id>") into the id index of version 2 (members "<id>").

  KEYS[1] index      sorted set (scores 0)

  Only members that start with one of the five statuses and a colon are
  rewritten. Returns the number of members rewritten.
]]
local index_key = KEYS[1]
local statuses = { ready = true, scheduled = true, inflight = true, done = true, dlq = true }
local members = redis.call('ZRANGE', index_key, 0, -1)
local moved = 0
for _, member in ipairs(members) do
  local colon = string.find(member, ':', 1, true)
  if colon and statuses[string.sub(member, 1, colon - 1)] then
    redis.call('ZREM', index_key, member)
    redis.call('ZADD', index_key, 0, string.sub(member, colon + 1))
    moved = moved + 1
  end
end
return moved
