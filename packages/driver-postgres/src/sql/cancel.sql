-- Cancels the job $1/$2 at now $3 with reason $4: a ready or scheduled job
-- becomes cancelled at once; one in flight keeps running with a cancel
-- request (the first request's time and reason are kept), pushed to the
-- subscribeCancels listeners. Finished and unknown jobs are left alone;
-- the caller reads their status from `before`.
WITH before AS (
  SELECT status, cancel_requested_at FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
cancelled AS (
  UPDATE {{schema}}.jobs SET
    status = CASE WHEN status = 'inflight' THEN status ELSE 'cancelled' END,
    position = NULL,
    cancelled_at = CASE WHEN status = 'inflight' THEN NULL ELSE $3::bigint END,
    ended_at = CASE WHEN status = 'inflight' THEN NULL ELSE $3::bigint END,
    cancel_requested_at = CASE WHEN status = 'inflight' THEN coalesce(cancel_requested_at, $3::bigint) END,
    cancel_reason = CASE WHEN cancel_requested_at IS NULL THEN $4::text ELSE cancel_reason END
  WHERE queue = $1 AND id = $2 AND status IN ('ready', 'scheduled', 'inflight')
  RETURNING status AS new_status, watched
),
notices AS (
  SELECT pg_notify({{channel}}, CASE WHEN new_status = 'inflight' THEN 'c ' ELSE 'f ' END || $1 || ' ' || $2)
  FROM cancelled
  -- A second cancel of a running job keeps the first request and pushes nothing.
  WHERE (new_status = 'inflight' AND (SELECT cancel_requested_at FROM before) IS NULL) OR (new_status <> 'inflight' AND watched)
)
SELECT b.status, c.new_status, (SELECT count(*) FROM notices) AS notices
FROM (SELECT 1) AS one LEFT JOIN before b ON true LEFT JOIN cancelled c ON true;
