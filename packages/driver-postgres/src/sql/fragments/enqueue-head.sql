-- The batch as rows (input), its new queues recorded and the queues that get
-- a priority or a group marked as using flow control.
input AS (
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
