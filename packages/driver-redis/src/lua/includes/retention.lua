-- Forgetting jobs and trimming a status set. A forgotten job loses its hash,
-- its index member and its idempotency mapping (when the mapping still points
-- to it); a waiter of waitForFinish that watches it hears of it on the
-- queue's finished channel and finds it gone. The index members go together
-- at the end (index_remove, one bucket at a time; needs includes/index.lua),
-- or, with `unindexed`, are added to that list for the caller to remove
-- with others later in the script.
local function forget_jobs(base, index_key, ids, unindexed)
  for _, id in ipairs(ids) do
    local job_key = base .. 'job:' .. id
    local fields = redis.call('HMGET', job_key, 'idempotency_key', 'watched')
    if fields[1] then
      local idem_key = base .. 'idem:' .. fields[1]
      if redis.call('GET', idem_key) == id then redis.call('DEL', idem_key) end
    end
    redis.call('DEL', job_key)
    if fields[2] then redis.call('PUBLISH', base .. 'finished', id) end
  end
  if unindexed then
    for _, id in ipairs(ids) do unindexed[#unindexed + 1] = id end
  else
    index_remove(index_key, ids)
  end
end

local function forget_job(base, index_key, id)
  forget_jobs(base, index_key, { id })
end

-- Retention of a set of finished jobs ordered by their finish time (ms): done
-- and cancelled jobs by the done rules, dead-lettered jobs by the dead rules.
-- max_count: keep at most this many ('' = no limit).
-- cutoff: remove jobs that finished before this ms ('' = no age limit); it
-- is now - maxAgeMs, so a job exactly maxAgeMs old stays.
-- unindexed: as for forget_jobs.
local function trim_set(base, set_key, index_key, max_count, cutoff, unindexed)
  if max_count ~= '' then
    local excess = redis.call('ZCARD', set_key) - tonumber(max_count)
    if excess > 0 then
      -- ZPOPMIN takes the oldest out of the set; each then loses its hash.
      local popped = redis.call('ZPOPMIN', set_key, excess)
      local ids = {}
      for i = 1, #popped, 2 do ids[#ids + 1] = popped[i] end
      forget_jobs(base, index_key, ids, unindexed)
    end
  end
  if cutoff ~= '' then
    local ids = redis.call('ZRANGEBYSCORE', set_key, '-inf', '(' .. cutoff)
    if #ids > 0 then
      forget_jobs(base, index_key, ids, unindexed)
      redis.call('ZREMRANGEBYSCORE', set_key, '-inf', '(' .. cutoff)
    end
  end
end

-- The cutoff of an age rule: now - max_age ms, or '' when there is none.
local function age_cutoff(now, max_age)
  if max_age == '' then return '' end
  return add_ms(now, -tonumber(max_age))
end
