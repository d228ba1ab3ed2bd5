-- Records a failure of the job $1/$2 under token $3 at now $4 and puts it
-- back: ready tail when $11 (runAt $8 is unset or due at the caller's
-- now), else scheduled; cancelled when a cancel was requested. $5:
-- attempts, $6: lastError (already cut), $7: failedAt, $9: error history
-- size, $10: the minute of now (metricsMinute). A grouped job made ready joins its group to the tail of
-- the turn order if the group is out of it.
WITH before AS (
  SELECT status, lease_token, lease_expires_at FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
retried AS (
  UPDATE {{schema}}.jobs SET
    attempts = $5::integer,
    last_error = $6::text,
    failed_at = $7::bigint,
    errors = {{schema}}.append_error(errors,
      jsonb_build_object('attempt', $5::integer, 'message', coalesce($6::text, ''), 'at', $7::bigint), $9::integer),
    status = CASE
      WHEN cancel_requested_at IS NOT NULL THEN 'cancelled'
      WHEN $11::boolean THEN 'ready'
      ELSE 'scheduled' END,
    position = CASE
      WHEN cancel_requested_at IS NULL AND $11::boolean
      THEN nextval('{{schema}}.ready_position') END,
    run_at = CASE WHEN cancel_requested_at IS NULL THEN $8::bigint ELSE run_at END,
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
  FROM (SELECT group_name, position FROM retried WHERE group_name IS NOT NULL AND new_status = 'ready') AS r,
    LATERAL (SELECT pg_advisory_xact_lock(hashtextextended({{channel}} || ' flow ' || $1, 0))) AS queue_lock
  ON CONFLICT (queue, group_name) DO UPDATE SET turn = excluded.turn
  WHERE g.turn IS NULL OR NOT {{schema}}.flow_group_has_ready(g.queue, g.group_name)
),
-- Throughput: one failed run in the minute $10 (this connection's shard).
counted AS (
  INSERT INTO {{schema}}.metrics AS m (queue, minute, shard, failed)
  SELECT $1, $10::bigint, pg_backend_pid() % 16, 1 FROM retried
  ON CONFLICT (queue, minute, shard) DO UPDATE SET failed = m.failed + 1
),
notices AS (
  SELECT pg_notify({{channel}}, CASE WHEN new_status = 'cancelled' THEN 'f ' || $1 || ' ' || $2 ELSE 'w ' || $1 END)
  FROM retried WHERE new_status <> 'cancelled' OR watched
)
SELECT b.status, b.lease_token, b.lease_expires_at, r.new_status IS NOT NULL AS changed, r.new_status, $4::bigint AS decided_at,
  (SELECT count(*) FROM notices) AS notices
FROM (SELECT 1) AS one LEFT JOIN before b ON true LEFT JOIN retried r ON true;
