-- Gives the job $1/$2 under token $3 back at now $4 without counting a
-- failure: ready at the head (a position below every waiting job's), or
-- cancelled when a cancel was requested. The head is that of the job's
-- priority (the flow order is priority, then position); a grouped job's
-- group out of the turn order joins its tail.
WITH before AS (
  SELECT status, lease_token, lease_expires_at FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
released AS (
  UPDATE {{schema}}.jobs SET
    status = CASE WHEN cancel_requested_at IS NULL THEN 'ready' ELSE 'cancelled' END,
    position = CASE WHEN cancel_requested_at IS NULL THEN nextval('{{schema}}.release_position') END,
    run_at = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE run_at END,
    lease_token = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE lease_token END,
    lease_expires_at = NULL,
    cancelled_at = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE $4::bigint END,
    ended_at = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE $4::bigint END
  WHERE queue = $1 AND id = $2 AND status = 'inflight' AND lease_token = $3 AND lease_expires_at > $4::bigint
  RETURNING status AS new_status, watched, group_name
),
group_join AS (
  INSERT INTO {{schema}}.flow_groups AS g (queue, group_name, turn)
  SELECT $1, r.group_name, nextval('{{schema}}.ready_position')
  FROM (SELECT group_name FROM released WHERE group_name IS NOT NULL AND new_status = 'ready') AS r,
    LATERAL (SELECT pg_advisory_xact_lock(hashtextextended({{channel}} || ' flow ' || $1, 0))) AS queue_lock
  ON CONFLICT (queue, group_name) DO UPDATE SET turn = excluded.turn
  WHERE g.turn IS NULL OR NOT {{schema}}.flow_group_has_ready(g.queue, g.group_name)
),
notices AS (
  SELECT pg_notify({{channel}}, CASE WHEN new_status = 'cancelled' THEN 'f ' || $1 || ' ' || $2 ELSE 'w ' || $1 END)
  FROM released WHERE new_status <> 'cancelled' OR watched
)
SELECT b.status, b.lease_token, b.lease_expires_at, r.new_status IS NOT NULL AS changed, r.new_status, $4::bigint AS decided_at,
  (SELECT count(*) FROM notices) AS notices
FROM (SELECT 1) AS one LEFT JOIN before b ON true LEFT JOIN released r ON true;
