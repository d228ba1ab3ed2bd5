--[[
  claim-schedule: claims a schedule name for a queue in the global name
  index, the first step of putSchedule. The only key is the index itself (no
  hash tag; a script on one key runs on a cluster too).

  KEYS[1] schedules  sorted set, all scores 0, one member per name:
                     "<name> <queue> <claim token>" (names, queues and
                     tokens hold no spaces, and a space sorts before every
                     byte a name may hold, so members sort by name)

  ARGV[1] name
  ARGV[2] queue
  ARGV[3] a new claim token
  ARGV[4] the member the caller may take over ('' for none): an entry whose
          queue holds no record of the name (left by a put cut short, or a
          remove whose second step did not run)

  No entry, an entry of the same queue, or the entry named in ARGV[4]: it
  becomes "<name> <queue> <token>" and the reply is {'CLAIMED'}. Another
  entry stays and the reply is {'HELD', member}: the caller looks for the
  record in that member's queue.
]]
local index_key = KEYS[1]
local name, queue, token, takeover = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local entry = redis.call('ZRANGEBYLEX', index_key, '[' .. name .. ' ', '(' .. name .. '!', 'LIMIT', 0, 1)[1]
if entry then
  local held_by = string.sub(entry, #name + 2, string.find(entry, ' ', #name + 2, true) - 1)
  if held_by ~= queue and entry ~= takeover then return { 'HELD', entry } end
  redis.call('ZREM', index_key, entry)
end
redis.call('ZADD', index_key, 0, name .. ' ' .. queue .. ' ' .. token)
return { 'CLAIMED' }
