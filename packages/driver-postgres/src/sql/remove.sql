-- Deletes the job $1/$2 unless it is in flight; its idempotency mapping is
-- a column of the row and goes with it. Waiters of waitForFinish hear it.
WITH before AS (
  SELECT status FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
removed AS (
  DELETE FROM {{schema}}.jobs WHERE queue = $1 AND id = $2 AND status <> 'inflight'
  RETURNING watched
),
finish_notices AS (
  SELECT pg_notify({{channel}}, 'f ' || $1 || ' ' || $2) FROM removed WHERE watched
)
SELECT b.status, EXISTS (SELECT 1 FROM removed) AS removed, (SELECT count(*) FROM finish_notices) AS finish_notices
FROM (SELECT 1) AS one LEFT JOIN before b ON true;
