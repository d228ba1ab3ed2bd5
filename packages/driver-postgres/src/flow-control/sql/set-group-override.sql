-- Replaces the override of group $2 in queue $1: $3 concurrency, $4 rate
-- max, $5 rate window ms (null: the default's). The queue takes the flow
-- path of reserve from now on; the workers are woken.
WITH queue_row AS (
  INSERT INTO {{schema}}.queues AS q (name, flow, wake_on_free) VALUES ($1, true, $3::integer IS NOT NULL)
  ON CONFLICT (name) DO UPDATE SET
    flow = true,
    wake_on_free = q.concurrency IS NOT NULL OR q.group_concurrency IS NOT NULL OR $3::integer IS NOT NULL
      OR EXISTS (SELECT 1 FROM {{schema}}.flow_groups g WHERE g.queue = $1 AND g.group_name <> $2 AND g.concurrency IS NOT NULL)
  RETURNING name
),
stored AS (
  INSERT INTO {{schema}}.flow_groups AS g (queue, group_name, concurrency, rate_max, rate_per_ms)
  VALUES ($1, $2, $3::integer, $4::integer, $5::bigint)
  ON CONFLICT (queue, group_name) DO UPDATE SET
    concurrency = excluded.concurrency,
    rate_max = excluded.rate_max,
    rate_per_ms = excluded.rate_per_ms
  RETURNING 1
),
wake_ups AS (
  SELECT pg_notify({{channel}}, 'w ' || name) FROM queue_row
)
SELECT (SELECT count(*) FROM wake_ups) AS wake_ups, (SELECT count(*) FROM stored) AS stored;
