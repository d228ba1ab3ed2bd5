-- The job-hash side of requeueing a dead-lettered job: the dead-letter
-- fields, the last token and reclaims go (a fresh start for poison
-- detection; a missing reclaims or attempts field reads as 0). With reset
-- ('1') the failure history goes too; without, attempts stays as history and
-- max_attempts is raised to attempts + 1 when needed, so the job gets exactly
-- one more run and never shows more attempts than it was allowed.
local function revive(job_key, reset)
  redis.call('HDEL', job_key, 'dlq_reason', 'dlq_failed_at_nano', 'lease_token', 'lease_expires_at_nano', 'reclaims')
  if reset == '1' then
    redis.call('HDEL', job_key, 'attempts', 'last_error', 'failed_at_nano', 'errors')
  else
    local counts = redis.call('HMGET', job_key, 'attempts', 'max_attempts')
    local attempts = tonumber(counts[1] or '0')
    -- An absent max_attempts is 25 (OMITTED_MAX_ATTEMPTS in job-hash.ts).
    if attempts >= tonumber(counts[2] or '25') then
      redis.call('HSET', job_key, 'max_attempts', string.format('%d', attempts + 1))
    end
  end
end
