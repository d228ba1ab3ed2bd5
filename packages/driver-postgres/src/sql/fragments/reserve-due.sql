-- The due-job steps of the lock-free reserves (reserve.sql,
-- reserve-priority.sql), at now $2 in queue $1: due scheduled jobs and
-- expired leases, at most $5 of each, earliest first, locked with SKIP
-- LOCKED, then in time order with a new place at the ready tail each (an
-- expired lease with a cancel request is left to the finishing steps). The
-- including statement defines `idle` (true: do nothing) before them.
due_scheduled AS (
  SELECT id, run_at AS due_at, priority FROM {{schema}}.jobs
  WHERE queue = $1 AND status = 'scheduled' AND run_at <= $2::bigint AND NOT (SELECT idle FROM idle)
  ORDER BY run_at, id
  LIMIT $5
  FOR UPDATE SKIP LOCKED
),
due_expired AS (
  SELECT id, lease_expires_at AS due_at, priority, cancel_requested_at IS NOT NULL AS cancelling FROM {{schema}}.jobs
  WHERE queue = $1 AND status = 'inflight' AND lease_expires_at <= $2::bigint AND NOT (SELECT idle FROM idle)
  ORDER BY lease_expires_at, id
  LIMIT $5
  FOR UPDATE SKIP LOCKED
),
due AS (
  SELECT id, reclaimed, coalesce(priority, 0) AS prio, nextval('{{schema}}.ready_position') AS position
  FROM (
    SELECT id, due_at, priority, false AS reclaimed FROM due_scheduled
    UNION ALL
    SELECT id, due_at, priority, true FROM due_expired WHERE NOT cancelling
    ORDER BY due_at, id
  ) AS in_time_order
)
