-- The entries live at $1 (expiring after it), most recently started first,
-- then by id; at most $2.
SELECT id, info, started_at, last_seen_at, expires_at FROM {{schema}}.workers
WHERE expires_at > $1::bigint
ORDER BY started_at DESC, id
LIMIT $2;
