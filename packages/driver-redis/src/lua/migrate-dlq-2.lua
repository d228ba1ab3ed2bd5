--[[
  migrate-dlq: turns one queue's dead-letter list of data-model version 2
  into the sorted set of version 3 (dead-lettered id by failure time, ms),
  at most 1,000 jobs per call; the caller repeats until it answers 0.

  KEYS[1] dlq        the list (version 2) or sorted set (version 3)
  KEYS[2] dlq-v2     the list set aside while it is moved

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"

  The first call renames the list out of the way; each call then pops up to
  1,000 ids off it, oldest first, and adds each with its job's
  dlq_failed_at_nano (as ms) as the score. Run again after an interruption,
  it carries on where it stopped.
  Returns how many ids are left to move.
]]
local dlq_key, old_key, base = KEYS[1], KEYS[2], ARGV[1]
if redis.call('TYPE', dlq_key).ok == 'list' then
  if redis.call('EXISTS', old_key) == 0 then
    redis.call('RENAME', dlq_key, old_key)
  else
    for _ = 1, 1000 do
      if not redis.call('LMOVE', dlq_key, old_key, 'LEFT', 'RIGHT') then break end
    end
  end
end
local ids = redis.call('LPOP', old_key, 1000)
if ids then
  for _, id in ipairs(ids) do
    local nano = redis.call('HGET', base .. 'job:' .. id, 'dlq_failed_at_nano')
    local ms = '0'
    if nano and #nano > 6 then ms = string.sub(nano, 1, -7) end
    redis.call('ZADD', dlq_key, ms, id)
  end
end
local left = redis.call('LLEN', old_key)
if redis.call('TYPE', dlq_key).ok == 'list' then left = left + redis.call('LLEN', dlq_key) end
return left
