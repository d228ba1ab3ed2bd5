--[[
  resume: lets a paused queue hand out jobs again and wakes its waiters.

  KEYS[1] paused     string, present while the queue is paused
  KEYS[2] signal     wake-up list

  Idempotent: resuming a queue that is not paused only leaves a token.
  Returns the number of paused flags removed (0 or 1).
]]
--- @include "wake"

local removed = redis.call('DEL', KEYS[1])
wake(KEYS[2])
return removed
