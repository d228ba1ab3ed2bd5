-- Puts a job back in its queue (retry, requeue): ready at the tail when
-- runnable, else scheduled at runAt; run_at_nano kept or removed to match;
-- waiters wake either way, since a scheduled job may be due before the time
-- they wait for. On the flow path the ready job joins its group's order
-- (includes/flow.lua, which the script includes first).
local function place_back(base, job_key, id, runnable, run_at, run_at_nano, scheduled_key, signal_key)
  if run_at_nano ~= '' then
    redis.call('HSET', job_key, 'run_at_nano', run_at_nano)
  else
    redis.call('HDEL', job_key, 'run_at_nano')
  end
  if runnable == '1' then
    redis.call('HSET', job_key, 'status', 'ready')
    place_ready(base, job_key, id, false)
  else
    redis.call('HSET', job_key, 'status', 'scheduled')
    redis.call('ZADD', scheduled_key, run_at, id)
  end
  wake(signal_key)
end
