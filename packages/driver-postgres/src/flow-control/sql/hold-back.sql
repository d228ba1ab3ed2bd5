-- A handler said job $1/$2 (token $3, now $4) was rate limited: the job goes
-- back to the head of its priority without counting a failure (cancelled
-- instead when a cancel was requested), and its group, or its queue when it
-- has no group, is held until $5; a later hold already stored stays. A
-- grouped job's group out of the turn order joins its tail. The workers are
-- woken (the concurrency slot is free).
WITH before AS (
  SELECT status, lease_token, lease_expires_at FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
held AS (
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
group_hold AS (
  INSERT INTO {{schema}}.flow_groups AS g (queue, group_name, turn, held_until)
  SELECT $1, r.group_name, CASE WHEN r.new_status = 'ready' THEN nextval('{{schema}}.ready_position') END, $5::bigint
  FROM (SELECT group_name, new_status FROM held WHERE group_name IS NOT NULL) AS r,
    LATERAL (SELECT pg_advisory_xact_lock(hashtextextended({{channel}} || ' flow ' || $1, 0))) AS queue_lock
  ON CONFLICT (queue, group_name) DO UPDATE SET
    held_until = greatest(g.held_until, excluded.held_until),
    turn = CASE WHEN g.turn IS NULL OR NOT {{schema}}.flow_group_has_ready(g.queue, g.group_name) THEN excluded.turn ELSE g.turn END
),
queue_hold AS (
  UPDATE {{schema}}.queues SET held_until = greatest(held_until, $5::bigint), flow = true
  WHERE name = $1 AND EXISTS (SELECT 1 FROM held WHERE group_name IS NULL)
),
notices AS (
  SELECT pg_notify({{channel}}, 'w ' || $1) FROM held
  UNION ALL
  SELECT pg_notify({{channel}}, 'f ' || $1 || ' ' || $2) FROM held WHERE new_status = 'cancelled' AND watched
)
SELECT b.status, b.lease_token, b.lease_expires_at, h.new_status IS NOT NULL AS changed, h.new_status, $4::bigint AS decided_at,
  (SELECT count(*) FROM notices) AS notices
FROM (SELECT 1) AS one LEFT JOIN before b ON true LEFT JOIN held h ON true;
