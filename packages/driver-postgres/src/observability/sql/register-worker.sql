-- Adds or replaces worker $1's entry ($2: the rest of its info as JSON,
-- $3: startedAt, $4: now, stored as last_seen_at, $5: expires_at) and, in
-- the same statement, deletes at most $6 other entries that expired at or
-- before now, oldest first. Entries a concurrent registration is deleting
-- are skipped.
WITH expired AS (
  SELECT id FROM {{schema}}.workers
  WHERE expires_at <= $4::bigint AND id <> $1
  ORDER BY expires_at
  LIMIT $6
  FOR UPDATE SKIP LOCKED
),
removed AS (
  DELETE FROM {{schema}}.workers w USING expired e WHERE w.id = e.id
  RETURNING 1
),
stored AS (
  INSERT INTO {{schema}}.workers AS w (id, info, started_at, last_seen_at, expires_at)
  VALUES ($1, $2::jsonb, $3::bigint, $4::bigint, $5::bigint)
  ON CONFLICT (id) DO UPDATE SET
    info = excluded.info,
    started_at = excluded.started_at,
    last_seen_at = excluded.last_seen_at,
    expires_at = excluded.expires_at
  RETURNING 1
)
SELECT (SELECT count(*) FROM removed)::integer AS removed, (SELECT count(*) FROM stored)::integer AS stored;
