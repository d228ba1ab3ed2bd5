-- Stores progress JSON text $5 on the job $1/$2 while token $3 is current
-- and its lease is valid at now $4.
WITH before AS (
  SELECT status, lease_token, lease_expires_at FROM {{schema}}.jobs WHERE queue = $1 AND id = $2
),
updated AS (
  UPDATE {{schema}}.jobs SET progress = $5::text
  WHERE queue = $1 AND id = $2 AND status = 'inflight' AND lease_token = $3 AND lease_expires_at > $4::bigint
  RETURNING 1
)
SELECT b.status, b.lease_token, b.lease_expires_at, EXISTS (SELECT 1 FROM updated) AS changed, $4::bigint AS decided_at
FROM (SELECT 1) AS one LEFT JOIN before b ON true;
