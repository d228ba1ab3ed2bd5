--[[
  watch: marks a job as watched by a waitForFinish and reads it, in one step.

  KEYS[1] the job's hash

  From now on the scripts that finish or remove the job publish its id on
  the queue's finished channel (they read `watched` in a read they make
  anyway). The flag stays: a later waiter of the same job finds it set.
  Returns the job's HGETALL after marking it, or an empty list when there
  is no such job (nothing is written then).
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
redis.call('HSET', KEYS[1], 'watched', '1')
return redis.call('HGETALL', KEYS[1])
