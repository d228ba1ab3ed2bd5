-- Sets the paused flag of the schedule $1 to $2; the version goes one up
-- only when the flag changes. `found` is false for an unknown name.
WITH target AS (
  SELECT name FROM {{schema}}.schedules WHERE name = $1
),
changed AS (
  UPDATE {{schema}}.schedules SET paused = $2::boolean, version = version + 1
  WHERE name = $1 AND paused <> $2::boolean
  RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM changed) AS changed;
