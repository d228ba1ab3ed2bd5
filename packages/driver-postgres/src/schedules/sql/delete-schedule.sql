-- Deletes the schedule $1 (remove has locked its row).
DELETE FROM {{schema}}.schedules WHERE name = $1;
