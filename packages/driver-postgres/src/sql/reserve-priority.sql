-- reserve for a queue that uses flow control but needs nothing of it beyond
-- priorities (queues.flow set, and no group, no queue or group limit and no
-- current queue hold: read in this statement's snapshot), in one statement
-- without the queue's flow lock, like the plain reserve: due scheduled jobs
-- and expired leases (at most $5 of each) join the ready order in time
-- order, an expired lease with a cancel request finishes as cancelled, and
-- up to $3 jobs are leased by (priority, position). Rows another reserve
-- holds are skipped, never waited for. A paused queue does nothing and
-- reports no next due time. A queue that needs more (a group, a limit, a
-- hold) is left alone: the answer says so (locked) and the driver runs
-- reserve-flow.sql instead. $1 queue, $2 now, $3 limit, $4 lease ms.
--
-- The jobs without a group are ordered by (priority, position) across two
-- indexes: priority 0 (stored as null) in jobs_ready, the others in
-- jobs_ready_flow under the group ''. The head is read as three ordered
-- ranges, each locked only up to what the ranges before it left of $3:
-- priorities below 0, then 0, then above, so no row is locked that the
-- answer does not lease (except when due jobs join, which merge in by
-- their priority).
WITH
queue_row AS (
  SELECT paused, flow,
    concurrency IS NOT NULL OR rate_max IS NOT NULL OR group_concurrency IS NOT NULL OR group_rate_max IS NOT NULL
      OR (held_until IS NOT NULL AND held_until > $2::bigint)
      OR EXISTS (SELECT 1 FROM {{schema}}.flow_groups g WHERE g.queue = $1) AS locked
  FROM {{schema}}.queues WHERE name = $1
),
queue_flags AS (
  SELECT coalesce(paused, false) AS paused, coalesce(locked, true) AS locked, coalesce(flow, false) AS flow
  FROM (SELECT 1) AS one LEFT JOIN queue_row ON true
),
-- Nothing to do here: paused, or the locked path's work (a queue that is
-- not on the flow path at all is left to the plain statement the same way).
idle AS (
  SELECT paused OR locked OR NOT flow AS idle FROM queue_flags
),
{{include reserve-due}},
head_below AS (
  SELECT id, coalesce(priority, 0) AS prio, position FROM {{schema}}.jobs
  WHERE queue = $1 AND status = 'ready' AND (priority IS NOT NULL OR group_name IS NOT NULL)
    AND coalesce(group_name, '') = '' AND coalesce(priority, 0) < 0 AND NOT (SELECT idle FROM idle)
  ORDER BY coalesce(priority, 0), position
  LIMIT $3
  FOR UPDATE SKIP LOCKED
),
head_zero AS (
  SELECT id, 0 AS prio, position FROM {{schema}}.jobs
  WHERE queue = $1 AND status = 'ready' AND priority IS NULL AND group_name IS NULL AND NOT (SELECT idle FROM idle)
  ORDER BY position
  LIMIT greatest($3 - (SELECT count(*) FROM head_below), 0)
  FOR UPDATE SKIP LOCKED
),
head_above AS (
  SELECT id, coalesce(priority, 0) AS prio, position FROM {{schema}}.jobs
  WHERE queue = $1 AND status = 'ready' AND (priority IS NOT NULL OR group_name IS NOT NULL)
    AND coalesce(group_name, '') = '' AND coalesce(priority, 0) >= 0 AND NOT (SELECT idle FROM idle)
  ORDER BY coalesce(priority, 0), position
  LIMIT greatest($3 - (SELECT count(*) FROM head_below) - (SELECT count(*) FROM head_zero), 0)
  FOR UPDATE SKIP LOCKED
),
taken AS (
  SELECT id, reclaimed, row_number() OVER (ORDER BY prio, position) AS ord
  FROM (
    SELECT id, prio, position, false AS reclaimed FROM head_below
    UNION ALL
    SELECT id, prio, position, false FROM head_zero
    UNION ALL
    SELECT id, prio, position, false FROM head_above
    UNION ALL
    SELECT id, prio, position, reclaimed FROM due
    ORDER BY prio, position
    LIMIT $3
  ) AS head
),
{{include reserve-finish}}
SELECT l.*, n.at AS next_due_at, $2::bigint AS decided_at, (SELECT locked OR NOT flow FROM queue_flags) AS locked,
  (SELECT count(*) FROM made_ready) AS made_ready,
  (SELECT count(*) FROM finish_notices) AS finish_notices
FROM next_due n
LEFT JOIN leased l ON true
ORDER BY l.ord;
