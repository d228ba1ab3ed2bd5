--[[
  registerWorker: adds or replaces one worker's entry, then deletes a
  bounded number of entries that are no longer live.

  KEYS[1] workers          hash: worker id -> its entry as JSON
  KEYS[2] worker expiries  sorted set: worker id -> the entry's expiresAt (ms)

  ARGV[1] the worker id
  ARGV[2] its entry (JSON: the info, lastSeenAt, expiresAt)
  ARGV[3] expiresAt (ms)
  ARGV[4] now (ms): entries with expiresAt at or before it are stale
  ARGV[5] the most stale entries one call deletes

  Returns the number of stale entries deleted.
]]
local workers_key, expiries_key = KEYS[1], KEYS[2]
local id, entry, expires_at, now, max_pruned = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

redis.call('HSET', workers_key, id, entry)
redis.call('ZADD', expiries_key, expires_at, id)
local stale = redis.call('ZRANGEBYSCORE', expiries_key, '-inf', now, 'LIMIT', 0, max_pruned)
if #stale > 0 then
  redis.call('HDEL', workers_key, unpack(stale))
  redis.call('ZREM', expiries_key, unpack(stale))
end
return #stale
