-- Group $2 of queue $1: the queue's group defaults, the group's override,
-- pause flag and hold, and its jobs in flight (leases not yet reclaimed).
SELECT q.group_concurrency, q.group_rate_max, q.group_rate_per_ms,
  g.concurrency, g.rate_max, g.rate_per_ms, coalesce(g.paused, false) AS paused, g.held_until,
  (SELECT count(*) FROM {{schema}}.jobs j WHERE j.queue = $1 AND j.status = 'inflight' AND j.group_name = $2)::integer AS inflight
FROM (SELECT 1) AS one
LEFT JOIN {{schema}}.queues q ON q.name = $1
LEFT JOIN {{schema}}.flow_groups g ON g.queue = $1 AND g.group_name = $2;
