import { afterEach, describe, expect, it } from 'vitest';
import { cli, RunningWorker, redisUrl } from './support/cli.js';
import { REDIS, useCliStore } from './support/shared-stores.js';

/** `taskharbor dashboard` as a user runs it: the built binary serving the store the flags name. */
describe.skipIf(!redisUrl)('taskharbor dashboard on Redis', () => {
  const store = useCliStore(REDIS, 'dashboard');
  let running: RunningWorker | undefined;

  afterEach(async () => {
    await running?.stop('SIGTERM');
    running = undefined;
  });

  async function start(...flags: string[]): Promise<{ url: string; readOnly: boolean }> {
    running = new RunningWorker([...store().flags, 'dashboard', '--port', '0', '--json', ...flags]);
    const started = await running.waitFor((event) => typeof event.url === 'string');
    return started as { url: string; readOnly: boolean };
  }

  async function post(url: string, path: string): Promise<number> {
    const session = await fetch(new URL('api/session', url));
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { csrfToken } = (await session.json()) as { csrfToken: string };
    const answer = await fetch(new URL(path, url), { method: 'POST', headers: { cookie, 'x-taskharbor-csrf': csrfToken } });
    return answer.status;
  }

  it('serves_the_store_on_loopback_read_only_by_default_and_stops_on_a_signal', async () => {
    const { id } = await store().client.enqueue('report.build', {}, { queue: 'reports' });
    const { url, readOnly } = await start();
    expect(readOnly).toBe(true);
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const queues = (await (await fetch(new URL('api/queues', url))).json()) as { queues: { name: string; counts: { ready: number } }[] };
    expect(queues.queues).toEqual([expect.objectContaining({ name: 'reports', counts: expect.objectContaining({ ready: 1 }) })]);
    expect(await (await fetch(url)).text()).toContain('assets/app.js');
    expect(await post(url, `api/queues/reports/jobs/${id}/cancel`)).toBe(403);
    expect((await store().driver.inspect({ queue: 'reports', id }))?.status).toBe('ready');
    expect(await (running as RunningWorker).stop('SIGINT')).toBe(0);
    running = undefined;
  });

  it('allow_actions_lets_the_page_act', async () => {
    const { id } = await store().client.enqueue('report.build', {}, { queue: 'reports' });
    const { url, readOnly } = await start('--allow-actions');
    expect(readOnly).toBe(false);
    expect(await post(url, `api/queues/reports/jobs/${id}/cancel`)).toBe(200);
    expect((await store().driver.inspect({ queue: 'reports', id }))?.status).toBe('cancelled');
  });

  it('a_bad_port_is_a_usage_error_before_connecting', async () => {
    const result = await cli([...store().flags, 'dashboard', '--port', '70000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port: expected a whole number from 0 to 65535, got "70000"/);
  });
});
