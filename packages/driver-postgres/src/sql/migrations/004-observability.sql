-- Version 4: observability (job meta, live workers, per-minute throughput).
-- The new job column is nullable without a default, so adding it rewrites
-- no row; no index changes.

ALTER TABLE {{schema}}.jobs
  -- The job's meta as JSON text, keys in the order enqueue got them (jsonb
  -- would reorder them); null for none.
  ADD COLUMN meta text;

-- One row per live (or recently expired) worker: registerWorker upserts it
-- and deletes a bounded number of expired rows in the same statement.
CREATE TABLE {{schema}}.workers (
  id text COLLATE "C" PRIMARY KEY,
  -- The WorkerInfo as JSON, without lastSeenAt and expiresAt.
  info jsonb NOT NULL,
  started_at bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX workers_expires ON {{schema}}.workers (expires_at);

-- Runs that ended per queue and minute (the minute's start, epoch ms).
-- Every ack, retry and fail adds to one row in its own statement; the row
-- is one of 16 per queue and minute, picked by the backend's pid, so
-- workers on different connections rarely wait for each other's row lock.
-- metrics() sums the shards.
CREATE TABLE {{schema}}.metrics (
  queue text COLLATE "C" NOT NULL,
  minute bigint NOT NULL,
  shard smallint NOT NULL,
  completed bigint NOT NULL DEFAULT 0,
  failed bigint NOT NULL DEFAULT 0,
  dead bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (queue, minute, shard)
);
-- The retention sweep deletes the oldest minutes of every queue.
CREATE INDEX metrics_minute ON {{schema}}.metrics (minute);
