-- Retention of done jobs: the queue's done set is ordered by finish time
-- (ms), so the oldest go first. A removed job loses its hash, its index
-- member and its idempotency mapping (when the mapping still points to it).
-- Dead-lettered jobs are never in the done set, so retention never sees them.
local function forget_done(base, done_key, index_key, id)
  local job_key = base .. 'job:' .. id
  local key = redis.call('HGET', job_key, 'idempotency_key')
  if key then
    local idem_key = base .. 'idem:' .. key
    if redis.call('GET', idem_key) == id then redis.call('DEL', idem_key) end
  end
  redis.call('DEL', job_key)
  redis.call('ZREM', index_key, id)
end

-- max_done: keep at most this many ('' = no limit).
-- cutoff: remove jobs that finished before this ms ('' = no age limit); it
-- is now - maxDoneAgeMs, so a job exactly maxDoneAgeMs old stays.
local function trim_done(base, done_key, index_key, max_done, cutoff)
  if max_done ~= '' then
    local excess = redis.call('ZCARD', done_key) - tonumber(max_done)
    if excess > 0 then
      -- ZPOPMIN takes the oldest out of the done set; each then loses its hash.
      local popped = redis.call('ZPOPMIN', done_key, excess)
      for i = 1, #popped, 2 do forget_done(base, done_key, index_key, popped[i]) end
    end
  end
  if cutoff ~= '' then
    local ids = redis.call('ZRANGEBYSCORE', done_key, '-inf', '(' .. cutoff)
    if #ids > 0 then
      for _, id in ipairs(ids) do forget_done(base, done_key, index_key, id) end
      redis.call('ZREMRANGEBYSCORE', done_key, '-inf', '(' .. cutoff)
    end
  end
end
