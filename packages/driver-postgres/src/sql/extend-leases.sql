-- Extends a batch of leases to now $4 + $5 ms: each job whose token is
-- current and whose lease has not expired. $1, $2, $3: the leases' queues,
-- ids and tokens. Returns every lease's state before the statement, the
-- new expiry of each extended one and whether a cancel was requested.
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS i(queue, id, token, ord)
),
-- Each lease is read by its primary key: LATERAL with LIMIT keeps the
-- planner from hashing the whole table instead. The writes below check the
-- lease in one clause that names both sides (... IS TRUE): a check of the
-- status alone would fit jobs_inflight, whose range also holds, until
-- VACUUM, an entry for every lease taken in the last leaseMs and since
-- finished, and would make the table side look a few rows small enough to
-- scan once per lease. So a write finds each job by its primary key (or,
-- in a table small enough, by one hash of it).
before AS (
  SELECT i.ord, j.status, j.lease_token, j.lease_expires_at
  FROM input i LEFT JOIN LATERAL (
    SELECT status, lease_token, lease_expires_at FROM {{schema}}.jobs
    WHERE queue = i.queue AND id = i.id
    LIMIT 1
  ) AS j ON true
),
extended AS (
  UPDATE {{schema}}.jobs j SET lease_expires_at = $4::bigint + $5::bigint
  FROM input i
  WHERE j.queue = i.queue AND j.id = i.id 
    AND (j.status = 'inflight' AND j.lease_token = i.token AND j.lease_expires_at > $4::bigint) IS TRUE
  RETURNING i.ord, j.lease_expires_at AS new_expires_at, j.cancel_requested_at IS NOT NULL AS cancel_requested
)
SELECT b.ord, b.status, b.lease_token, b.lease_expires_at, e.ord IS NOT NULL AS changed, e.new_expires_at, e.cancel_requested,
  $4::bigint AS decided_at
FROM before b LEFT JOIN extended e ON e.ord = b.ord
ORDER BY b.ord;
