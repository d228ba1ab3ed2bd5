--[[
  withdraw-handoff: a listener takes back its offers and every frame handed
  to it that it has not read, in one step, so no enqueue can hand it a job
  after this.

  KEYS[1] takers   sorted set of offers
  KEYS[2] handoff  the listener's handoff list

  ARGV[1..] the listener's offers still standing (none is fine)

  Returns the unread frames; the caller gives their jobs back (release).
]]
if #ARGV > 0 then redis.call('ZREM', KEYS[1], unpack(ARGV)) end
local frames = redis.call('LRANGE', KEYS[2], 0, -1)
if #frames > 0 then redis.call('DEL', KEYS[2]) end
return frames
