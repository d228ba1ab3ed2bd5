-- Leaves a wake-up token on the queue's signal list. A waitForWork blocked
-- in BLPOP on that list takes it as soon as the script ends; otherwise the
-- next BLPOP finds it at once. The list holds at most one token, so an
-- unwatched queue costs one short list, whatever its traffic.
local function wake(signal_key)
  if redis.call('LLEN', signal_key) == 0 then
    redis.call('LPUSH', signal_key, '1')
  end
end
