-- The number of jobs of queue $1 in each status, one row per status, and its
-- pause flag. Each status is counted through its own partial index (a
-- finished job always has ended_at, the key of jobs_finished), so a count
-- reads only the entries of that status.
SELECT s.status, s.jobs::integer AS jobs,
  coalesce((SELECT paused FROM {{schema}}.queues WHERE name = $1), false) AS paused
FROM (
  SELECT 'ready' AS status, (SELECT count(*) FROM {{schema}}.jobs WHERE queue = $1 AND status = 'ready') AS jobs
  UNION ALL
  SELECT 'scheduled', (SELECT count(*) FROM {{schema}}.jobs WHERE queue = $1 AND status = 'scheduled')
  UNION ALL
  SELECT 'inflight', (SELECT count(*) FROM {{schema}}.jobs WHERE queue = $1 AND status = 'inflight')
  UNION ALL
  SELECT 'done', (SELECT count(*) FROM {{schema}}.jobs WHERE queue = $1 AND status = 'done' AND ended_at IS NOT NULL)
  UNION ALL
  SELECT 'dlq', (SELECT count(*) FROM {{schema}}.jobs WHERE queue = $1 AND status = 'dlq' AND ended_at IS NOT NULL)
  UNION ALL
  SELECT 'cancelled', (SELECT count(*) FROM {{schema}}.jobs WHERE queue = $1 AND status = 'cancelled' AND ended_at IS NOT NULL)
) AS s;
