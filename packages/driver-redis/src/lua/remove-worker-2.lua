--[[
  removeWorker: deletes one worker's entry.

  KEYS[1] workers          hash: worker id -> its entry as JSON
  KEYS[2] worker expiries  sorted set: worker id -> the entry's expiresAt (ms)

  ARGV[1] the worker id

  Returns 1 when there was an entry, else 0.
]]
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
