-- Replaces the limits of queue $1 (recording the queue if it is new):
-- $2 concurrency, $3 rate max, $4 rate window ms (null: no limit). The
-- queue takes the flow path of reserve from now on. A cleared rate drops
-- its start log. The workers are woken (a raised limit may free work).
WITH stored AS (
  INSERT INTO {{schema}}.queues AS q (name, flow, concurrency, rate_max, rate_per_ms, wake_on_free)
  VALUES ($1, true, $2::integer, $3::integer, $4::bigint, $2::integer IS NOT NULL)
  ON CONFLICT (name) DO UPDATE SET
    flow = true,
    concurrency = excluded.concurrency,
    rate_max = excluded.rate_max,
    rate_per_ms = excluded.rate_per_ms,
    wake_on_free = excluded.concurrency IS NOT NULL OR q.group_concurrency IS NOT NULL
      OR EXISTS (SELECT 1 FROM {{schema}}.flow_groups g WHERE g.queue = $1 AND g.concurrency IS NOT NULL)
  RETURNING name
),
dropped_starts AS (
  DELETE FROM {{schema}}.flow_starts WHERE queue = $1 AND scope = '{queue}' AND $3::integer IS NULL
),
wake_ups AS (
  SELECT pg_notify({{channel}}, 'w ' || name) FROM stored
)
SELECT (SELECT count(*) FROM wake_ups) AS wake_ups;
