-- The finishing steps of the lock-free reserves (reserve.sql,
-- reserve-priority.sql), after the including statement's `taken` (the jobs
-- to lease, their order `ord`, whether each is a reclaim): lease them until
-- $2 + $4, put the other due jobs at the ready tail, finish the expired
-- leases with a cancel request as cancelled (notifying their waiters), and
-- work out the next due time (null when `idle`).
leased AS (
  UPDATE {{schema}}.jobs j SET
    status = 'inflight',
    lease_token = gen_random_uuid()::text,
    lease_expires_at = $2::bigint + $4::bigint,
    position = NULL,
    run_at = CASE WHEN t.reclaimed THEN NULL ELSE j.run_at END,
    reclaims = j.reclaims + CASE WHEN t.reclaimed THEN 1 ELSE 0 END
  FROM taken t
  WHERE j.queue = $1 AND j.id = t.id
  RETURNING j.*, t.ord
),
made_ready AS (
  UPDATE {{schema}}.jobs j SET
    status = 'ready',
    position = d.position,
    run_at = CASE WHEN d.reclaimed THEN NULL ELSE j.run_at END,
    lease_token = CASE WHEN d.reclaimed THEN NULL ELSE j.lease_token END,
    lease_expires_at = NULL,
    reclaims = j.reclaims + CASE WHEN d.reclaimed THEN 1 ELSE 0 END
  FROM due d
  WHERE j.queue = $1 AND j.id = d.id AND d.id NOT IN (SELECT id FROM taken)
  RETURNING j.id
),
cancelled AS (
  UPDATE {{schema}}.jobs j SET status = 'cancelled', cancelled_at = $2::bigint, ended_at = $2::bigint, lease_expires_at = NULL
  FROM due_expired e
  WHERE j.queue = $1 AND j.id = e.id AND e.cancelling
  RETURNING j.id, j.watched
),
finish_notices AS (
  SELECT pg_notify({{channel}}, 'f ' || $1 || ' ' || id) FROM cancelled WHERE watched
),
next_due AS (
  SELECT CASE WHEN (SELECT idle FROM idle) THEN NULL ELSE least(
    (SELECT min(run_at) FROM {{schema}}.jobs WHERE queue = $1 AND status = 'scheduled' AND run_at > $2::bigint),
    (SELECT min(lease_expires_at) FROM {{schema}}.jobs WHERE queue = $1 AND status = 'inflight' AND lease_expires_at > $2::bigint),
    CASE WHEN EXISTS (SELECT 1 FROM leased) THEN $2::bigint + $4::bigint END,
    -- A bounded step left due work behind: the caller comes straight back.
    CASE WHEN (SELECT count(*) FROM due_scheduled) >= $5 OR (SELECT count(*) FROM due_expired) >= $5 THEN $2::bigint END
  ) END AS at
)
