-- Retention of the throughput counts: deletes at most $2 rows of the
-- minutes before $1 (the minute METRICS_RETENTION_MS before the sweep's
-- now), oldest first. Rows a concurrent sweep holds are skipped: it
-- deletes them.
WITH old AS (
  SELECT queue, minute, shard FROM {{schema}}.metrics
  WHERE minute < $1::bigint
  ORDER BY minute
  LIMIT $2
  FOR UPDATE SKIP LOCKED
),
removed AS (
  DELETE FROM {{schema}}.metrics m USING old o
  WHERE m.queue = o.queue AND m.minute = o.minute AND m.shard = o.shard
  RETURNING 1
)
SELECT count(*)::integer AS removed FROM removed;
