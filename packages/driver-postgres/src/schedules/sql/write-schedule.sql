-- Stores the definition $1..$14 of a schedule with the pending tick $15 at
-- now $16: a new row (version 1), or over the old one, keeping its paused
-- flag, lastRunAt and createdAt, with runs back to 0 and the version one up.
-- Put has locked the row (or the name) and checked the queue first.
INSERT INTO {{schema}}.schedules AS s (
  name, queue, type, payload, cron, every_ms, timezone, start_at, end_at, run_limit, catch_up, max_attempts, timeout_ms,
  revision, next_run_at, runs, version, created_at, updated_at
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 0, 1, $16, $16)
ON CONFLICT (name) DO UPDATE SET
  queue = excluded.queue,
  type = excluded.type,
  payload = excluded.payload,
  cron = excluded.cron,
  every_ms = excluded.every_ms,
  timezone = excluded.timezone,
  start_at = excluded.start_at,
  end_at = excluded.end_at,
  run_limit = excluded.run_limit,
  catch_up = excluded.catch_up,
  max_attempts = excluded.max_attempts,
  timeout_ms = excluded.timeout_ms,
  revision = excluded.revision,
  next_run_at = excluded.next_run_at,
  runs = 0,
  version = s.version + 1,
  updated_at = excluded.updated_at
RETURNING *;
