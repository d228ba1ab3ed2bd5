-- Version 2: schedules. The jobs a schedule makes carry its name and their
-- tick; the schedules table holds each schedule's definition and where its
-- cadence stands. Both new job columns are nullable without a default, so
-- adding them rewrites no row of a large jobs table.

ALTER TABLE {{schema}}.jobs
  ADD COLUMN schedule text COLLATE "C",
  ADD COLUMN scheduled_for bigint;

CREATE TABLE {{schema}}.schedules (
  -- Names are unique across queues; COLLATE "C" gives the byte order schedules() pages by.
  name text COLLATE "C" PRIMARY KEY,
  queue text COLLATE "C" NOT NULL,
  type text COLLATE "C" NOT NULL,
  payload bytea NOT NULL,
  cron text,
  every_ms bigint,
  timezone text NOT NULL,
  start_at bigint,
  end_at bigint,
  run_limit integer,
  catch_up text NOT NULL CHECK (catch_up IN ('latest', 'none', 'all')),
  max_attempts integer NOT NULL,
  timeout_ms bigint,
  -- Fingerprint of the definition: a put with the same one changes nothing.
  revision text NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  -- The pending tick (its occurrence is the job `<name>@<tick>`); null once the schedule has ended.
  next_run_at bigint,
  last_run_at bigint,
  runs integer NOT NULL,
  -- Goes up by one with every change; advanceSchedule compares it.
  version bigint NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  CHECK ((cron IS NULL) <> (every_ms IS NULL))
);
