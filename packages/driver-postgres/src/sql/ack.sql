-- Acks a batch of leases at now $4 and applies the done retention in the same
-- statement (one commit instead of two). Each job whose token is current and
-- whose lease has not expired becomes done (with its result), or cancelled
-- when a cancel was requested. $1, $2, $3, $5: the leases' queues, ids,
-- tokens and results, one element per lease. Retention per queue and final
-- status, as trim-finished.sql: $6 the most done (and cancelled) jobs kept
-- (null: no count rule), $7 the most age in ms (null: no age rule), $8 the
-- bound of rows one step removes; $9 the minute of now (metricsMinute).
-- The jobs this ack finishes count as the
-- newest (ended_at = now); one the count rule would remove at once is
-- deleted instead of updated. Every lease's state before the statement comes
-- back, so the caller can name the error of one that changed nothing, and
-- `retention_more` says a step bound was reached (the caller trims on).
-- The lines between the flow-control markers are kept only in the variant
-- the driver sends for queues that use flow control (ack.ts): in a queue
-- with a concurrency limit (queues.wake_on_free) and ready work, the freed
-- slots wake the workers. The plain variant is the statement without them.
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $5::bytea[]) WITH ORDINALITY AS i(queue, id, token, result, ord)
),
{{include ack-before}},
finishing AS (
  SELECT queue, final_status AS status, count(*) AS acking FROM before WHERE valid GROUP BY queue, final_status
),
-- The count rule ranks finished jobs newest first, by (ended_at, id), the
-- jobs this ack finishes among them with ended_at = now. Only the jobs past
-- the newest (count - acking) of the ones already finished can fall past the
-- count, so the scan skips those in the index (as trim-finished.sql does)
-- and ranks only the next (acking + step).
past_count_candidates AS (
  SELECT f.queue, f.status, f.acking, o.id, o.ended_at, greatest($6::bigint - f.acking, 0) + o.n AS old_rank
  FROM finishing f
  CROSS JOIN LATERAL (
    SELECT id, ended_at, row_number() OVER (ORDER BY ended_at DESC, id DESC) AS n
    FROM (
      SELECT id, ended_at FROM {{schema}}.jobs
      WHERE queue = f.queue AND status = f.status AND ended_at IS NOT NULL
      ORDER BY ended_at DESC, id DESC
      OFFSET greatest($6::bigint - f.acking, 0)
      LIMIT f.acking + $8::bigint
    ) AS page
  ) AS o
  WHERE $6::bigint IS NOT NULL
),
-- Finished jobs that ended at now or later (usually none), read once: a
-- lookup per job would also walk the index entries this statement's own
-- updates add.
ended_since AS MATERIALIZED (
  SELECT f.queue, f.status, o.ended_at, o.id
  FROM finishing f
  CROSS JOIN LATERAL (
    SELECT ended_at, id FROM {{schema}}.jobs
    WHERE queue = f.queue AND status = f.status AND ended_at >= $4::bigint
  ) AS o
  WHERE $6::bigint IS NOT NULL
),
-- Each lease with, for a job this ack finishes, whether the count rule
-- removes it at once: its place among the jobs this ack finishes (newest
-- first; all end at now, so by id), plus the finished ones that sort before
-- it (looked up only when its place among them does not decide it already).
decided AS (
  SELECT r.*,
    r.valid AND $6::bigint IS NOT NULL AND CASE WHEN r.place > $6::bigint THEN true ELSE r.place + (
      SELECT count(*) FROM ended_since e
      WHERE e.queue = r.queue AND e.status = r.final_status AND (e.ended_at, e.id) > ($4::bigint, r.id COLLATE "C")
    ) > $6::bigint END AS remove_now
  FROM (
    SELECT b.*, row_number() OVER (PARTITION BY b.valid, b.queue, b.final_status ORDER BY b.id COLLATE "C" DESC) AS place
    FROM before b
  ) AS r
),
-- An already finished job the count rule removes: its place among the
-- finished ones, plus the jobs this ack finishes that sort before it (all of
-- them when it ended before now).
over_count AS (
  SELECT c.queue, c.id
  FROM past_count_candidates c
  WHERE c.old_rank + CASE WHEN c.ended_at < $4::bigint THEN c.acking ELSE (
    SELECT count(*) FROM before b
    WHERE b.valid AND b.queue = c.queue AND b.final_status = c.status AND ($4::bigint, b.id COLLATE "C") > (c.ended_at, c.id)
  ) END > $6::bigint
),
too_old AS (
  SELECT f.queue, f.status, o.id
  FROM finishing f
  CROSS JOIN LATERAL (
    SELECT id FROM {{schema}}.jobs
    WHERE queue = f.queue AND status = f.status AND ended_at IS NOT NULL AND ended_at < $4::bigint - $7::bigint
    ORDER BY ended_at, id
    LIMIT $8::bigint
  ) AS o
  WHERE $7::bigint IS NOT NULL
),
acked AS (
  UPDATE {{schema}}.jobs j SET
    status = CASE WHEN j.cancel_requested_at IS NULL THEN 'done' ELSE 'cancelled' END,
    finished_at = CASE WHEN j.cancel_requested_at IS NULL THEN $4::bigint END,
    cancelled_at = CASE WHEN j.cancel_requested_at IS NULL THEN NULL ELSE $4::bigint END,
    result = CASE WHEN j.cancel_requested_at IS NULL THEN b.result END,
    ended_at = $4::bigint,
    lease_expires_at = NULL
  FROM decided b
  WHERE b.valid AND NOT b.remove_now AND j.queue = b.queue AND j.id = b.id 
    AND (j.status = 'inflight' AND j.lease_token = b.token AND j.lease_expires_at > $4::bigint) IS TRUE
  RETURNING b.ord, j.queue, j.id, j.status AS new_status, j.watched
),
-- Acked and, by the count rule, removed at once.
acked_removed AS (
  DELETE FROM {{schema}}.jobs j
  USING decided b
  WHERE b.remove_now AND j.queue = b.queue AND j.id = b.id 
    AND (j.status = 'inflight' AND j.lease_token = b.token AND j.lease_expires_at > $4::bigint) IS TRUE
  RETURNING b.ord, j.queue, j.id, b.final_status AS new_status, j.watched
),
-- Older finished jobs to remove. Rows a concurrent ack of the same queue is
-- already removing are skipped, not waited for: it removes them, and two acks
-- never wait on each other's rows (so never deadlock).
trim_locked AS MATERIALIZED (
  SELECT l.queue, l.id
  FROM (SELECT queue, id FROM over_count UNION SELECT queue, id FROM too_old) AS d
  CROSS JOIN LATERAL (
    SELECT queue, id FROM {{schema}}.jobs
    WHERE queue = d.queue AND id = d.id AND status IN ('done', 'cancelled')
    LIMIT 1
    FOR UPDATE SKIP LOCKED
  ) AS l
),
trimmed AS (
  DELETE FROM {{schema}}.jobs j
  USING trim_locked t
  WHERE j.queue = t.queue AND j.id = t.id
  RETURNING j.queue, j.id, j.watched
),
finish_notices AS (
  SELECT pg_notify({{channel}}, 'f ' || queue || ' ' || id)
  FROM (
    SELECT queue, id, watched FROM acked
    UNION ALL SELECT queue, id, watched FROM acked_removed
    UNION ALL SELECT queue, id, watched FROM trimmed
  ) AS finished
  WHERE watched
),
changes AS (
  SELECT ord, queue, new_status FROM acked UNION ALL SELECT ord, queue, new_status FROM acked_removed
),
-- Throughput: the runs this ack completed (not those it finished as
-- cancelled), added per queue to the minute $9 in this connection's shard,
-- in queue order so two acks that share a shard never wait on each other
-- in opposite orders.
counted AS (
  INSERT INTO {{schema}}.metrics AS m (queue, minute, shard, completed)
  SELECT queue, $9::bigint, pg_backend_pid() % 16, count(*)
  FROM changes
  WHERE new_status = 'done'
  GROUP BY queue
  ORDER BY queue
  ON CONFLICT (queue, minute, shard) DO UPDATE SET completed = m.completed + excluded.completed
)
-- flow-control:begin
, flow_wakes AS (
  SELECT pg_notify({{channel}}, 'w ' || q.name)
  FROM (SELECT DISTINCT queue FROM acked UNION SELECT queue FROM acked_removed) AS a
  JOIN {{schema}}.queues q ON q.name = a.queue
  WHERE q.wake_on_free AND {{schema}}.queue_has_ready(q.name)
)
-- flow-control:end
SELECT b.ord, b.status, b.lease_token, b.lease_expires_at, c.ord IS NOT NULL AS changed, c.new_status, $4::bigint AS decided_at,
  (SELECT count(*) FROM finish_notices) AS finish_notices,
-- flow-control:begin
  (SELECT count(*) FROM flow_wakes) AS flow_wakes,
-- flow-control:end
  EXISTS (
    SELECT 1 FROM finishing f
    WHERE (SELECT count(*) FROM past_count_candidates c WHERE c.queue = f.queue AND c.status = f.status) >= f.acking + $8::bigint
      OR (SELECT count(*) FROM too_old o WHERE o.queue = f.queue AND o.status = f.status) >= $8::bigint
  ) AS retention_more
FROM before b LEFT JOIN changes c ON c.ord = b.ord
ORDER BY b.ord;
