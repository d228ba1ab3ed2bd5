-- One bounded step of purge: deletes at most $6 jobs of queue $1 in status
-- $2, of type $3 when given, and with $4 (olderThanMs) only those that
-- reached the status more than $4 ms before now $5 (finish, failure or
-- cancel time; createdAt for ready and scheduled). Oldest first, except
-- that ready jobs with a priority or group go after the others, in the
-- flow order; scheduled jobs by run time. Each part is an index range
-- (jobs_ready, jobs_ready_flow, jobs_scheduled, jobs_finished).
WITH plain_ready AS (
  SELECT id FROM {{schema}}.jobs
  WHERE queue = $1 AND $2::text = 'ready' AND status = 'ready' AND priority IS NULL AND group_name IS NULL
    AND ($3::text IS NULL OR type = $3::text)
    AND ($4::bigint IS NULL OR $5::bigint - created_at > $4::bigint)
  ORDER BY position
  LIMIT $6
  FOR UPDATE SKIP LOCKED
),
flow_ready AS (
  SELECT id FROM {{schema}}.jobs
  WHERE queue = $1 AND $2::text = 'ready' AND status = 'ready' AND (priority IS NOT NULL OR group_name IS NOT NULL)
    AND ($3::text IS NULL OR type = $3::text)
    AND ($4::bigint IS NULL OR $5::bigint - created_at > $4::bigint)
  ORDER BY coalesce(group_name, ''), coalesce(priority, 0), position
  LIMIT $6 - (SELECT count(*) FROM plain_ready)
  FOR UPDATE SKIP LOCKED
),
scheduled_jobs AS (
  SELECT id FROM {{schema}}.jobs
  WHERE queue = $1 AND $2::text = 'scheduled' AND status = 'scheduled'
    AND ($3::text IS NULL OR type = $3::text)
    AND ($4::bigint IS NULL OR $5::bigint - created_at > $4::bigint)
  ORDER BY run_at, id
  LIMIT $6
  FOR UPDATE SKIP LOCKED
),
-- A finished job always has ended_at (the key of jobs_finished).
finished_jobs AS (
  SELECT id FROM {{schema}}.jobs
  WHERE queue = $1 AND $2::text IN ('done', 'dlq', 'cancelled') AND status = $2::text AND ended_at IS NOT NULL
    AND ($3::text IS NULL OR type = $3::text)
    AND ($4::bigint IS NULL OR $5::bigint - ended_at > $4::bigint)
  ORDER BY ended_at, id
  LIMIT $6
  FOR UPDATE SKIP LOCKED
),
picked AS (
  SELECT id FROM plain_ready UNION ALL SELECT id FROM flow_ready UNION ALL SELECT id FROM scheduled_jobs UNION ALL SELECT id FROM finished_jobs
),
removed AS (
  DELETE FROM {{schema}}.jobs j USING picked p
  WHERE j.queue = $1 AND j.id = p.id
  RETURNING j.id, j.watched
),
finish_notices AS (
  SELECT pg_notify({{channel}}, 'f ' || $1 || ' ' || id) FROM removed WHERE watched
)
SELECT count(*)::integer AS removed, (SELECT count(*) FROM finish_notices) AS finish_notices FROM removed;
