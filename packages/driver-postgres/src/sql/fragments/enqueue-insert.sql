  -- The jobs of input in input order: due ones take the next ready positions.
  INSERT INTO {{schema}}.jobs (queue, id, type, payload, run_at, timeout_ms, created_at, max_attempts, idempotency_key,
    schedule, scheduled_for, priority, group_name, meta, status, position)
  SELECT queue, id, type, payload, run_at, timeout_ms, created_at, max_attempts, idempotency_key, schedule, scheduled_for,
    priority, group_name, meta,
    CASE WHEN run_at IS NULL OR run_at <= $10::bigint THEN 'ready' ELSE 'scheduled' END,
    CASE WHEN run_at IS NULL OR run_at <= $10::bigint THEN nextval('{{schema}}.ready_position') END
  FROM input
  ORDER BY ord
