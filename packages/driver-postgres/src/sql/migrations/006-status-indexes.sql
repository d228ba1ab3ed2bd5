-- Version 6: jobs_status (queue, status, group_name) goes. Every job had an
-- entry in it, so every enqueue, lease and finish wrote one more index
-- entry; and while the statistics lag behind a table that grew fast, the
-- planner read the ready head (or the expired leases) through it and sorted
-- every ready job of the queue on each reserve, instead of reading the head
-- of jobs_ready (or jobs_inflight) in order. Its readers now use the
-- indexes that hold only what they read:
-- - whether a queue has ready work: queue_has_ready, below (jobs_ready and
--   jobs_ready_flow);
-- - a group's jobs in flight (group limits, groupState):
--   jobs_inflight_group, which holds grouped jobs in flight only;
-- - counts: each status through its own partial index (counts.sql);
-- - purge and requeueDlq: jobs_scheduled and jobs_finished.
-- No row is rewritten. reserve_flow is version 5's with its three
-- ready-work checks calling queue_has_ready.

DROP INDEX {{schema}}.jobs_status;
CREATE INDEX jobs_inflight_group ON {{schema}}.jobs (queue, group_name) WHERE status = 'inflight' AND group_name IS NOT NULL;

-- Whether queue p_queue has a ready job: the two ready indexes between them
-- hold every one (jobs_ready those without a priority or group,
-- jobs_ready_flow the others).
CREATE FUNCTION {{schema}}.queue_has_ready(p_queue text)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM {{schema}}.jobs
    WHERE queue = p_queue AND status = 'ready' AND priority IS NULL AND group_name IS NULL
  ) OR EXISTS (
    SELECT 1 FROM {{schema}}.jobs
    WHERE queue = p_queue AND status = 'ready' AND (priority IS NOT NULL OR group_name IS NOT NULL)
  )
$$;

-- The flow reserve (see version 5).
CREATE OR REPLACE FUNCTION {{schema}}.reserve_flow(p_queue text, p_now bigint, p_limit integer, p_lease_ms bigint, p_due_bound integer, p_channel text)
RETURNS TABLE (job {{schema}}.jobs, next_due_at bigint)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  q record;
  v_jobs {{schema}}.jobs[] := '{}';
  v_job {{schema}}.jobs;
  v_next bigint;
  v_more_due boolean;
  v_grouped boolean;
  v_q_inflight integer := 0;
  v_q_starts integer := 0;
  v_cand record;
  v_none_id text;
  v_none_key bigint;
  v_none_served bigint;
  v_conc integer;
  v_rmax integer;
  v_rper bigint;
  v_count integer;
  v_pick_id text;
  v_round integer;
  v_tries integer := 0;
  v_bound bigint;
  v_after_turn bigint;
  v_after_name text;
  v_page integer;
  v_page_size integer;
  v_room bigint;
  v_batch {{schema}}.jobs[];
  v_ids text[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_channel || ' flow ' || p_queue, 0));
  SELECT * INTO q FROM {{schema}}.queues WHERE name = p_queue;
  IF NOT FOUND OR q.paused THEN
    job := NULL;
    next_due_at := NULL;
    RETURN NEXT;
    RETURN;
  END IF;

  WITH due_scheduled AS (
    SELECT id, run_at AS due_at FROM {{schema}}.jobs
    WHERE queue = p_queue AND status = 'scheduled' AND run_at <= p_now
    ORDER BY run_at, id
    LIMIT p_due_bound
    FOR UPDATE SKIP LOCKED
  ),
  due_expired AS (
    SELECT id, lease_expires_at AS due_at, cancel_requested_at IS NOT NULL AS cancelling FROM {{schema}}.jobs
    WHERE queue = p_queue AND status = 'inflight' AND lease_expires_at <= p_now
    ORDER BY lease_expires_at, id
    LIMIT p_due_bound
    FOR UPDATE SKIP LOCKED
  ),
  due AS (
    SELECT id, reclaimed, nextval('{{schema}}.ready_position') AS position
    FROM (
      SELECT id, due_at, false AS reclaimed FROM due_scheduled
      UNION ALL
      SELECT id, due_at, true FROM due_expired WHERE NOT cancelling
      ORDER BY due_at, id
    ) AS in_time_order
  ),
  made_ready AS (
    UPDATE {{schema}}.jobs j SET
      status = 'ready',
      position = d.position,
      run_at = CASE WHEN d.reclaimed THEN NULL ELSE j.run_at END,
      lease_token = CASE WHEN d.reclaimed THEN NULL ELSE j.lease_token END,
      lease_expires_at = NULL,
      reclaims = j.reclaims + CASE WHEN d.reclaimed THEN 1 ELSE 0 END
    FROM due d
    WHERE j.queue = p_queue AND j.id = d.id
    RETURNING j.group_name, j.position
  ),
  joined AS (
    INSERT INTO {{schema}}.flow_groups AS g (queue, group_name, turn)
    SELECT p_queue, group_name, min(position) FROM made_ready WHERE group_name IS NOT NULL GROUP BY group_name
    ON CONFLICT (queue, group_name) DO UPDATE SET turn = excluded.turn
  WHERE g.turn IS NULL OR NOT {{schema}}.flow_group_has_ready(g.queue, g.group_name)
    RETURNING 1
  ),
  cancelled AS (
    UPDATE {{schema}}.jobs j SET status = 'cancelled', cancelled_at = p_now, ended_at = p_now, lease_expires_at = NULL
    FROM due_expired e
    WHERE j.queue = p_queue AND j.id = e.id AND e.cancelling
    RETURNING j.id, j.watched
  ),
  finish_notices AS (
    SELECT pg_notify(p_channel, 'f ' || p_queue || ' ' || id) FROM cancelled WHERE watched
  )
  SELECT (SELECT count(*) FROM due_scheduled) >= p_due_bound OR (SELECT count(*) FROM due_expired) >= p_due_bound
    OR (SELECT count(*) FROM joined) < 0 OR (SELECT count(*) FROM finish_notices) < 0
  INTO v_more_due;

  v_grouped := EXISTS (SELECT 1 FROM {{schema}}.flow_groups WHERE queue = p_queue);
  IF v_grouped THEN
    SELECT served_at INTO v_none_served FROM {{schema}}.flow_groups WHERE queue = p_queue AND group_name = '';
  END IF;
  IF q.concurrency IS NOT NULL THEN
    SELECT count(*) INTO v_q_inflight FROM (
      SELECT 1 FROM {{schema}}.jobs
      WHERE queue = p_queue AND status = 'inflight' AND lease_expires_at > p_now
      LIMIT q.concurrency
    ) AS in_flight;
  END IF;
  IF q.rate_max IS NOT NULL THEN
    v_q_starts := {{schema}}.flow_starts_in_window(p_queue, '{queue}', p_now, q.rate_per_ms);
  END IF;

  -- A queue without groups whose jobs without a group have no group limit
  -- (priorities, queue limits, a queue hold only): the head of the order by
  -- (priority, position), as many as the queue's limits leave room for, in
  -- one statement.
  IF NOT v_grouped AND q.group_concurrency IS NULL AND q.group_rate_max IS NULL THEN
    v_room := p_limit;
    IF q.concurrency IS NOT NULL THEN
      v_room := least(v_room, q.concurrency - v_q_inflight);
    END IF;
    IF q.rate_max IS NOT NULL THEN
      v_room := least(v_room, q.rate_max - v_q_starts);
    END IF;
    IF q.held_until IS NOT NULL AND q.held_until > p_now THEN
      v_room := 0;
      IF {{schema}}.queue_has_ready(p_queue) THEN
        v_next := q.held_until;
      END IF;
    ELSIF v_room <= 0 AND q.rate_max IS NOT NULL AND v_q_starts >= q.rate_max
      AND {{schema}}.queue_has_ready(p_queue) THEN
      v_next := {{schema}}.flow_reopens_at(p_queue, '{queue}', p_now, q.rate_max, q.rate_per_ms, v_q_starts);
    END IF;
    IF v_room > 0 THEN
      SELECT coalesce(array_agg(h.id ORDER BY h.prio, h.position), '{}') INTO v_ids
      FROM (
        SELECT id, prio, position FROM (
          (SELECT id, 0 AS prio, position FROM {{schema}}.jobs
           WHERE queue = p_queue AND status = 'ready' AND priority IS NULL AND group_name IS NULL
           ORDER BY position LIMIT v_room)
          UNION ALL
          (SELECT id, coalesce(priority, 0), position FROM {{schema}}.jobs
           WHERE queue = p_queue AND status = 'ready' AND (priority IS NOT NULL OR group_name IS NOT NULL)
             AND coalesce(group_name, '') = ''
           ORDER BY coalesce(priority, 0), position LIMIT v_room)
        ) AS heads
        ORDER BY prio, position
        LIMIT v_room
      ) AS h;
      -- One primary-key update per job (a plan that cannot turn into a scan
      -- of the queue); a job a concurrent change took is passed over.
      v_batch := '{}';
      FOREACH v_pick_id IN ARRAY v_ids LOOP
        UPDATE {{schema}}.jobs j SET
          status = 'inflight',
          lease_token = gen_random_uuid()::text,
          lease_expires_at = p_now + p_lease_ms,
          position = NULL
        WHERE j.queue = p_queue AND j.id = v_pick_id AND (j.status = 'ready') IS TRUE
        RETURNING j.* INTO v_job;
        IF FOUND THEN
          v_batch := v_batch || v_job;
        END IF;
      END LOOP;
      v_jobs := v_batch;
      IF q.rate_max IS NOT NULL AND cardinality(v_batch) > 0 THEN
        INSERT INTO {{schema}}.flow_starts (queue, scope, started_at)
        SELECT p_queue, '{queue}', p_now FROM generate_series(1, cardinality(v_batch));
        v_q_starts := v_q_starts + cardinality(v_batch);
        -- The window filled up with work left: it names when it lets one more start.
        IF v_q_starts >= q.rate_max AND {{schema}}.queue_has_ready(p_queue) THEN
          v_next := {{schema}}.flow_reopens_at(p_queue, '{queue}', p_now, q.rate_max, q.rate_per_ms, v_q_starts);
        END IF;
      END IF;
    END IF;
    -- Nothing more to try: the general loop below would find the same.
    v_tries := p_limit + 100;
  END IF;

  -- Rounds: each takes the groups in turn order once (a served group moves
  -- to the tail, behind every group of this round), so a round hands out what
  -- as many reserves of limit 1 would, in the same order.
  <<rounds>>
  WHILE cardinality(v_jobs) < p_limit AND v_tries < p_limit + 100 LOOP
    v_tries := v_tries + 1;
    v_round := 0;
    -- The head of the jobs without a group: priority 0 from jobs_ready, others from jobs_ready_flow.
    v_none_id := NULL;
    v_none_key := NULL;
    SELECT h.id, least(h.position, h.other_position) INTO v_none_id, v_none_key
    FROM (
      SELECT id, position, coalesce(priority, 0) AS prio, min(position) OVER () AS other_position FROM (
        (SELECT id, priority, position FROM {{schema}}.jobs
         WHERE queue = p_queue AND status = 'ready' AND priority IS NULL AND group_name IS NULL
         ORDER BY position LIMIT 1)
        UNION ALL
        (SELECT id, priority, position FROM {{schema}}.jobs
         WHERE queue = p_queue AND status = 'ready' AND (priority IS NOT NULL OR group_name IS NOT NULL)
           AND coalesce(group_name, '') = ''
         ORDER BY coalesce(priority, 0), position LIMIT 1)
      ) AS heads
    ) AS h
    ORDER BY h.prio, h.position
    LIMIT 1;
    -- Served since it last got work: it keeps the place it took then.
    IF v_none_id IS NOT NULL THEN
      v_none_key := greatest(v_none_key, v_none_served);
    END IF;

    -- The round's groups are read in pages by (turn, name) from
    -- flow_groups_turn, up to the last turn at the round's start (a served
    -- group's new turn lies beyond it), so a reserve reads the groups it
    -- reaches, not the whole order.
    v_bound := greatest((SELECT max(turn) FROM {{schema}}.flow_groups WHERE queue = p_queue AND turn IS NOT NULL),
      CASE WHEN v_none_id IS NOT NULL THEN v_none_key END);
    v_after_turn := -9223372036854775808;
    v_after_name := '';
    <<pages>>
    LOOP
      v_page := 0;
      v_page_size := greatest(2 * (p_limit - cardinality(v_jobs)), 16);
      FOR v_cand IN
        SELECT * FROM (
          SELECT * FROM (
            SELECT g.group_name, g.turn, g.paused, g.held_until, g.concurrency, g.rate_max, g.rate_per_ms
            FROM {{schema}}.flow_groups g
            WHERE g.queue = p_queue AND g.turn IS NOT NULL AND g.turn >= v_after_turn AND g.turn <= v_bound
              AND (g.turn > v_after_turn OR g.group_name > v_after_name)
            ORDER BY g.turn, g.group_name
            LIMIT v_page_size
          ) AS named
          UNION ALL
          SELECT '', v_none_key, false, NULL::bigint, NULL::integer, NULL::integer, NULL::bigint
          WHERE v_none_id IS NOT NULL AND v_none_key > v_after_turn
        ) AS candidates
        ORDER BY 2, 1
        LIMIT v_page_size
      LOOP
        v_page := v_page + 1;
        v_after_turn := v_cand.turn;
        v_after_name := v_cand.group_name;
        EXIT rounds WHEN cardinality(v_jobs) >= p_limit;
        -- The queue's own hold and limits stop the whole reserve.
        IF q.held_until IS NOT NULL AND q.held_until > p_now THEN
          v_next := least(v_next, q.held_until);
          EXIT rounds;
        END IF;
        EXIT rounds WHEN q.concurrency IS NOT NULL AND v_q_inflight >= q.concurrency;
        IF q.rate_max IS NOT NULL AND v_q_starts >= q.rate_max THEN
          v_next := least(v_next, {{schema}}.flow_reopens_at(p_queue, '{queue}', p_now, q.rate_max, q.rate_per_ms, v_q_starts));
          EXIT rounds;
        END IF;

        CONTINUE WHEN v_cand.paused;
        IF v_cand.group_name = '' THEN
          v_pick_id := v_none_id;
        ELSE
          v_pick_id := NULL;
          SELECT id INTO v_pick_id FROM {{schema}}.jobs
          WHERE queue = p_queue AND status = 'ready' AND (priority IS NOT NULL OR group_name IS NOT NULL)
            AND coalesce(group_name, '') = v_cand.group_name
          ORDER BY coalesce(priority, 0), position
          LIMIT 1;
          IF v_pick_id IS NULL THEN
            -- Out of ready work: the group leaves the turn order.
            UPDATE {{schema}}.flow_groups SET turn = NULL WHERE queue = p_queue AND group_name = v_cand.group_name;
            CONTINUE;
          END IF;
        END IF;
        IF v_cand.held_until IS NOT NULL AND v_cand.held_until > p_now THEN
          v_next := least(v_next, v_cand.held_until);
          CONTINUE;
        END IF;
        v_conc := coalesce(v_cand.concurrency, q.group_concurrency);
        IF v_cand.rate_max IS NOT NULL THEN
          v_rmax := v_cand.rate_max;
          v_rper := v_cand.rate_per_ms;
        ELSE
          v_rmax := q.group_rate_max;
          v_rper := q.group_rate_per_ms;
        END IF;
        IF v_conc IS NOT NULL THEN
          IF v_cand.group_name = '' THEN
            SELECT count(*) INTO v_count FROM (
              SELECT 1 FROM {{schema}}.jobs
              WHERE queue = p_queue AND status = 'inflight' AND group_name IS NULL AND lease_expires_at > p_now
              LIMIT v_conc
            ) AS in_flight;
          ELSE
            SELECT count(*) INTO v_count FROM (
              SELECT 1 FROM {{schema}}.jobs
              WHERE queue = p_queue AND status = 'inflight' AND group_name = v_cand.group_name AND lease_expires_at > p_now
              LIMIT v_conc
            ) AS in_flight;
          END IF;
          CONTINUE WHEN v_count >= v_conc;
        END IF;
        IF v_rmax IS NOT NULL THEN
          v_count := {{schema}}.flow_starts_in_window(p_queue, v_cand.group_name, p_now, v_rper);
          IF v_count >= v_rmax THEN
            v_next := least(v_next, {{schema}}.flow_reopens_at(p_queue, v_cand.group_name, p_now, v_rmax, v_rper, v_count));
            CONTINUE;
          END IF;
        END IF;

        UPDATE {{schema}}.jobs j SET
          status = 'inflight',
          lease_token = gen_random_uuid()::text,
          lease_expires_at = p_now + p_lease_ms,
          position = NULL
        WHERE j.queue = p_queue AND j.id = v_pick_id AND (j.status = 'ready') IS TRUE
        RETURNING j.* INTO v_job;
        -- A concurrent change (a cancel, say) took the job first: the next round looks again.
        CONTINUE WHEN NOT FOUND;
        v_jobs := v_jobs || v_job;
        v_round := v_round + 1;
        v_q_inflight := v_q_inflight + 1;
        IF q.rate_max IS NOT NULL THEN
          INSERT INTO {{schema}}.flow_starts (queue, scope, started_at) VALUES (p_queue, '{queue}', p_now);
          v_q_starts := v_q_starts + 1;
        END IF;
        IF v_rmax IS NOT NULL THEN
          INSERT INTO {{schema}}.flow_starts (queue, scope, started_at) VALUES (p_queue, v_cand.group_name, p_now);
        END IF;
        IF v_cand.group_name = '' THEN
          IF v_grouped THEN
            v_none_served := nextval('{{schema}}.ready_position');
            INSERT INTO {{schema}}.flow_groups AS g (queue, group_name, served_at) VALUES (p_queue, '', v_none_served)
            ON CONFLICT (queue, group_name) DO UPDATE SET served_at = excluded.served_at;
          END IF;
        ELSE
          UPDATE {{schema}}.flow_groups SET turn = CASE
            WHEN EXISTS (
              SELECT 1 FROM {{schema}}.jobs
              WHERE queue = p_queue AND status = 'ready' AND (priority IS NOT NULL OR group_name IS NOT NULL)
                AND coalesce(group_name, '') = v_cand.group_name
            )
            THEN nextval('{{schema}}.ready_position') END
          WHERE queue = p_queue AND group_name = v_cand.group_name;
        END IF;
      END LOOP;
      EXIT pages WHEN v_page < v_page_size;
    END LOOP pages;
    EXIT WHEN v_round = 0;
  END LOOP;

  v_next := least(v_next,
    (SELECT min(run_at) FROM {{schema}}.jobs WHERE queue = p_queue AND status = 'scheduled' AND run_at > p_now),
    (SELECT min(lease_expires_at) FROM {{schema}}.jobs WHERE queue = p_queue AND status = 'inflight' AND lease_expires_at > p_now),
    CASE WHEN cardinality(v_jobs) > 0 THEN p_now + p_lease_ms END,
    -- A bounded step left due work behind: the caller comes straight back.
    CASE WHEN v_more_due THEN p_now END);
  next_due_at := v_next;
  IF cardinality(v_jobs) = 0 THEN
    job := NULL;
    RETURN NEXT;
    RETURN;
  END IF;
  FOREACH v_job IN ARRAY v_jobs LOOP
    job := v_job;
    RETURN NEXT;
  END LOOP;
END
$fn$;
