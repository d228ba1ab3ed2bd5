-- Makes the scheduled job $1/$2 ready at the tail now, runAt cleared, and
-- wakes the queue's workers; a grouped job's group joins the turn order's
-- tail if it is out of it.
WITH before AS (
  SELECT status FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
promoted AS (
  UPDATE {{schema}}.jobs SET status = 'ready', run_at = NULL, position = nextval('{{schema}}.ready_position')
  WHERE queue = $1 AND id = $2 AND status = 'scheduled'
  RETURNING group_name, position
),
group_join AS (
  INSERT INTO {{schema}}.flow_groups AS g (queue, group_name, turn)
  SELECT $1, r.group_name, r.position
  FROM (SELECT group_name, position FROM promoted WHERE group_name IS NOT NULL) AS r,
    LATERAL (SELECT pg_advisory_xact_lock(hashtextextended({{channel}} || ' flow ' || $1, 0))) AS queue_lock
  ON CONFLICT (queue, group_name) DO UPDATE SET turn = excluded.turn
  WHERE g.turn IS NULL OR NOT {{schema}}.flow_group_has_ready(g.queue, g.group_name)
),
wake_ups AS (
  SELECT pg_notify({{channel}}, 'w ' || $1) WHERE EXISTS (SELECT 1 FROM promoted)
)
SELECT b.status, EXISTS (SELECT 1 FROM promoted) AS promoted, (SELECT count(*) FROM wake_ups) AS wake_ups
FROM (SELECT 1) AS one LEFT JOIN before b ON true;
