-- The state before the statement of each lease's job, for the acks
-- (ack.sql, ack-remove.sql): the including statement defines `input` (one
-- row per lease: queue, id, token, ord, ...) and passes now as $4. `valid`:
-- the lease holds; `final_status`: what an ack makes of the job.
--
-- Each lease is read by its primary key: LATERAL with LIMIT keeps the
-- planner from hashing the whole table instead. The writes that follow
-- check the lease in one clause that names both sides (... IS TRUE): a
-- check of the status alone would fit jobs_inflight, whose range also
-- holds, until VACUUM, an entry for every lease taken in the last leaseMs
-- and since finished, and would make the table side look a few rows small
-- enough to scan once per lease. So a write finds each job by its primary
-- key (or, in a table small enough, by one hash of it).
before AS (
  SELECT i.*, j.status, j.lease_token, j.lease_expires_at,
    coalesce(j.status = 'inflight' AND j.lease_token = i.token AND j.lease_expires_at > $4::bigint, false) AS valid,
    CASE WHEN j.cancel_requested_at IS NULL THEN 'done' ELSE 'cancelled' END AS final_status
  FROM input i LEFT JOIN LATERAL (
    SELECT status, lease_token, lease_expires_at, cancel_requested_at FROM {{schema}}.jobs
    WHERE queue = i.queue AND id = i.id
    LIMIT 1
  ) AS j ON true
)
