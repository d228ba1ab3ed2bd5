-- The schedule $1 as stored.
SELECT * FROM {{schema}}.schedules WHERE name = $1;
