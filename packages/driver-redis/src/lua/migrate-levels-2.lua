--[[
  migrate-levels: moves one queue's ready jobs without a group at a
  priority other than 0 out of the sorted set of data-model version 5
  (fready:, the no-group group's set) into the level lists of version 6
  (pready:<p>, with plevels), at most 1,000 jobs per call; the caller
  repeats until it answers 0.

  KEYS[1] fready:    sorted set: score priority, member <16-digit sequence><id>
  KEYS[2] plevels    sorted set of the levels whose pready list holds jobs

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"

  The set is read from its head, so within a level the jobs keep their
  order (released ones first). Each job loses its rseq field, which only
  the set needed; the flow hash's zready count covers both structures and
  stays. When the set is empty the no-group group leaves fgroups. Run
  again after an interruption, it carries on where it stopped.
  Returns how many jobs are left to move.
]]
local set_key, levels_key, base = KEYS[1], KEYS[2], ARGV[1]
local members = redis.call('ZRANGE', set_key, 0, 999, 'WITHSCORES')
local by_level, levels = {}, {}
for i = 1, #members, 2 do
  local level = members[i + 1]
  local ids = by_level[level]
  if not ids then
    ids = {}
    by_level[level] = ids
    levels[#levels + 1] = level
  end
  local id = string.sub(members[i], 17)
  ids[#ids + 1] = id
  redis.call('HDEL', base .. 'job:' .. id, 'rseq')
end
for _, level in ipairs(levels) do
  redis.call('RPUSH', base .. 'pready:' .. level, unpack(by_level[level]))
  redis.call('ZADD', levels_key, level, level)
end
if #members > 0 then redis.call('ZREMRANGEBYRANK', set_key, 0, #members / 2 - 1) end
local left = redis.call('ZCARD', set_key)
if left == 0 then redis.call('SREM', base .. 'fgroups', '') end
return left
