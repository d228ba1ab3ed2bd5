-- Stores a batch of new jobs in one statement (one transaction), skipping
-- any whose id or idempotency key its queue already holds, and sends one
-- wake-up per queue that got a job. Ready jobs take the next positions of
-- the ready order, in input order.
-- $1..$9, $11..$15: the jobs' columns as arrays (one element per job, in input
-- order; priority null for 0, meta as JSON text, null for none); $10: now. A queue that gets a priority or a
-- group is marked as using flow control, and a group that gets a ready job
-- while out of the turn order joins its tail (its place: the job's position).
-- enqueue-plain.sql is the same without the conflict handling, for batches
-- without idempotency keys; this one is their fallback.
WITH
{{include enqueue-head}}
inserted AS (
{{include enqueue-insert}}
  ON CONFLICT DO NOTHING
  RETURNING queue, id, group_name, position
),
{{include enqueue-wake}}
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
