-- The id of the job that holds this id or idempotency key in the queue: the
-- second look enqueue takes when a concurrent insert won the race after its
-- statement began. $1: queue, $2: id, $3: idempotency key (or null).
SELECT id FROM {{schema}}.jobs
WHERE queue = $1 AND (id = $2 OR (idempotency_key = $3::text))
ORDER BY id = $2 DESC
LIMIT 1;
