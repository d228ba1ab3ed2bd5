-- Hands out up to $3 jobs of queue $1 at now $2 under leases of $4 ms, in one
-- statement: due scheduled jobs and expired leases (at most $5 of each,
-- earliest first) join the ready tail in time order, an expired lease with a
-- cancel request finishes as cancelled, and the head of the ready order is
-- leased. Rows another reserve holds are skipped, never waited for. A paused
-- queue does nothing and reports no next due time. A queue that uses flow
-- control (queues.flow, read in this statement's snapshot) is left alone
-- too: the answer says so and the driver runs reserve-flow.sql instead.
WITH
queue_flags AS (
  SELECT coalesce(paused, false) AS paused, coalesce(flow, false) AS flow
  FROM (SELECT 1) AS one LEFT JOIN {{schema}}.queues ON name = $1
),
-- Nothing to do here: paused, or a flow queue (left to the flow statements).
idle AS (
  SELECT paused OR flow AS idle FROM queue_flags
),
{{include reserve-due}},
ready_head AS (
  SELECT id, position FROM {{schema}}.jobs
  WHERE queue = $1 AND status = 'ready' AND priority IS NULL AND group_name IS NULL AND NOT (SELECT idle FROM idle)
  ORDER BY position
  LIMIT $3
  FOR UPDATE SKIP LOCKED
),
taken AS (
  SELECT id, reclaimed, row_number() OVER (ORDER BY position) AS ord
  FROM (
    SELECT id, position, false AS reclaimed FROM ready_head
    UNION ALL
    SELECT id, position, reclaimed FROM due
    ORDER BY position
    LIMIT $3
  ) AS head
),
{{include reserve-finish}}
SELECT l.*, n.at AS next_due_at, $2::bigint AS decided_at, (SELECT flow FROM queue_flags) AS flow,
  (SELECT count(*) FROM made_ready) AS made_ready,
  (SELECT count(*) FROM finish_notices) AS finish_notices
FROM next_due n
LEFT JOIN leased l ON true
ORDER BY l.ord;
