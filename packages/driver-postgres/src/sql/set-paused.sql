-- Stores the pause flag $2 of queue $1 (recording the queue if it is new);
-- a resume wakes the queue's workers.
WITH flag AS (
  INSERT INTO {{schema}}.queues (name, paused) VALUES ($1, $2::boolean)
  ON CONFLICT (name) DO UPDATE SET paused = excluded.paused
  RETURNING paused
),
wake_ups AS (
  SELECT pg_notify({{channel}}, 'w ' || $1) FROM flag WHERE NOT paused
)
SELECT (SELECT count(*) FROM wake_ups) AS wake_ups;
