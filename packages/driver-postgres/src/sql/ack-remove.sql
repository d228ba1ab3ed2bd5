-- The ack for queues whose done retention keeps no finished job
-- (maxDoneCount 0), without flow control: each job whose token is current
-- and whose lease has not expired at now $4 is deleted (done, or cancelled
-- when a cancel was requested: both fall past a count of 0 at once, and a
-- result is not kept). $1, $2, $3: the leases' queues, ids and tokens, one
-- element per lease; $5: the minute of now (metricsMinute). The answer is
-- ack.sql's: every lease's state before the statement, and
-- `retention_more` when a queue still holds finished jobs from before (the
-- caller trims them, as after an ack whose retention step came back full).
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS i(queue, id, token, ord)
),
{{include ack-before}},
removed AS (
  DELETE FROM {{schema}}.jobs j
  USING before b
  WHERE b.valid AND j.queue = b.queue AND j.id = b.id
    AND (j.status = 'inflight' AND j.lease_token = b.token AND j.lease_expires_at > $4::bigint) IS TRUE
  RETURNING b.ord, j.queue, j.id, b.final_status AS new_status, j.watched
),
finish_notices AS (
  SELECT pg_notify({{channel}}, 'f ' || queue || ' ' || id) FROM removed WHERE watched
),
-- Throughput, as in ack.sql: the runs completed, per queue, in queue order.
counted AS (
  INSERT INTO {{schema}}.metrics AS m (queue, minute, shard, completed)
  SELECT queue, $5::bigint, pg_backend_pid() % 16, count(*)
  FROM removed
  WHERE new_status = 'done'
  GROUP BY queue
  ORDER BY queue
  ON CONFLICT (queue, minute, shard) DO UPDATE SET completed = m.completed + excluded.completed
)
SELECT b.ord, b.status, b.lease_token, b.lease_expires_at, r.ord IS NOT NULL AS changed, r.new_status, $4::bigint AS decided_at,
  (SELECT count(*) FROM finish_notices) AS finish_notices,
  EXISTS (
    SELECT 1 FROM (SELECT DISTINCT queue FROM removed) AS q
    WHERE EXISTS (
      SELECT 1 FROM {{schema}}.jobs f
      WHERE f.queue = q.queue AND f.status IN ('done', 'cancelled') AND f.ended_at IS NOT NULL
    )
  ) AS retention_more
FROM before b LEFT JOIN removed r ON r.ord = b.ord
ORDER BY b.ord;
