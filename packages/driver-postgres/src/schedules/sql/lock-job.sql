-- The status and lease of the job $1/$2, its row locked until the
-- transaction ends (no row for an unknown job): advance checks a lease, or
-- that the pending occurrence has finished, on a job no one else can move
-- meanwhile. decided_at: now $3 (the database's clock under leaseClock
-- 'server'), the time a lease check goes by.
SELECT status, lease_token, lease_expires_at, $3::bigint AS decided_at FROM {{schema}}.jobs WHERE queue = $1 AND id = $2 FOR UPDATE;
