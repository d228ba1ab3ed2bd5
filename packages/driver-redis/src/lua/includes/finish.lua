-- Finishing a job: the finished channel hears of jobs a waitForFinish
-- watches (the `watched` field), so a job nobody waits for costs no PUBLISH.
local function publish_finished(base, id, watched)
  if watched then redis.call('PUBLISH', base .. 'finished', id) end
end

-- The end of a run whose job has a cancel request, whatever its outcome
-- (ack, retry, fail, release, or a reclaim of its expired lease): the job is
-- cancelled at `now`, keeps its last token, loses its expiry, and the
-- cancelled set is trimmed by the done rules.
local function finish_cancelled(base, job_key, id, cancelled_key, index_key, now, max_done, cutoff, watched)
  redis.call('HSET', job_key, 'status', 'cancelled', 'cancelled_at_nano', ms_to_nano(now))
  redis.call('HDEL', job_key, 'lease_expires_at_nano')
  redis.call('ZADD', cancelled_key, now, id)
  publish_finished(base, id, watched)
  trim_set(base, cancelled_key, index_key, max_done, cutoff)
end

-- Appends one failure (a JSON object on one line, built by the caller) to
-- the job's error history: the `errors` field holds JSON lines, oldest
-- first, the newest `keep` of them.
local function append_error(job_key, entry, keep)
  local text = redis.call('HGET', job_key, 'errors')
  if text then text = text .. '\n' .. entry else text = entry end
  local lines = 1
  for _ in string.gmatch(text, '\n') do lines = lines + 1 end
  while lines > keep do
    text = string.sub(text, string.find(text, '\n', 1, true) + 1)
    lines = lines - 1
  end
  redis.call('HSET', job_key, 'errors', text)
end

-- Records one failure of a reserved job (retry and fail): the attempts
-- count, the failure time, the last error (removed when the failure gave
-- none) and one entry of the error history.
local function record_failure(job_key, attempts, failed_at_nano, has_last_error, last_error, entry, keep)
  redis.call('HSET', job_key, 'attempts', attempts, 'failed_at_nano', failed_at_nano)
  if has_last_error == '1' then
    redis.call('HSET', job_key, 'last_error', last_error)
  else
    redis.call('HDEL', job_key, 'last_error')
  end
  append_error(job_key, entry, keep)
end
