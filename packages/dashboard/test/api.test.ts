import { Client, type JobRecord } from '@taskharbor/core';
import type { MemoryDriver } from '@taskharbor/driver-memory';
import { describe, expect, it } from 'vitest';
import { createDashboard, type DashboardOptions } from '../src/index.js';
import { useApiCases } from './support/api-cases.js';

const { driver, client, served, serve, start } = useApiCases();

describe('reads', () => {
  it('queues_answers_every_queue_with_counts_paused_and_flow_state', async () => {
    const noLimits = { limits: {}, groupDefaults: {} };
    const api = await start();
    await client().enqueue('a', {}, { queue: 'one' });
    await client().enqueue('a', {}, { queue: 'two', delayMs: 60_000 });
    await driver().pause('two');
    const { status, body } = await api.get('api/queues');
    expect(status).toBe(200);
    expect(body.queues).toEqual([
      { name: 'one', counts: { ready: 1, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0 }, paused: false, flow: noLimits },
      { name: 'two', counts: { ready: 0, scheduled: 1, inflight: 0, done: 0, dlq: 0, cancelled: 0 }, paused: true, flow: noLimits },
    ]);
  });

  it('jobs_pages_with_the_cursor_and_filters_by_type', async () => {
    const api = await start();
    for (let i = 0; i < 5; i++) await client().enqueue(i % 2 === 0 ? 'even' : 'odd', { i });
    const first = await api.get('api/queues/default/jobs?limit=2&type=even');
    const firstJobs = first.body.jobs as { type: string; id: string }[];
    expect(firstJobs.map((job) => job.type)).toEqual(['even', 'even']);
    const second = await api.get(`api/queues/default/jobs?limit=2&type=even&cursor=${encodeURIComponent(first.body.nextCursor as string)}`);
    const secondJobs = second.body.jobs as { id: string }[];
    expect(secondJobs).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
    expect(new Set([...firstJobs, ...secondJobs].map((job) => job.id)).size).toBe(3);
  });

  it('job_shows_payload_as_pretty_json_and_non_json_bytes_as_hex', async () => {
    const api = await start();
    const { id } = await client().enqueue('a', { to: 'x' });
    const detail = await api.get(`api/queues/default/jobs/${id}`);
    expect(detail.body.payload).toEqual({ kind: 'json', text: '{\n  "to": "x"\n}' });
    expect(detail.body.actions).toEqual(['cancel', 'remove']);
    const binary = new Client(driver(), { codec: { encode: () => new Uint8Array([0xff, 0x00, 0x10]), decode: () => null } });
    const other = await binary.enqueue('b', null);
    const bytes = await api.get(`api/queues/default/jobs/${other.id}`);
    expect(bytes.body.payload).toEqual({ kind: 'bytes', size: 3, hex: 'ff0010', truncated: false });
  });

  it('a_page_of_jobs_is_one_bounded_list_call_whatever_the_queue_holds', async () => {
    const calls: unknown[] = [];
    const counting = Object.create(driver(), {
      list: {
        value: (request: Parameters<MemoryDriver['list']>[0]) => {
          calls.push(request);
          return driver().list(request);
        },
      },
    }) as MemoryDriver;
    const api = await start({ driver: counting });
    for (let i = 0; i < 120; i++) await client().enqueue('a', { i });
    const page = await api.get('api/queues/default/jobs?status=ready');
    expect((page.body.jobs as unknown[]).length).toBe(50);
    expect(calls).toEqual([{ queue: 'default', status: 'ready', limit: 50 }]);
    await api.get('api/queues');
    await api.get('api/queues/default');
    expect(calls).toHaveLength(1);
  });

  it('job_unknown_is_404_with_a_message', async () => {
    const api = await start();
    const { status, body } = await api.get('api/queues/default/jobs/nope');
    expect(status).toBe(404);
    expect((body.error as { message: string }).message).toMatch(/no job nope in queue default/);
  });

  it('queue_names_with_slashes_travel_url_encoded', async () => {
    const api = await start();
    const { id } = await client().enqueue('a', {}, { queue: 'team/a' });
    const detail = await api.get(`api/queues/${encodeURIComponent('team/a')}/jobs/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.queue).toBe('team/a');
  });
});

describe('query validation', () => {
  const cases: [string, RegExp][] = [
    ['api/queues/default/jobs?status=nope', /status must be one of ready, scheduled, inflight, done, dlq, cancelled/],
    ['api/queues/default/jobs?limit=0', /limit must be an integer from 1 to 200/],
    ['api/queues/default/jobs?limit=abc', /limit must be an integer/],
    ['api/queues/default/jobs?limit=201', /limit must be an integer from 1 to 200/],
    ['api/queues/default/jobs?type=', /type must be 1 to 512 characters/],
    ['api/queues/default/jobs?cursor=', /cursor must be the nextCursor of a previous page/],
    ['api/queues/default/jobs?cursor=garbage', /cursor/],
    ['api/queues/default/jobs?bogus=1', /unknown parameter "bogus": this endpoint takes only status, type, limit, cursor/],
    ['api/queues/default/jobs?limit=1&limit=2', /parameter limit given twice/],
    ['api/queues?x=1', /unknown parameter "x": this endpoint takes no parameters/],
    ['api/queues/%E0%A4%A/jobs', /malformed URL encoding/],
  ];
  for (const [path, message] of cases) {
    it(`bad_query_is_400_with_a_message: ${path}`, async () => {
      const api = await start();
      const { status, body } = await api.get(path);
      expect(status).toBe(400);
      expect((body.error as { message: string }).message).toMatch(message);
    });
  }

  it('unknown_endpoint_is_404_and_wrong_method_is_405', async () => {
    const api = await start();
    expect((await api.get('api/nothing')).status).toBe(404);
    const wrong = await api.get('api/queues/default/pause');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });
});

describe('actions', () => {
  it('cancel_promote_remove_and_requeue_change_the_store', async () => {
    const api = await start();
    const ready = await client().enqueue('a', {});
    const later = await client().enqueue('a', {}, { delayMs: 60_000 });
    expect((await api.post(`api/queues/default/jobs/${ready.id}/cancel?reason=operator`)).body).toEqual({ status: 'cancelled' });
    expect((await driver().inspect({ queue: 'default', id: ready.id }))?.cancelReason).toBe('operator');
    expect((await api.post(`api/queues/default/jobs/${later.id}/promote`)).status).toBe(200);
    expect((await driver().inspect({ queue: 'default', id: later.id }))?.status).toBe('ready');
    expect((await api.post(`api/queues/default/jobs/${later.id}/remove`)).status).toBe(200);
    expect(await driver().inspect({ queue: 'default', id: later.id })).toBeUndefined();
  });

  it('requeue_of_a_dead_letter_and_bulk_requeue_and_purge', async () => {
    const api = await start();
    const dead = await deadLetters(3, 'boom');
    const one = await api.post(`api/queues/default/jobs/${dead[0]?.id}/requeue?resetAttempts=true`);
    expect(one.status).toBe(200);
    expect((await driver().inspect({ queue: 'default', id: dead[0]?.id as string }))?.attempts).toBe(0);
    expect((await api.post('api/queues/default/dlq/requeue?limit=1')).body).toEqual({ moved: 1 });
    expect((await api.post('api/queues/default/purge?status=dlq')).body).toEqual({ removed: 1 });
    expect((await driver().counts('default')).dlq).toBe(0);
  });

  it('purge_takes_the_confirmed_count_as_its_limit', async () => {
    const api = await start();
    await deadLetters(5, 'boom');
    expect((await api.post('api/queues/default/purge?status=dlq&limit=2')).body).toEqual({ removed: 2 });
    expect((await driver().counts('default')).dlq).toBe(3);
  });

  it('purge_refuses_waiting_statuses_and_needs_a_status', async () => {
    const api = await start();
    expect((await api.post('api/queues/default/purge?status=ready')).status).toBe(400);
    const none = await api.post('api/queues/default/purge');
    expect(none.status).toBe(400);
    expect((none.body.error as { message: string }).message).toMatch(/status is required/);
  });

  it('pause_and_resume_set_the_stored_flag', async () => {
    const api = await start();
    await client().enqueue('a', {});
    expect((await api.post('api/queues/default/pause')).status).toBe(200);
    expect((await driver().counts('default')).paused).toBe(true);
    expect((await api.post('api/queues/default/resume')).status).toBe(200);
    expect((await driver().counts('default')).paused).toBe(false);
  });

  it('an_action_the_status_forbids_is_409_and_changes_nothing', async () => {
    const api = await start();
    const { id } = await client().enqueue('a', {});
    const promote = await api.post(`api/queues/default/jobs/${id}/promote`);
    expect(promote.status).toBe(409);
    expect((promote.body.error as { code: string }).code).toBe('INVALID_JOB_STATE');
    expect((await driver().inspect({ queue: 'default', id }))?.status).toBe('ready');
  });
});

describe('schedules', () => {
  it('schedules_list_with_next_run_and_pause_resume_and_trigger_change_the_store', async () => {
    const api = await start();
    await client().schedule('nightly-report', { cron: '0 3 * * *', timezone: 'Europe/Berlin', type: 'report.build', queue: 'reports' });
    await client().schedule('heartbeat', { everyMs: 60_000, type: 'ping' });
    const { body } = await api.get('api/schedules');
    const listed = body.schedules as { name: string; cron?: string; everyMs?: number; nextRunAt?: number; paused: boolean }[];
    expect(listed.map((s) => s.name)).toEqual(['heartbeat', 'nightly-report']);
    expect(listed[1]).toMatchObject({ cron: '0 3 * * *', paused: false, nextRunAt: expect.any(Number) });
    expect((await api.post('api/schedules/nightly-report/pause')).status).toBe(200);
    expect((await driver().getSchedule('nightly-report'))?.paused).toBe(true);
    expect((await api.post('api/schedules/nightly-report/resume')).status).toBe(200);
    expect((await driver().getSchedule('nightly-report'))?.paused).toBe(false);
    const triggered = await api.post('api/schedules/nightly-report/trigger');
    const job = await driver().inspect({ queue: 'reports', id: triggered.body.id as string });
    expect(job).toMatchObject({ status: 'ready', schedule: 'nightly-report' });
    const detail = await api.get(`api/queues/reports/jobs/${encodeURIComponent(triggered.body.id as string)}`);
    expect(detail.body).toMatchObject({ schedule: 'nightly-report', scheduledFor: expect.any(Number) });
  });

  it('an_unknown_schedule_is_404_and_a_driver_without_schedules_answers_501', async () => {
    const api = await start();
    const missing = await api.post('api/schedules/nope/trigger');
    expect(missing.status).toBe(404);
    expect((missing.body.error as { code: string }).code).toBe('SCHEDULE_NOT_FOUND');
    expect((await api.get('api/schedules?limit=0')).status).toBe(400);
    await served()?.close();
    const withoutSchedules = Object.create(driver(), { families: { value: ['jobControl'] } }) as MemoryDriver;
    const other = await start({ driver: withoutSchedules });
    expect((await other.session()).families).toMatchObject({ jobControl: true, schedules: false });
    expect((await other.get('api/schedules')).status).toBe(501);
  });
});

describe('flow control', () => {
  it('queue_reads_carry_the_flow_state_and_the_limits_actions_change_the_store', async () => {
    const api = await start();
    await client().enqueue('a', {}, { queue: 'sync' });
    const before = await api.get('api/queues/sync');
    expect(before.body.flow).toEqual({ limits: {}, groupDefaults: {} });

    const set = await api.post('api/queues/sync/limits?concurrency=5&rateMax=100&ratePerMs=1000');
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ limits: { concurrency: 5, rate: { max: 100, perMs: 1000 } } });
    expect((await api.post('api/queues/sync/group-defaults?concurrency=2')).status).toBe(200);
    expect(await driver().flowState('sync')).toEqual({ limits: { concurrency: 5, rate: { max: 100, perMs: 1000 } }, groupDefaults: { concurrency: 2 } });

    const overview = await api.get('api/queues');
    const row = (overview.body.queues as { name: string; flow: unknown }[]).find((queue) => queue.name === 'sync');
    expect(row?.flow).toEqual({ limits: { concurrency: 5, rate: { max: 100, perMs: 1000 } }, groupDefaults: { concurrency: 2 } });

    // No parameters clears: setting limits replaces what was stored.
    expect((await api.post('api/queues/sync/limits')).body).toEqual({ limits: {} });
    expect((await driver().flowState('sync')).limits).toEqual({});
  });

  it('a_hold_on_the_queue_shows_its_end', async () => {
    const api = await start();
    await client().enqueue('a', {}, { queue: 'held' });
    const { jobs } = await driver().reserve({ queue: 'held', limit: 1, leaseMs: 60_000, now: Date.now() });
    const until = Date.now() + 60_000;
    await driver().holdBack(jobs[0]!.lease, until, Date.now());
    expect(((await api.get('api/queues/held')).body.flow as { heldUntil?: number }).heldUntil).toBe(until);
  });

  it('group_state_override_and_pause_resume_change_the_store', async () => {
    const api = await start();
    await driver().setGroupLimits('sync', { concurrency: 2, rate: { max: 10, perMs: 1000 } });
    await client().enqueue('a', {}, { queue: 'sync', group: 'tenant-7' });
    expect((await api.post('api/queues/sync/groups/tenant-7/limits?concurrency=9')).body).toEqual({ limits: { concurrency: 9 } });
    expect((await api.post('api/queues/sync/groups/tenant-7/pause')).body).toEqual({ paused: true });
    const state = await api.get('api/queues/sync/groups/tenant-7');
    expect(state.status).toBe(200);
    expect(state.body).toEqual({
      group: 'tenant-7',
      overrides: { concurrency: 9 },
      effective: { concurrency: 9, rate: { max: 10, perMs: 1000 } },
      paused: true,
      inflight: 0,
    });
    expect((await driver().reserve({ queue: 'sync', limit: 1, leaseMs: 60_000, now: Date.now() })).jobs).toHaveLength(0);
    expect((await api.post('api/queues/sync/groups/tenant-7/resume')).body).toEqual({ paused: false });
    expect((await driver().groupState('sync', 'tenant-7')).paused).toBe(false);
    expect((await driver().reserve({ queue: 'sync', limit: 1, leaseMs: 60_000, now: Date.now() })).jobs).toHaveLength(1);
    // An override set with no parameters is removed.
    await api.post('api/queues/sync/groups/tenant-7/limits');
    expect((await driver().groupState('sync', 'tenant-7')).overrides).toEqual({});
  });

  const bad: [string, RegExp][] = [
    ['api/queues/q/limits?concurrency=0', /invalid limits.concurrency: expected an integer from 1 to 1000000, got 0/],
    ['api/queues/q/limits?concurrency=-3', /invalid limits.concurrency: expected an integer from 1 to 1000000, got -3/],
    ['api/queues/q/limits?concurrency=1.5', /concurrency must be a whole number/],
    ['api/queues/q/limits?rateMax=10', /rateMax and ratePerMs go together/],
    ['api/queues/q/limits?rateMax=100001&ratePerMs=1000', /invalid limits.rate.max: expected an integer from 1 to 100000/],
    ['api/queues/q/group-defaults?ratePerMs=0&rateMax=1', /invalid limits.rate.perMs/],
    ['api/queues/q/limits?burst=1', /unknown parameter "burst": this endpoint takes only concurrency, rateMax, ratePerMs/],
    [`api/queues/q/groups/${'g'.repeat(257)}/pause`, /invalid group: longer than 256 characters/],
    ['api/queues/q/groups/a%20b/limits?concurrency=1', /invalid group/],
  ];
  for (const [path, message] of bad) {
    it(`bad_flow_input_is_400_and_changes_nothing: ${path.slice(0, 60)}`, async () => {
      const api = await start();
      await driver().setQueueLimits('q', { concurrency: 4 });
      const { status, body } = await api.post(path);
      expect(status).toBe(400);
      expect((body.error as { message: string }).message).toMatch(message);
      expect(await driver().flowState('q')).toEqual({ limits: { concurrency: 4 }, groupDefaults: {} });
      expect((await driver().groupState('q', 'g')).paused).toBe(false);
    });
  }

  it('flow_actions_are_refused_read_only_and_without_the_csrf_token', async () => {
    const viewer = await start({ readOnly: true });
    expect((await viewer.post('api/queues/q/limits?concurrency=1')).status).toBe(403);
    expect((await viewer.post('api/queues/q/groups/g/pause')).status).toBe(403);
    await served()?.close();
    const api = await start();
    const forged = await fetch(new URL('api/queues/q/groups/g/pause', api.base), { method: 'POST' });
    expect(forged.status).toBe(403);
    expect(await driver().flowState('q')).toEqual({ limits: {}, groupDefaults: {} });
    expect((await driver().groupState('q', 'g')).paused).toBe(false);
  });

  it('without_flow_control_the_queue_has_no_flow_and_the_routes_answer_501', async () => {
    const plain = Object.create(driver(), { families: { value: ['jobControl', 'schedules'] } }) as MemoryDriver;
    const api = await start({ driver: plain });
    await client().enqueue('a', {}, { queue: 'q' });
    expect((await api.get('api/session')).body.families).toMatchObject({ flowControl: false });
    expect((await api.get('api/queues/q')).body.flow).toBeUndefined();
    expect((await api.get('api/queues/q/groups/g')).status).toBe(501);
    expect((await api.post('api/queues/q/limits?concurrency=1')).status).toBe(501);
    expect((await api.post('api/queues/q/groups/g/pause')).status).toBe(501);
  });

  it('job_detail_shows_priority_group_and_snoozes', async () => {
    const api = await start();
    const { id } = await client().enqueue('a', {}, { queue: 'sync', priority: -5, group: 'tenant-1' });
    const { jobs } = await driver().reserve({ queue: 'sync', limit: 1, leaseMs: 60_000, now: Date.now() });
    await driver().snooze(jobs[0]!.lease, Date.now() + 60_000, Date.now());
    const detail = await api.get(`api/queues/sync/jobs/${id}`);
    expect(detail.body).toMatchObject({ priority: -5, group: 'tenant-1', snoozes: 1 });
    const plain = await client().enqueue('a', {});
    const other = await api.get(`api/queues/default/jobs/${plain.id}`);
    expect(other.body.priority).toBeUndefined();
    expect(other.body.group).toBeUndefined();
    expect(other.body.snoozes).toBe(0);
  });
});

describe('safety', () => {
  it('every_answer_carries_a_csp_without_inline_scripts', async () => {
    const api = await start();
    for (const path of ['', 'api/queues', 'assets/app.js', 'api/nothing']) {
      const response = await fetch(new URL(path, api.base));
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('page_loads_only_its_own_files_and_holds_no_inline_script', async () => {
    const api = await start();
    const page = await (await fetch(api.base)).text();
    expect(page).toMatch(/<script type="module" src="assets\/app\.js\?v=[0-9a-f]{12}"><\/script>/);
    expect(page.match(/<script/g)).toHaveLength(1);
    const script = await fetch(new URL('assets/app.js', api.base));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('post_without_the_csrf_token_is_refused_and_changes_nothing', async () => {
    const api = await start();
    const { id } = await client().enqueue('a', {});
    const bare = await fetch(new URL(`api/queues/default/jobs/${id}/cancel`, api.base), { method: 'POST' });
    expect(bare.status).toBe(403);
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe('CSRF');
    const wrong = await api.post(`api/queues/default/jobs/${id}/cancel`, { 'x-taskharbor-csrf': 'A'.repeat(43) });
    expect(wrong.status).toBe(403);
    const crossSite = await api.post(`api/queues/default/jobs/${id}/cancel`, { origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await driver().inspect({ queue: 'default', id }))?.status).toBe('ready');
  });

  it('session_sets_a_strict_http_only_cookie_under_the_base_path', async () => {
    const api = await start();
    const response = await fetch(new URL('api/session', api.base));
    expect(response.headers.get('set-cookie')).toMatch(/^taskharbor_csrf=[A-Za-z0-9_-]{43}; Path=\/jobs; HttpOnly; SameSite=Strict$/);
  });

  it('without_auth_it_is_read_only_and_refuses_actions', async () => {
    const api = await start({ auth: undefined });
    const { id } = await client().enqueue('a', {});
    const session = await api.session();
    expect(session.canAct).toBe(false);
    expect(session.readOnlyReason).toMatch(/no auth function allows actions/);
    expect((await api.get(`api/queues/default/jobs/${id}`)).body.actions).toEqual([]);
    const refused = await api.post(`api/queues/default/jobs/${id}/cancel`);
    expect(refused.status).toBe(403);
    expect((refused.body.error as { code: string }).code).toBe('READ_ONLY');
    expect((await driver().inspect({ queue: 'default', id }))?.status).toBe('ready');
  });

  it('read_only_overrides_an_auth_that_allows_writes', async () => {
    const api = await start({ readOnly: true });
    const { id } = await client().enqueue('a', {});
    expect((await api.session()).readOnlyReason).toMatch(/readOnly/);
    expect((await api.post(`api/queues/default/jobs/${id}/remove`)).status).toBe(403);
    expect(await driver().inspect({ queue: 'default', id })).toBeDefined();
  });

  it('auth_decides_per_request_and_none_denies_everything', async () => {
    const api = await start({ auth: (req) => (req.headers['x-role'] === 'admin' ? 'write' : req.headers['x-role'] === 'viewer' ? 'read' : 'none') });
    expect((await api.get('api/queues')).status).toBe(403);
    expect((await fetch(api.base)).status).toBe(403);
    expect((await api.get('api/queues', { 'x-role': 'viewer' })).status).toBe(200);
    await client().enqueue('a', {});
    await api.session({ 'x-role': 'viewer' });
    expect((await api.post('api/queues/default/pause', { 'x-role': 'viewer' })).status).toBe(403);
    expect((await api.post('api/queues/default/pause', { 'x-role': 'admin' })).status).toBe(200);
  });

  it('a_driver_without_job_control_is_read_only', async () => {
    const plain = {
      enqueue: driver().enqueue.bind(driver()),
      counts: driver().counts.bind(driver()),
      list: driver().list.bind(driver()),
      inspect: driver().inspect.bind(driver()),
      queues: driver().queues.bind(driver()),
      requeueDlq: driver().requeueDlq.bind(driver()),
    } as unknown as DashboardOptions['driver'];
    const api = await start({ driver: plain });
    const session = await api.session();
    expect(session.canAct).toBe(false);
    expect(session.families).toEqual({ jobControl: false, schedules: false, flowControl: false, observability: false });
    expect(session.readOnlyReason).toMatch(/does not implement job control/);
  });

  it('a_store_failure_is_a_502_without_its_detail', async () => {
    const failing = Object.create(driver(), {
      queues: { value: () => Promise.reject(new Error('secret connection string redis://user:pw@host')) },
    }) as MemoryDriver;
    const api = await start({ driver: failing });
    const original = console.error;
    console.error = () => undefined;
    try {
      const { status, body } = await api.get('api/queues');
      expect(status).toBe(502);
      expect(JSON.stringify(body)).not.toContain('secret');
    } finally {
      console.error = original;
    }
  });
});

describe('mount paths', () => {
  it('the_base_path_without_slash_redirects_and_other_paths_go_to_next_or_404', async () => {
    const dashboard = createDashboard({ driver: driver(), basePath: '/jobs' });
    const served = await serve((req, res) =>
      dashboard(req, res, () => {
        res.statusCode = 418;
        res.end('app');
      }),
    );
    const redirect = await fetch(`${served.origin}/jobs`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/jobs/');
    expect((await fetch(`${served.origin}/other`)).status).toBe(418);
    expect((await fetch(`${served.origin}/jobsx/api/queues`)).status).toBe(418);
  });

  it('options_are_checked_when_created', () => {
    expect(() => createDashboard({ driver: {} as DashboardOptions['driver'] })).toThrow(/has no counts\(\)/);
    expect(() => createDashboard({ driver: driver(), basePath: 'jobs' })).toThrow(/basePath must be a path starting with "\/"/);
    expect(() => createDashboard({ driver: driver(), refreshMs: 10 })).toThrow(/refreshMs/);
  });
});

async function deadLetters(count: number, message: string): Promise<JobRecord[]> {
  for (let i = 0; i < count; i++) await client().enqueue('doomed', { i });
  const { jobs } = await driver().reserve({ queue: 'default', limit: count, leaseMs: 60_000, now: Date.now() });
  for (const { lease } of jobs) await driver().fail(lease, { attempts: 1, lastError: message, failedAt: Date.now(), reason: message }, Date.now());
  return jobs.map((reserved) => reserved.job);
}
