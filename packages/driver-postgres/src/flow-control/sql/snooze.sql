-- Ends the run of job $1/$2 under token $3 at now $4 without counting a
-- failure: attempts stay, snoozes goes up, and the job waits until $5
-- (scheduled; ready at the tail of its priority when $6, that is when $5
-- is at or before the caller's now), or it is cancelled when a cancel was
-- requested. A grouped job made ready joins its group to the turn order's
-- tail if the group is out of it. The workers are woken (the job may be
-- ready, and its concurrency slot is free).
WITH before AS (
  SELECT status, lease_token, lease_expires_at FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
snoozed AS (
  UPDATE {{schema}}.jobs SET
    snoozes = CASE WHEN cancel_requested_at IS NULL THEN coalesce(snoozes, 0) + 1 ELSE snoozes END,
    status = CASE
      WHEN cancel_requested_at IS NOT NULL THEN 'cancelled'
      WHEN $6::boolean THEN 'ready'
      ELSE 'scheduled' END,
    position = CASE WHEN cancel_requested_at IS NULL AND $6::boolean THEN nextval('{{schema}}.ready_position') END,
    run_at = CASE WHEN cancel_requested_at IS NULL THEN $5::bigint ELSE run_at END,
    lease_token = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE lease_token END,
    lease_expires_at = NULL,
    cancelled_at = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE $4::bigint END,
    ended_at = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE $4::bigint END
  WHERE queue = $1 AND id = $2 AND status = 'inflight' AND lease_token = $3 AND lease_expires_at > $4::bigint
  RETURNING status AS new_status, watched, group_name, position
),
group_join AS (
  INSERT INTO {{schema}}.flow_groups AS g (queue, group_name, turn)
  SELECT $1, r.group_name, r.position
  FROM (SELECT group_name, position FROM snoozed WHERE group_name IS NOT NULL AND new_status = 'ready') AS r,
    LATERAL (SELECT pg_advisory_xact_lock(hashtextextended({{channel}} || ' flow ' || $1, 0))) AS queue_lock
  ON CONFLICT (queue, group_name) DO UPDATE SET turn = excluded.turn
  WHERE g.turn IS NULL OR NOT {{schema}}.flow_group_has_ready(g.queue, g.group_name)
),
notices AS (
  SELECT pg_notify({{channel}}, 'w ' || $1) FROM snoozed
  UNION ALL
  SELECT pg_notify({{channel}}, 'f ' || $1 || ' ' || $2) FROM snoozed WHERE new_status = 'cancelled' AND watched
)
SELECT b.status, b.lease_token, b.lease_expires_at, s.new_status IS NOT NULL AS changed, s.new_status, $4::bigint AS decided_at,
  (SELECT count(*) FROM notices) AS notices
FROM (SELECT 1) AS one LEFT JOIN before b ON true LEFT JOIN snoozed s ON true;
