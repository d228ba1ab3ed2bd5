-- Moves dead-lettered jobs of queue $1 back, oldest failure first, at most
-- $4 in this statement: the job $2 alone when given, else those of type $3
-- (any type when null). Ready at the tail in that order (or scheduled when
-- runAt $6 is after now $7); dead-letter fields, lease and reclaims
-- cleared. $5 resetAttempts: attempts to 0, failures cleared; otherwise
-- the job gets exactly one more run (maxAttempts rises when used up).
-- Priority and group stay; a group that gets a ready job while out of the
-- turn order joins its tail.
WITH picked AS (
  SELECT id,
    CASE WHEN $6::bigint IS NULL OR $6::bigint <= $7::bigint THEN nextval('{{schema}}.ready_position') END AS position
  FROM (
    SELECT id FROM {{schema}}.jobs
    -- A dead-lettered job always has ended_at: this reads jobs_finished in order.
    WHERE queue = $1 AND status = 'dlq' AND ended_at IS NOT NULL
      AND ($2::text IS NULL OR id = $2::text)
      AND ($3::text IS NULL OR type = $3::text)
    ORDER BY ended_at, id
    LIMIT $4
    FOR UPDATE SKIP LOCKED
  ) AS oldest_first
),
moved AS (
  UPDATE {{schema}}.jobs j SET
    status = CASE WHEN p.position IS NULL THEN 'scheduled' ELSE 'ready' END,
    position = p.position,
    run_at = $6::bigint,
    dlq_reason = NULL,
    dlq_failed_at = NULL,
    ended_at = NULL,
    lease_token = NULL,
    lease_expires_at = NULL,
    reclaims = 0,
    attempts = CASE WHEN $5::boolean THEN 0 ELSE j.attempts END,
    last_error = CASE WHEN $5::boolean THEN NULL ELSE j.last_error END,
    failed_at = CASE WHEN $5::boolean THEN NULL ELSE j.failed_at END,
    errors = CASE WHEN $5::boolean THEN NULL ELSE j.errors END,
    max_attempts = CASE WHEN NOT $5::boolean AND j.attempts >= j.max_attempts THEN j.attempts + 1 ELSE j.max_attempts END
  FROM picked p
  WHERE j.queue = $1 AND j.id = p.id
  RETURNING j.id, j.group_name, j.position
),
group_joins AS (
  INSERT INTO {{schema}}.flow_groups AS g (queue, group_name, turn)
  SELECT $1, r.group_name, r.position
  FROM (
    SELECT group_name, min(position) AS position FROM moved
    WHERE group_name IS NOT NULL AND position IS NOT NULL GROUP BY group_name
  ) AS r,
    LATERAL (SELECT pg_advisory_xact_lock(hashtextextended({{channel}} || ' flow ' || $1, 0))) AS queue_lock
  ON CONFLICT (queue, group_name) DO UPDATE SET turn = excluded.turn
  WHERE g.turn IS NULL OR NOT {{schema}}.flow_group_has_ready(g.queue, g.group_name)
),
wake_ups AS (
  SELECT pg_notify({{channel}}, 'w ' || $1) WHERE EXISTS (SELECT 1 FROM moved)
)
SELECT (SELECT count(*) FROM moved)::integer AS moved, (SELECT count(*) FROM wake_ups) AS wake_ups;
