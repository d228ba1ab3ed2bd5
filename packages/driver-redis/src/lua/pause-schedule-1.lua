--[[
  pause-schedule: sets or clears one schedule's paused flag (pauseSchedule
  and resumeSchedule). The version goes up by one when the flag changes;
  otherwise nothing is written. The pending occurrence is not touched.

  KEYS[1] record     the schedule's hash

  ARGV[1] '1' to pause, '0' to resume

  Returns 'OK', or 'NOT_FOUND' when the queue holds no such schedule.
]]
local record_key, paused = KEYS[1], ARGV[1]
local current = redis.call('HGET', record_key, 'paused')
if not current then return 'NOT_FOUND' end
if current ~= paused then
  redis.call('HSET', record_key, 'paused', paused)
  redis.call('HINCRBY', record_key, 'version', 1)
end
return 'OK'
