-- Version 1: the jobs table, the queues table, the ready-order sequence and
-- the error-history helper. {{schema}} is the driver's schema (a checked
-- identifier). Every time is an integer epoch millisecond (bigint) that the
-- caller passed as `now`; the database clock is never read.

CREATE TABLE {{schema}}.jobs (
  queue text COLLATE "C" NOT NULL,
  -- COLLATE "C" compares the UTF-8 bytes, the code-point order list pages by.
  id text COLLATE "C" NOT NULL,
  type text COLLATE "C" NOT NULL,
  payload bytea NOT NULL,
  run_at bigint,
  timeout_ms bigint,
  created_at bigint NOT NULL,
  max_attempts integer NOT NULL,
  idempotency_key text COLLATE "C",
  status text NOT NULL CHECK (status IN ('ready', 'scheduled', 'inflight', 'done', 'dlq', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  reclaims integer NOT NULL DEFAULT 0,
  last_error text,
  failed_at bigint,
  -- The current token while in flight, the last one once finished.
  lease_token text,
  lease_expires_at bigint,
  finished_at bigint,
  dlq_reason text,
  dlq_failed_at bigint,
  errors jsonb,
  progress text,
  result bytea,
  cancel_requested_at bigint,
  cancelled_at bigint,
  cancel_reason text,
  -- Place in the ready order (status ready only): enqueue order from
  -- ready_position; released jobs take values from release_position, which
  -- counts down from 0, so each lands before every job already waiting.
  position bigint,
  -- When the job reached its finished status (done, dlq, cancelled): the
  -- order retention, purge and requeueDlqMany work in.
  ended_at bigint,
  -- Set by waitForFinish: the statements that finish or delete the job
  -- notify only then, so a plain ack costs no notification.
  watched boolean NOT NULL DEFAULT false,
  PRIMARY KEY (queue, id)
);

CREATE UNIQUE INDEX jobs_idempotency_key ON {{schema}}.jobs (queue, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_ready ON {{schema}}.jobs (queue, position) WHERE status = 'ready';
CREATE INDEX jobs_scheduled ON {{schema}}.jobs (queue, run_at, id) WHERE status = 'scheduled';
CREATE INDEX jobs_inflight ON {{schema}}.jobs (queue, lease_expires_at, id) WHERE status = 'inflight';
CREATE INDEX jobs_finished ON {{schema}}.jobs (queue, status, ended_at, id) WHERE ended_at IS NOT NULL;
CREATE INDEX jobs_status ON {{schema}}.jobs (queue, status);

CREATE SEQUENCE {{schema}}.ready_position AS bigint START WITH 1;
CREATE SEQUENCE {{schema}}.release_position AS bigint INCREMENT BY -1 START WITH 0 MINVALUE -9223372036854775808 MAXVALUE 0;

-- Every queue that holds or held a job, and its pause flag.
CREATE TABLE {{schema}}.queues (
  name text COLLATE "C" PRIMARY KEY,
  paused boolean NOT NULL DEFAULT false
);

-- Appends one failure to a job's error history and keeps the newest `keep`.
CREATE FUNCTION {{schema}}.append_error(history jsonb, entry jsonb, keep integer) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_agg(e ORDER BY n), '[]'::jsonb)
  FROM jsonb_array_elements(coalesce(history, '[]'::jsonb) || jsonb_build_array(entry)) WITH ORDINALITY AS t(e, n)
  WHERE n > jsonb_array_length(coalesce(history, '[]'::jsonb)) + 1 - keep
$$;
