-- Deletes the job $1/$2 if its status is one of $3 (with its idempotency
-- mapping, a column of the row): a schedule's pending occurrence that still
-- waits, or the held one an advance drops. Waiters of waitForFinish hear it.
WITH removed AS (
  DELETE FROM {{schema}}.jobs WHERE queue = $1 AND id = $2 AND status = ANY ($3::text[])
  RETURNING watched
),
finish_notices AS (
  SELECT pg_notify({{channel}}, 'f ' || $1 || ' ' || $2) FROM removed WHERE watched
)
SELECT EXISTS (SELECT 1 FROM removed) AS removed, (SELECT count(*) FROM finish_notices) AS finish_notices;
