-- Stores the pause flag $3 of group $2 in queue $1; the queue takes the
-- flow path of reserve from now on. A resume wakes the queue's workers.
WITH queue_row AS (
  INSERT INTO {{schema}}.queues AS q (name, flow) VALUES ($1, true)
  ON CONFLICT (name) DO UPDATE SET flow = true WHERE NOT q.flow
),
stored AS (
  INSERT INTO {{schema}}.flow_groups AS g (queue, group_name, paused) VALUES ($1, $2, $3::boolean)
  ON CONFLICT (queue, group_name) DO UPDATE SET paused = excluded.paused
  RETURNING paused
),
wake_ups AS (
  SELECT pg_notify({{channel}}, 'w ' || $1) FROM stored WHERE NOT paused
)
SELECT (SELECT count(*) FROM wake_ups) AS wake_ups;
