-- The schedule $1 as stored, its row locked until the transaction ends: the
-- first step of put, remove and advance, so changes of one schedule queue
-- behind each other.
SELECT * FROM {{schema}}.schedules WHERE name = $1 FOR UPDATE;
