-- Every queue that holds or held a job (or was paused), sorted by name.
SELECT name FROM {{schema}}.queues ORDER BY name;
