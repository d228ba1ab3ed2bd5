/// <reference lib="dom" />
import { join } from 'node:path';
import { Client } from '@taskharbor/core';
import type { RedisDriver } from '@taskharbor/driver-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIP_BROWSER } from './support/browser-env.js';
import { SCREENSHOTS, serveDashboard, useChromium } from './support/chromium.js';
import type { Served } from './support/serve.js';
import { redisStore, type TestStore } from './support/stores.js';

/**
 * The dashboard in a real browser on a real Redis. One Chromium for the
 * file; each case gets a fresh page and queues of its own. Screenshots of
 * each page are taken on every run; with TASKHARBOR_UPDATE_SCREENSHOTS=1 they
 * replace the ones in docs/images/.
 */
// A few seconds a case on a quiet machine; the timeout leaves room for a loaded one.
describe.skipIf(SKIP_BROWSER)('dashboard in Chromium on Redis', { timeout: 60_000 }, () => {
  let store: TestStore<RedisDriver>;
  let driver: RedisDriver;
  let client: Client;
  let writable: Served;
  let readOnly: Served;

  beforeAll(async () => {
    store = await redisStore();
    driver = store.driver;
    client = new Client(driver);
    writable = await serveDashboard(driver);
    readOnly = await serveDashboard(driver, { readOnly: true });
  });

  afterAll(async () => {
    await writable?.close();
    await readOnly?.close();
    await store?.close();
  });

  // Registered after the store, so Chromium starts after it and closes before it.
  const { page } = useChromium({ openEachCase: true, failOnDialog: true });

  // The file's key prefix keeps its queues apart from every other run, so plain names do (and keep the screenshots steady).
  const queueName = (name: string) => name;

  async function deadLetter(queue: string, count: number, message: string, type = 'doomed'): Promise<string[]> {
    for (let i = 0; i < count; i++) await client.enqueue(type, { i }, { queue });
    const { jobs } = await driver.reserve({ queue, limit: count, leaseMs: 60_000, now: Date.now() });
    for (const { lease } of jobs) {
      await driver.fail(lease, { attempts: 1, lastError: message, failedAt: Date.now(), reason: message }, Date.now());
    }
    return jobs.map(({ job }) => job.id);
  }

  /** A job with a story for the job page's screenshot: progress reported, a failure retried, then dead-lettered. */
  async function storyJob(queue: string): Promise<string> {
    const { id } = await client.enqueue('invoice.send', { invoice: 'INV-2041', to: 'billing@example.com', lines: 3 }, { queue, maxAttempts: 2 });
    const first = (await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: Date.now() })).jobs[0]!;
    await driver.setProgress(first.lease, JSON.stringify({ rendered: true, sent: false }), Date.now());
    await driver.retry(first.lease, { attempts: 1, lastError: 'SMTP 421: service not available, try again later', failedAt: Date.now() }, Date.now());
    const second = (await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: Date.now() })).jobs[0]!;
    const failure = { attempts: 2, lastError: 'SMTP 550: mailbox unavailable', failedAt: Date.now(), reason: 'SMTP 550: mailbox unavailable' };
    await driver.fail(second.lease, failure, Date.now());
    return id;
  }

  async function shoot(name: string): Promise<void> {
    await page().screenshot({ path: join(SCREENSHOTS, `dashboard-${name}.png`) });
  }

  it('overview_counts_match_counts', async () => {
    const queue = queueName('orders');
    for (let i = 0; i < 7; i++) await client.enqueue('order.ship', { order: i }, { queue });
    await client.enqueue('order.remind', {}, { queue, delayMs: 3_600_000 });
    await deadLetter(queue, 2, 'carrier API answered 503');
    const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: Date.now() });
    await driver.ack(jobs[0]!.lease, Date.now());
    await driver.pause(queue);

    await page().goto(`${writable.origin}/`);
    const row = page().locator(`tr[data-queue="${queue}"]`);
    await row.waitFor();
    const counts = await driver.counts(queue);
    for (const status of ['ready', 'scheduled', 'inflight', 'done', 'dlq', 'cancelled'] as const) {
      await expect.poll(() => row.getByTestId(`count-${status}`).textContent()).toBe(String(counts[status]));
    }
    expect(await row.getByTestId('paused').isVisible()).toBe(true);
    await shoot('overview');

    // The page refreshes by itself: a new job shows without a reload.
    await client.enqueue('order.ship', {}, { queue });
    await expect.poll(() => row.getByTestId('count-ready').textContent(), { timeout: 5000 }).toBe(String(counts.ready + 1));
  });

  it('paging_through_250_jobs_shows_each_once', async () => {
    const queue = queueName('bulk');
    const ids = new Set<string>();
    for (let i = 0; i < 250; i++) ids.add((await client.enqueue('bulk.item', { i }, { queue })).id);
    await page().goto(`${writable.origin}/#/queue/${queue}?status=ready`);
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      const rows = page().locator('tr[data-job-id]');
      await rows.first().waitFor();
      const onPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-job-id') as string));
      seen.push(...onPage);
      pages++;
      if (pages === 2) await shoot('queue');
      const next = page().getByTestId('next');
      if (await next.isDisabled()) break;
      await next.click();
      await page().waitForFunction((first) => document.querySelector('tr[data-job-id]')?.getAttribute('data-job-id') !== first, onPage[0]);
    }
    expect(pages).toBe(5);
    expect(seen).toHaveLength(250);
    expect(new Set(seen)).toEqual(ids);
  });

  it('refresh_keeps_the_place_and_patches_rows_in_place', async () => {
    const queue = queueName('steady');
    for (let i = 0; i < 80; i++) await client.enqueue('steady.item', { i }, { queue });
    await page().goto(`${writable.origin}/#/queue/${queue}?status=ready`);
    await page().locator('tr[data-job-id]').first().waitFor();
    await page().getByTestId('next').click();
    await page().waitForFunction(() => window.location.hash.includes('cursor='));
    const hash = await page().evaluate(() => window.location.hash);
    const firstRow = page().locator('tr[data-job-id]').first();
    await firstRow.evaluate((tr) => {
      (tr as HTMLElement & { marked?: boolean }).marked = true;
    });
    await page().evaluate(() => window.scrollTo(0, 300));
    const scroll = await page().evaluate(() => window.scrollY);
    // A change in the store reaches the open page within a refresh or two.
    await client.enqueue('steady.item', {}, { queue });
    await expect.poll(() => page().getByTestId('tab-ready').textContent(), { timeout: 5000 }).toContain('81');
    expect(await page().evaluate(() => window.location.hash)).toBe(hash);
    expect(await page().evaluate(() => window.scrollY)).toBe(scroll);
    expect(await firstRow.evaluate((tr) => (tr as HTMLElement & { marked?: boolean }).marked)).toBe(true);
  });

  it('cancel_and_requeue_from_the_page_change_the_store', async () => {
    const queue = queueName('mail');
    const { id } = await client.enqueue('email.send', { to: 'ops@example.com', template: 'welcome' }, { queue });
    await page().goto(`${writable.origin}/#/job/${queue}/${id}`);
    await page().getByTestId('payload').waitFor();
    const created = page().locator('table.fields time').first();
    expect(await created.getAttribute('title')).toMatch(/^UTC \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(await created.textContent()).toMatch(/E[SD]T$/);
    await page().getByTestId('action-cancel').click();
    await page().getByTestId('confirm').click();
    await page().getByTestId('notice').filter({ hasText: `cancelled job ${id}` }).waitFor();
    expect((await driver.inspect({ queue, id }))?.status).toBe('cancelled');
    await expect.poll(() => page().getByTestId('job-actions').locator('button').allTextContents()).toEqual(['Remove']);

    const [dead, other] = await deadLetter(queue, 2, 'SMTP 550: mailbox unavailable');
    const story = await storyJob('invoices');
    await page().goto(`${writable.origin}/#/job/invoices/${story}`);
    await page().getByTestId('errors').waitFor();
    expect(await page().getByTestId('errors').locator('tbody tr').count()).toBe(2);
    expect(await page().getByTestId('progress').textContent()).toContain('"rendered": true');
    await shoot('job');
    await page().goto(`${writable.origin}/#/dlq/${queue}`);
    const row = page().locator(`tr[data-job-id="${dead}"]`);
    await row.waitFor();
    await shoot('dead-letters');
    await row.getByTestId('requeue-one').click();
    await page().getByTestId('notice').filter({ hasText: `requeued job ${dead}` }).waitFor();
    expect((await driver.inspect({ queue, id: dead as string }))?.status).toBe('ready');
    await page().getByTestId('requeue-all').click();
    await page().getByRole('dialog').getByText('Requeue 1 dead-lettered job?').waitFor();
    await page().getByTestId('confirm').click();
    await page().getByTestId('notice').filter({ hasText: 'requeued 1 dead-lettered job' }).waitFor();
    expect((await driver.inspect({ queue, id: other as string }))?.status).toBe('ready');
  });

  it('purge_confirmation_names_the_count', async () => {
    const queue = queueName('purge');
    await deadLetter(queue, 3, 'gone');
    await page().goto(`${writable.origin}/#/queue/${queue}?status=dlq`);
    await page().getByTestId('purge-dlq').click();
    await page().getByRole('dialog').getByText('Purge 3 dead jobs?').waitFor();
    await page().getByTestId('confirm').click();
    await page().getByTestId('notice').filter({ hasText: 'purged 3 dead jobs' }).waitFor();
    expect((await driver.counts(queue)).dlq).toBe(0);
  });

  it('schedules_page_shows_next_runs_and_run_now_enqueues_a_job', async () => {
    await client.schedule('nightly-report', { cron: '0 3 * * *', timezone: 'Europe/Berlin', type: 'report.build', queue: 'reports' });
    await client.schedule('cache-warm', { everyMs: 300_000, type: 'cache.warm', queue: 'reports' });
    await page().goto(`${writable.origin}/`);
    await page().getByRole('link', { name: 'Schedules' }).click();
    const row = page().locator('tr[data-schedule="nightly-report"]');
    await row.waitFor();
    expect(await row.locator('time').first().getAttribute('title')).toMatch(/ 02:00:00\.000$|^UTC \d{4}-\d\d-\d\d 0[12]:00:00\.000$/);
    await shoot('schedules');
    const before = (await driver.counts('reports')).ready;
    await row.getByTestId('trigger').click();
    await page().getByTestId('notice').filter({ hasText: 'triggered nightly-report' }).waitFor();
    expect((await driver.counts('reports')).ready).toBe(before + 1);
    await row.getByTestId('pause-schedule').click();
    await row.getByTestId('schedule-paused').waitFor();
    expect((await driver.getSchedule('nightly-report'))?.paused).toBe(true);
  });

  it('read_only_mode_hides_and_refuses_actions', async () => {
    const queue = queueName('watch');
    await deadLetter(queue, 1, 'nope');
    const { id } = await client.enqueue('report.build', {}, { queue });
    await page().goto(`${readOnly.origin}/#/job/${queue}/${id}`);
    await page().getByTestId('payload').waitFor();
    expect(await page().getByTestId('read-only').textContent()).toMatch(/readOnly/);
    expect(await page().getByTestId('job-actions').count()).toBe(0);
    await page().goto(`${readOnly.origin}/#/queue/${queue}`);
    await page().locator('tr[data-job-id]').first().waitFor();
    expect(await page().locator('button[data-testid^="purge-"], [data-testid=pause]').count()).toBe(0);
    // The page's own fetch, with the session's token, is refused too.
    const status = await page().evaluate(async ([q, job]) => {
      const session = (await (await fetch('api/session')).json()) as { csrfToken: string };
      const answer = await fetch(`api/queues/${q}/jobs/${job}/cancel`, { method: 'POST', headers: { 'x-taskharbor-csrf': session.csrfToken } });
      return answer.status;
    }, [queue, id]);
    expect(status).toBe(403);
    expect((await driver.inspect({ queue, id }))?.status).toBe('ready');
  });

  it('payloads_errors_and_types_are_text_and_no_script_runs', async () => {
    const queue = queueName('xss');
    const attack = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>';
    const type = '<img/src=x/onerror=window.__pwned=3>';
    const { id } = await client.enqueue(type, { html: attack }, { queue });
    const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: Date.now() });
    await driver.fail(jobs[0]!.lease, { attempts: 1, lastError: attack, failedAt: Date.now(), reason: attack }, Date.now());

    for (const view of [`#/job/${queue}/${id}`, `#/dlq/${queue}`, `#/queue/${queue}`, '#/']) {
      await page().goto(`${writable.origin}/${view}`);
      await page().getByText('Queues').first().waitFor();
      await page().waitForLoadState('networkidle');
      if (view.startsWith('#/job')) {
        expect(await page().getByTestId('payload').textContent()).toContain(attack.replace(/"/g, '\\"'));
        expect(await page().getByTestId('last-error').textContent()).toBe(attack);
        expect(await page().locator('table.fields td').first().textContent()).toBe(type);
      }
      expect(await page().locator('img').count()).toBe(0);
      expect(await page().locator('main script').count()).toBe(0);
      expect(await page().evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    }
  });
});
