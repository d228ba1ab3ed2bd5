-- Acks a batch of leases at now $4: each job whose token is current and
-- whose lease has not expired becomes done (with its result), or cancelled
-- when a cancel was requested. $1, $2, $3, $5: the leases' queues, ids,
-- tokens and results, one element per lease. Every lease's state before the
-- statement comes back, so the caller can name the error of one that
-- changed nothing.
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $5::bytea[]) WITH ORDINALITY AS i(queue, id, token, result, ord)
),
before AS (
  SELECT i.ord, j.status, j.lease_token, j.lease_expires_at
  FROM input i LEFT JOIN {{schema}}.jobs j ON j.queue = i.queue AND j.id = i.id
),
acked AS (
  UPDATE {{schema}}.jobs j SET
    status = CASE WHEN j.cancel_requested_at IS NULL THEN 'done' ELSE 'cancelled' END,
    finished_at = CASE WHEN j.cancel_requested_at IS NULL THEN $4::bigint END,
    cancelled_at = CASE WHEN j.cancel_requested_at IS NULL THEN NULL ELSE $4::bigint END,
    result = CASE WHEN j.cancel_requested_at IS NULL THEN i.result END,
    ended_at = $4::bigint,
    lease_expires_at = NULL
  FROM input i
  WHERE j.queue = i.queue AND j.id = i.id AND j.status = 'inflight' AND j.lease_token = i.token
    AND j.lease_expires_at > $4::bigint
  RETURNING i.ord, j.queue, j.id, j.status AS new_status, j.watched
),
finish_notices AS (
  SELECT pg_notify({{channel}}, 'f ' || queue || ' ' || id) FROM acked WHERE watched
)
SELECT b.ord, b.status, b.lease_token, b.lease_expires_at, a.ord IS NOT NULL AS changed, a.new_status,
  (SELECT count(*) FROM finish_notices) AS finish_notices
FROM before b LEFT JOIN acked a ON a.ord = b.ord
ORDER BY b.ord;
