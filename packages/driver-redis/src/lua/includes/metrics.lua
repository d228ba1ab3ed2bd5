-- Per-minute throughput counts (observability): one hash per queue and
-- minute, `<base>metrics:<minute start ms>`, with the fields `completed`,
-- `failed` and `dead`, written by the outcome scripts (ack, retry, fail) in
-- the same script that ends the run. A call adds its whole count at once:
-- one HINCRBY per field, however many jobs it ended. The write that creates
-- a field (its HINCRBY answers the increment itself) also sets the key's
-- TTL: METRICS_RETENTION_MS (24 h) and an hour for clocks that disagree,
-- so Redis's own clock ends the keys and nothing prunes them. A key gets its
-- TTL at most three times (once per field), all within its minute's writes.
local METRICS_TTL_MS = 90000000

local function count_outcomes(base, now, completed, failed, dead)
  local ms = tonumber(now)
  local key = base .. 'metrics:' .. string.format('%d', ms - ms % 60000)
  local created = false
  if completed > 0 and redis.call('HINCRBY', key, 'completed', completed) == completed then created = true end
  if failed > 0 and redis.call('HINCRBY', key, 'failed', failed) == failed then created = true end
  if dead > 0 and redis.call('HINCRBY', key, 'dead', dead) == dead then created = true end
  if created then redis.call('PEXPIRE', key, METRICS_TTL_MS) end
end
