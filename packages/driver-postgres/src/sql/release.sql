-- Gives the job $1/$2 under token $3 back at now $4 without counting a
-- failure: ready at the head (a position below every waiting job's), or
-- cancelled when a cancel was requested.
WITH before AS (
  SELECT status, lease_token, lease_expires_at FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
released AS (
  UPDATE {{schema}}.jobs SET
    status = CASE WHEN cancel_requested_at IS NULL THEN 'ready' ELSE 'cancelled' END,
    position = CASE WHEN cancel_requested_at IS NULL THEN nextval('{{schema}}.release_position') END,
    run_at = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE run_at END,
    lease_token = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE lease_token END,
    lease_expires_at = NULL,
    cancelled_at = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE $4::bigint END,
    ended_at = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE $4::bigint END
  WHERE queue = $1 AND id = $2 AND status = 'inflight' AND lease_token = $3 AND lease_expires_at > $4::bigint
  RETURNING status AS new_status, watched
),
notices AS (
  SELECT pg_notify({{channel}}, CASE WHEN new_status = 'cancelled' THEN 'f ' || $1 || ' ' || $2 ELSE 'w ' || $1 END)
  FROM released WHERE new_status <> 'cancelled' OR watched
)
SELECT b.status, b.lease_token, b.lease_expires_at, r.new_status IS NOT NULL AS changed, r.new_status,
  (SELECT count(*) FROM notices) AS notices
FROM (SELECT 1) AS one LEFT JOIN before b ON true LEFT JOIN released r ON true;
