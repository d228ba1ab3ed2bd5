-- The counts of queue $1 per minute from $2 (a minute's start) up to, not
-- including, $3: the sum of each minute's shards. Minutes without a row
-- are left out (the caller fills in zeros).
SELECT minute, sum(completed)::bigint AS completed, sum(failed)::bigint AS failed, sum(dead)::bigint AS dead
FROM {{schema}}.metrics
WHERE queue = $1 AND minute >= $2::bigint AND minute < $3::bigint
GROUP BY minute;
