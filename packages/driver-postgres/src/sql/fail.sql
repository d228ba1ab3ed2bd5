-- Records a failure of the job $1/$2 under token $3 at now $4 and
-- dead-letters it with reason $8 (cancelled instead when a cancel was
-- requested); the token stays as the last one. $5: attempts, $6: lastError
-- (already cut), $7: failedAt, $9: error history size, $10: the minute of
-- now (metricsMinute). In a queue with a concurrency limit and ready work,
-- the freed slot wakes the workers.
WITH before AS (
  SELECT status, lease_token, lease_expires_at FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
failed AS (
  UPDATE {{schema}}.jobs SET
    attempts = $5::integer,
    last_error = $6::text,
    failed_at = $7::bigint,
    errors = {{schema}}.append_error(errors,
      jsonb_build_object('attempt', $5::integer, 'message', coalesce($6::text, ''), 'at', $7::bigint), $9::integer),
    status = CASE WHEN cancel_requested_at IS NULL THEN 'dlq' ELSE 'cancelled' END,
    dlq_reason = CASE WHEN cancel_requested_at IS NULL THEN $8::text END,
    dlq_failed_at = CASE WHEN cancel_requested_at IS NULL THEN $4::bigint END,
    cancelled_at = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE $4::bigint END,
    ended_at = $4::bigint,
    lease_expires_at = NULL
  WHERE queue = $1 AND id = $2 AND status = 'inflight' AND lease_token = $3 AND lease_expires_at > $4::bigint
  RETURNING status AS new_status, watched
),
-- Throughput: one failed run in the minute $10 (this connection's shard),
-- also dead unless a cancel request made it cancelled.
counted AS (
  INSERT INTO {{schema}}.metrics AS m (queue, minute, shard, failed, dead)
  SELECT $1, $10::bigint, pg_backend_pid() % 16, 1, CASE WHEN new_status = 'dlq' THEN 1 ELSE 0 END FROM failed
  ON CONFLICT (queue, minute, shard) DO UPDATE SET failed = m.failed + 1, dead = m.dead + excluded.dead
),
finish_notices AS (
  SELECT pg_notify({{channel}}, 'f ' || $1 || ' ' || $2) FROM failed WHERE watched
),
flow_wakes AS (
  SELECT pg_notify({{channel}}, 'w ' || $1) FROM {{schema}}.queues q
  WHERE q.name = $1 AND q.wake_on_free AND EXISTS (SELECT 1 FROM failed)
    AND {{schema}}.queue_has_ready($1)
)
SELECT b.status, b.lease_token, b.lease_expires_at, f.new_status IS NOT NULL AS changed, f.new_status, $4::bigint AS decided_at,
  (SELECT count(*) FROM finish_notices) AS finish_notices, (SELECT count(*) FROM flow_wakes) AS flow_wakes
FROM (SELECT 1) AS one LEFT JOIN before b ON true LEFT JOIN failed f ON true;
