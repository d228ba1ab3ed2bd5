--[[
  migrate-fields: rewrites one queue's job hashes of data-model version 4 in
  the version-5 shape, at most ARGV[2] jobs per call, walking the id index in
  id order; the caller repeats until it answers 0.

  KEYS[1] index      sorted set of every job id (scores 0): the id index of data models 2 to 7
  KEYS[2] cursor     string: the last id done, kept between calls

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] the most jobs one call rewrites

  Each hash loses its queue field (the key names the queue) and its
  max_attempts when that is the default, 25. A hash in the version-5 shape
  already is left as it is, so a call repeated after an interruption, or
  one that meets jobs stored meanwhile, changes nothing twice.
  Returns 1 while ids are left (the cursor then holds the last one done), 0
  once the index is walked (the cursor is gone).
]]
local index_key, cursor_key = KEYS[1], KEYS[2]
local base, batch = ARGV[1], tonumber(ARGV[2])
local after = redis.call('GET', cursor_key)
local from = '-'
if after then from = '(' .. after end
local ids = redis.call('ZRANGEBYLEX', index_key, from, '+', 'LIMIT', 0, batch)
for _, id in ipairs(ids) do
  local job_key = base .. 'job:' .. id
  redis.call('HDEL', job_key, 'queue')
  if redis.call('HGET', job_key, 'max_attempts') == '25' then redis.call('HDEL', job_key, 'max_attempts') end
end
if #ids < batch then
  redis.call('DEL', cursor_key)
  return 0
end
redis.call('SET', cursor_key, ids[#ids])
return 1
