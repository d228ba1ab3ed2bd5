-- Replaces the limits every group of queue $1 gets unless it has an
-- override: $2 concurrency, $3 rate max, $4 rate window ms (null: no
-- limit). The queue takes the flow path of reserve from now on; the
-- workers are woken.
WITH stored AS (
  INSERT INTO {{schema}}.queues AS q (name, flow, group_concurrency, group_rate_max, group_rate_per_ms, wake_on_free)
  VALUES ($1, true, $2::integer, $3::integer, $4::bigint, $2::integer IS NOT NULL)
  ON CONFLICT (name) DO UPDATE SET
    flow = true,
    group_concurrency = excluded.group_concurrency,
    group_rate_max = excluded.group_rate_max,
    group_rate_per_ms = excluded.group_rate_per_ms,
    wake_on_free = q.concurrency IS NOT NULL OR excluded.group_concurrency IS NOT NULL
      OR EXISTS (SELECT 1 FROM {{schema}}.flow_groups g WHERE g.queue = $1 AND g.concurrency IS NOT NULL)
  RETURNING name
),
wake_ups AS (
  SELECT pg_notify({{channel}}, 'w ' || name) FROM stored
)
SELECT (SELECT count(*) FROM wake_ups) AS wake_ups;
