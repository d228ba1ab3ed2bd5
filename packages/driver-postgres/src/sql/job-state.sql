-- The lease state of one job, read to say why a lease operation changed
-- nothing (unknown job, wrong status, other token, expired lease).
-- $1: queue, $2: id.
SELECT status, lease_token, lease_expires_at FROM {{schema}}.jobs WHERE queue = $1 AND id = $2;
