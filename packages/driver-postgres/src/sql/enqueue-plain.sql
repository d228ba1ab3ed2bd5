-- Stores a batch of new jobs none of which has an idempotency key, as
-- enqueue.sql does (same parameters) but without its conflict handling: one
-- plain INSERT, so an id the queue already holds fails the whole statement
-- with unique_violation (23505) and nothing is changed; the driver then runs
-- enqueue.sql for the batch. Answers one row: how many jobs went in.
WITH
{{include enqueue-head}}
inserted AS (
{{include enqueue-insert}}
  RETURNING queue, id, group_name, position
),
{{include enqueue-wake}}
SELECT (SELECT count(*) FROM inserted)::integer AS inserted, (SELECT count(*) FROM wake_ups) AS wake_ups;
