-- One page of schedules in name order (byte order: the name column is
-- COLLATE "C"), after name $1 when given; $2 rows.
SELECT * FROM {{schema}}.schedules
WHERE $1::text IS NULL OR name > $1::text
ORDER BY name
LIMIT $2;
