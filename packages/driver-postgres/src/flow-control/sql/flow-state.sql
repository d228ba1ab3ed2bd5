-- The limits, group defaults and hold of queue $1 (no row for an unknown queue).
SELECT concurrency, rate_max, rate_per_ms, group_concurrency, group_rate_max, group_rate_per_ms, held_until
FROM {{schema}}.queues WHERE name = $1;
