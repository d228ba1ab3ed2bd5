-- Retention: deletes at most $6 jobs of queue $1 in finished status $2
-- (done, cancelled or dlq), those beyond the newest $3 (null: no count
-- rule) and those that finished before now $5 minus $4 ms (null: no age
-- rule). Removed jobs take their idempotency mapping with them (it is a
-- column of the row).
WITH over_count AS (
  SELECT id FROM {{schema}}.jobs
  WHERE queue = $1 AND status = $2 AND ended_at IS NOT NULL AND $3::bigint IS NOT NULL
  ORDER BY ended_at DESC, id DESC
  OFFSET coalesce($3::bigint, 0)
  LIMIT $6
),
too_old AS (
  SELECT id FROM {{schema}}.jobs
  WHERE queue = $1 AND status = $2 AND ended_at IS NOT NULL AND $4::bigint IS NOT NULL
    AND ended_at < $5::bigint - $4::bigint
  ORDER BY ended_at, id
  LIMIT $6
),
removed AS (
  DELETE FROM {{schema}}.jobs
  WHERE queue = $1 AND id IN (SELECT id FROM over_count UNION SELECT id FROM too_old)
  RETURNING id, watched
),
finish_notices AS (
  SELECT pg_notify({{channel}}, 'f ' || $1 || ' ' || id) FROM removed WHERE watched
)
SELECT count(*)::integer AS removed, (SELECT count(*) FROM finish_notices) AS finish_notices FROM removed;
