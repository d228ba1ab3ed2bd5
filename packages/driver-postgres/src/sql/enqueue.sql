-- Stores a batch of new jobs in one statement (one transaction), skipping
-- any whose id or idempotency key its queue already holds, and sends one
-- wake-up per queue that got a job. Ready jobs take the next positions of
-- the ready order, in input order.
-- $1..$9, $11..$15: the jobs' columns as arrays (one element per job, in input
-- order; priority null for 0, meta as JSON text, null for none); $10: now. A queue that gets a priority or a
-- group is marked as using flow control, and a group that gets a ready job
-- while out of the turn order joins its tail (its place: the job's position).
WITH input AS (
  SELECT *
  FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bigint[], $6::bigint[], $7::bigint[], $8::integer[], $9::text[],
      $11::text[], $12::bigint[], $13::integer[], $14::text[], $15::text[])
    WITH ORDINALITY AS i(queue, id, type, payload, run_at, timeout_ms, created_at, max_attempts, idempotency_key,
      schedule, scheduled_for, priority, group_name, meta, ord)
),
known_queues AS (
  INSERT INTO {{schema}}.queues (name, flow)
  SELECT queue, bool_or(priority IS NOT NULL OR group_name IS NOT NULL) FROM input GROUP BY queue
  ON CONFLICT (name) DO NOTHING
),
flow_marked AS (
  UPDATE {{schema}}.queues SET flow = true
  WHERE name IN (SELECT queue FROM input WHERE priority IS NOT NULL OR group_name IS NOT NULL) AND NOT flow
),
inserted AS (
  INSERT INTO {{schema}}.jobs (queue, id, type, payload, run_at, timeout_ms, created_at, max_attempts, idempotency_key,
    schedule, scheduled_for, priority, group_name, meta, status, position)
  SELECT queue, id, type, payload, run_at, timeout_ms, created_at, max_attempts, idempotency_key, schedule, scheduled_for,
    priority, group_name, meta,
    CASE WHEN run_at IS NULL OR run_at <= $10::bigint THEN 'ready' ELSE 'scheduled' END,
    CASE WHEN run_at IS NULL OR run_at <= $10::bigint THEN nextval('{{schema}}.ready_position') END
  FROM input
  ORDER BY ord
  ON CONFLICT DO NOTHING
  RETURNING queue, id, group_name, position
),
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
wake_ups AS (
  SELECT pg_notify({{channel}}, 'w ' || queue) FROM (SELECT DISTINCT queue FROM inserted) AS woken
)
-- The job that holds the id or key is looked up only for a record that was
-- not inserted, one index probe each: a join against the table would let the
-- planner read the whole table for every batch.
SELECT i.ord,
  ins.id IS NOT NULL AS inserted,
  CASE WHEN ins.id IS NULL THEN coalesce(
    (SELECT j.id FROM {{schema}}.jobs j WHERE j.queue = i.queue AND j.id = i.id),
    (SELECT j.id FROM {{schema}}.jobs j WHERE j.queue = i.queue AND j.idempotency_key = i.idempotency_key)
  ) END AS existing_id,
  (SELECT count(*) FROM wake_ups) AS wake_ups
FROM input i
LEFT JOIN inserted ins ON ins.queue = i.queue AND ins.id = i.id
ORDER BY i.ord;
