-- A group's turn changes only under its queue's flow lock (the advisory
-- lock reserve_flow takes), so a reserve never decides a group is out of
-- work while a job of it is being stored, and the two never wait on each
-- other's rows in opposite orders.
join_locks AS (
  SELECT queue, pg_advisory_xact_lock(hashtextextended({{channel}} || ' flow ' || queue, 0)) AS locked
  FROM (SELECT DISTINCT queue FROM inserted WHERE group_name IS NOT NULL ORDER BY queue) AS grouped
),
group_joins AS (
  INSERT INTO {{schema}}.flow_groups AS g (queue, group_name, turn)
  SELECT i.queue, i.group_name, min(i.position)
  FROM inserted i JOIN join_locks l ON l.queue = i.queue
  WHERE i.group_name IS NOT NULL
  GROUP BY i.queue, i.group_name
  ORDER BY i.queue, i.group_name
  ON CONFLICT (queue, group_name) DO UPDATE SET turn = excluded.turn
  WHERE excluded.turn IS NOT NULL AND (g.turn IS NULL OR NOT {{schema}}.flow_group_has_ready(g.queue, g.group_name))
),
-- One wake-up per queue that got a job; a SELECT step runs only when read,
-- so the statement's answer counts it.
wake_ups AS (
  SELECT pg_notify({{channel}}, 'w ' || queue) FROM (SELECT DISTINCT queue FROM inserted) AS woken
)
