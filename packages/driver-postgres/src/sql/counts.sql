-- The number of jobs of queue $1 in each status, and its pause flag (one
-- row with a null status when the queue holds no job).
SELECT j.status, count(j.id)::integer AS jobs,
  coalesce((SELECT paused FROM {{schema}}.queues WHERE name = $1), false) AS paused
FROM (SELECT 1) AS one
LEFT JOIN {{schema}}.jobs j ON j.queue = $1
GROUP BY j.status;
