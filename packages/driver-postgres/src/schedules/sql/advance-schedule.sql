-- Moves the cadence of the schedule $1 on (advance has locked the row and
-- compared its version and pending tick): pending tick $2 (null ends it),
-- last tick $3 (null keeps the stored one), runs $4, at now $5; the
-- version goes one up.
UPDATE {{schema}}.schedules SET
  next_run_at = $2::bigint,
  last_run_at = coalesce($3::bigint, last_run_at),
  runs = $4::integer,
  version = version + 1,
  updated_at = $5::bigint
WHERE name = $1;
