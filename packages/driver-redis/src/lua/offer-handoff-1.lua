--[[
  offer-handoff: an idle listener offers to take one job of its queue
  straight from the enqueue that makes it ready (includes/handoff.lua).

  KEYS[1] takers  sorted set of offers, scored by when each lapses (server ms)

  ARGV[1] the new offer, "<listener id>|<leaseMs>|<token>"
  ARGV[2] how long the offer stands (ms) unless renewed
  ARGV[3..] the listener's earlier offers, withdrawn here

  Lapsed offers of any listener are dropped on the way, so a queue whose
  listeners died keeps no more than the offers of the last few seconds.
  The lapse time is the server's clock: the offer's liveness is Redis's
  business, not the callers' (whose clocks only date leases).
]]
local time = redis.call('TIME')
local server_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if #ARGV > 2 then redis.call('ZREM', KEYS[1], unpack(ARGV, 3)) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', server_ms)
redis.call('ZADD', KEYS[1], server_ms + tonumber(ARGV[2]), ARGV[1])
return 1
