-- One page of a queue's jobs in id order (byte order: the id column is
-- COLLATE "C"), after id $4, of status $2 and type $3 when given; $5 rows.
SELECT * FROM {{schema}}.jobs
WHERE queue = $1
  AND ($2::text IS NULL OR status = $2::text)
  AND ($3::text IS NULL OR type = $3::text)
  AND ($4::text IS NULL OR id > $4::text)
ORDER BY id
LIMIT $5;
