-- Makes the scheduled job $1/$2 ready at the tail now, runAt cleared, and
-- wakes the queue's workers.
WITH before AS (
  SELECT status FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
promoted AS (
  UPDATE {{schema}}.jobs SET status = 'ready', run_at = NULL, position = nextval('{{schema}}.ready_position')
  WHERE queue = $1 AND id = $2 AND status = 'scheduled'
  RETURNING 1
),
wake_ups AS (
  SELECT pg_notify({{channel}}, 'w ' || $1) WHERE EXISTS (SELECT 1 FROM promoted)
)
SELECT b.status, EXISTS (SELECT 1 FROM promoted) AS promoted, (SELECT count(*) FROM wake_ups) AS wake_ups
FROM (SELECT 1) AS one LEFT JOIN before b ON true;
