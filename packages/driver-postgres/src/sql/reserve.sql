-- Hands out up to $3 jobs of queue $1 at now $2 under leases of $4 ms, in one
-- statement: due scheduled jobs and expired leases (at most $5 of each,
-- earliest first) join the ready tail in time order, an expired lease with a
-- cancel request finishes as cancelled, and the head of the ready order is
-- leased. Rows another reserve holds are skipped, never waited for. A paused
-- queue does nothing and reports no next due time. A queue that uses flow
-- control (queues.flow, read in this statement's snapshot) is left alone
-- too: the answer says so and the driver runs reserve-flow.sql instead.
WITH
queue_flags AS (
  SELECT coalesce(paused, false) AS paused, coalesce(flow, false) AS flow
  FROM (SELECT 1) AS one LEFT JOIN {{schema}}.queues ON name = $1
),
queue_paused AS (
  SELECT paused OR flow AS paused FROM queue_flags
),
due_scheduled AS (
  SELECT id, run_at AS due_at FROM {{schema}}.jobs
  WHERE queue = $1 AND status = 'scheduled' AND run_at <= $2::bigint AND NOT (SELECT paused FROM queue_paused)
  ORDER BY run_at, id
  LIMIT $5
  FOR UPDATE SKIP LOCKED
),
due_expired AS (
  SELECT id, lease_expires_at AS due_at, cancel_requested_at IS NOT NULL AS cancelling FROM {{schema}}.jobs
  WHERE queue = $1 AND status = 'inflight' AND lease_expires_at <= $2::bigint AND NOT (SELECT paused FROM queue_paused)
  ORDER BY lease_expires_at, id
  LIMIT $5
  FOR UPDATE SKIP LOCKED
),
due AS (
  SELECT id, reclaimed, nextval('{{schema}}.ready_position') AS position
  FROM (
    SELECT id, due_at, false AS reclaimed FROM due_scheduled
    UNION ALL
    SELECT id, due_at, true FROM due_expired WHERE NOT cancelling
    ORDER BY due_at, id
  ) AS in_time_order
),
ready_head AS (
  SELECT id, position FROM {{schema}}.jobs
  WHERE queue = $1 AND status = 'ready' AND priority IS NULL AND group_name IS NULL AND NOT (SELECT paused FROM queue_paused)
  ORDER BY position
  LIMIT $3
  FOR UPDATE SKIP LOCKED
),
taken AS (
  SELECT id, reclaimed, row_number() OVER (ORDER BY position) AS ord
  FROM (
    SELECT id, position, false AS reclaimed FROM ready_head
    UNION ALL
    SELECT id, position, reclaimed FROM due
    ORDER BY position
    LIMIT $3
  ) AS head
),
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
  SELECT CASE WHEN (SELECT paused FROM queue_paused) THEN NULL ELSE least(
    (SELECT min(run_at) FROM {{schema}}.jobs WHERE queue = $1 AND status = 'scheduled' AND run_at > $2::bigint),
    (SELECT min(lease_expires_at) FROM {{schema}}.jobs WHERE queue = $1 AND status = 'inflight' AND lease_expires_at > $2::bigint),
    CASE WHEN EXISTS (SELECT 1 FROM leased) THEN $2::bigint + $4::bigint END,
    -- A bounded step left due work behind: the caller comes straight back.
    CASE WHEN (SELECT count(*) FROM due_scheduled) >= $5 OR (SELECT count(*) FROM due_expired) >= $5 THEN $2::bigint END
  ) END AS at
)
SELECT l.*, n.at AS next_due_at, (SELECT flow FROM queue_flags) AS flow,
  (SELECT count(*) FROM made_ready) AS made_ready,
  (SELECT count(*) FROM finish_notices) AS finish_notices
FROM next_due n
LEFT JOIN leased l ON true
ORDER BY l.ord;
