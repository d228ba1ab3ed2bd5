/// <reference lib="dom" />
import { join } from 'node:path';
import { type Admin, type Driver, type JobControl, type Lease, METRICS_BUCKET_MS, type MetricsPoint, type Observability } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { SKIP_BROWSER, SKIP_CHROMIUM } from './support/browser-env.js';
import { SCREENSHOTS, useDashboardPages } from './support/chromium.js';
import { memoryStore, redisStore, type TestStore } from './support/stores.js';

/**
 * Observability in a real browser, on the memory driver and on Redis: the Workers page,
 * the queue page's throughput chart and the job page's meta. Outcomes are
 * written through the driver with the times the test chooses, as a worker
 * writes them. One Chromium for the file, a fresh driver and page for each
 * case. With TASKHARBOR_UPDATE_SCREENSHOTS=1 the Workers page and the chart
 * replace docs/images/dashboard-workers.png and dashboard-throughput.png.
 */
const MINUTE = METRICS_BUCKET_MS;

type ObservedDriver = Driver & Admin & JobControl & Observability;

/** The cases every driver runs; `screenshots` on one of them only, so the images do not depend on the run order. */
function observabilityCases(makeStore: () => Promise<TestStore<ObservedDriver>>, options: { screenshots: boolean; withoutFamily: boolean }): void {
  const { driver, client, served, page, open } = useDashboardPages(makeStore);

  /** Enqueues and reserves one job, then ends its run with `end` at the time the caller gives. */
  async function runOne(queue: string, end: (lease: Lease) => Promise<void>): Promise<void> {
    await client().enqueue('mail.send', {}, { queue });
    const { jobs } = await driver().reserve({ queue, limit: 1, leaseMs: 30 * MINUTE, now: Date.now() });
    await end(jobs[0]!.lease);
  }

  it('workers_page_lists_a_live_worker_and_drops_it_when_it_leaves', async () => {
    await open();
    const now = Date.now();
    await driver().registerWorker(
      { id: 'worker-7f3a', host: 'web-1.internal', pid: 4242, queues: ['mail', 'reports'], concurrency: 10, running: 3, startedAt: now - 90 * MINUTE, version: '0.1.0' },
      { now, ttlMs: MINUTE },
    );
    await page().goto(`${served().origin}/`);
    await page().getByRole('link', { name: 'Workers' }).click();
    const row = page().locator('tr[data-worker="worker-7f3a"]');
    await row.waitFor();
    const cells = await row.locator('td').evaluateAll((tds) => tds.map((td) => td.textContent ?? ''));
    expect(cells[0]).toBe('worker-7f3a');
    expect(cells[1]).toBe('web-1.internal');
    expect(cells[2]).toBe('4242');
    expect(cells[3]).toBe('mail, reports');
    expect(cells[4]).toBe('3 / 10');
    expect(cells[7]).toBe('0.1.0');
    // Queue names link to their pages; the UTC time is on hover.
    expect(await row.getByRole('link', { name: 'reports' }).getAttribute('href')).toBe('#/queue/reports');
    expect(await row.locator('time').first().getAttribute('title')).toBe(`UTC ${new Date(now - 90 * MINUTE).toISOString().replace('T', ' ').replace('Z', '')}`);
    if (options.screenshots) await page().screenshot({ path: join(SCREENSHOTS, 'dashboard-workers.png') });

    // The page refreshes itself: a worker that closes leaves the table.
    await driver().removeWorker('worker-7f3a');
    await page().getByTestId('no-workers').waitFor();
  });

  it('queue_chart_numbers_match_the_driver_after_acks_and_fails', async () => {
    await open();
    const now = Date.now();
    const failure = { attempts: 1, lastError: 'Error: smtp down', failedAt: now };
    // 40 minutes ago: 3 completed. 12 minutes ago: 2 completed, 1 retried. This minute: 1 completed, 1 dead-lettered.
    for (let i = 0; i < 3; i++) await runOne('mail', (lease) => driver().ack(lease, now - 40 * MINUTE));
    for (let i = 0; i < 2; i++) await runOne('mail', (lease) => driver().ack(lease, now - 12 * MINUTE));
    await runOne('mail', (lease) => driver().retry(lease, failure, now - 12 * MINUTE));
    await runOne('mail', (lease) => driver().ack(lease, now));
    await runOne('mail', (lease) => driver().fail(lease, { ...failure, reason: 'failed 1 of 1 allowed attempts' }, now));
    // Outcomes of another queue stay out of this chart.
    await runOne('reports', (lease) => driver().ack(lease, now));

    await page().goto(`${served().origin}/#/queue/mail`);
    const panel = page().getByTestId('throughput');
    const chart = page().getByTestId('throughput-chart');
    await chart.waitFor();
    const from = Number(await panel.getAttribute('data-from'));
    const to = Number(await panel.getAttribute('data-to'));
    expect(to - from).toBe(60 * MINUTE);
    const expected: MetricsPoint[] = await driver().metrics('mail', { from, to });

    // One column per minute, each titled with its numbers (the hover text).
    const columns = await chart.locator('g[data-minute]').evaluateAll((groups) =>
      groups.map((g) => ({ minute: Number(g.getAttribute('data-minute')), title: g.querySelector('title')?.textContent ?? '', bars: g.querySelectorAll('rect').length })),
    );
    expect(columns.map((column) => column.minute)).toEqual(expected.map((point) => point.minute));
    columns.forEach((column, i) => {
      const point = expected[i]!;
      expect(column.title).toMatch(new RegExp(`^\\d\\d:\\d\\d [AP]M: ${point.completed} completed, ${point.failed} failed${point.dead > 0 ? ` \\(${point.dead} dead-lettered\\)` : ''}$`));
      expect(column.bars).toBe(1 + (point.completed > 0 ? 1 : 0) + (point.failed > 0 ? 1 : 0));
    });
    expect(await chart.locator('title').first().textContent()).toBe('Completed and failed runs per minute, last 60 minutes');
    expect(await chart.locator('desc').textContent()).toMatch(/^6 completed and 2 failed in all/);
    expect(await chart.getAttribute('role')).toBe('img');

    // The totals and the table of busy minutes, newest first.
    expect(await page().getByTestId('total-completed').textContent()).toBe('6');
    expect(await page().getByTestId('total-failed').textContent()).toBe('2');
    expect(await page().getByTestId('total-dead').textContent()).toBe('1');
    const rows = await page().getByTestId('metrics-table').locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        minute: Number(tr.getAttribute('data-minute')),
        numbers: Array.from(tr.querySelectorAll("td.num")).map((td) => Number(td.textContent)),
      })),
    );
    const busy = expected.filter((point) => point.completed + point.failed > 0).reverse();
    expect(rows).toEqual(busy.map((point) => ({ minute: point.minute, numbers: [point.completed, point.failed, point.dead] })));
    expect(busy).toHaveLength(3);
    await page().getByText('Numbers per minute').click();
    if (options.screenshots) await page().screenshot({ path: join(SCREENSHOTS, 'dashboard-throughput.png'), fullPage: true });

    // A new outcome shows at the next refresh.
    await runOne('mail', (lease) => driver().ack(lease, Date.now()));
    await expect.poll(() => page().getByTestId('total-completed').textContent(), { timeout: 10_000 }).toBe('7');
  });

  it('job_page_shows_meta_as_text_and_no_script_runs', async () => {
    await open();
    const attack = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>';
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { id } = await client().enqueue('mail.send', {}, { queue: 'mail', meta: { traceparent, note: attack } });
    await page().goto(`${served().origin}/#/job/mail/${id}`);
    const meta = page().getByTestId('meta');
    await meta.waitFor();
    const rows = await meta.locator('tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]));
    expect(rows).toEqual([
      ['traceparent', traceparent],
      ['note', attack],
    ]);
    await page().waitForLoadState('networkidle');
    expect(await page().locator('img').count()).toBe(0);
    expect(await page().locator('main script').count()).toBe(0);
    expect(await page().evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

    // A job without meta has no Meta section.
    const plain = await client().enqueue('mail.send', {}, { queue: 'mail' });
    await page().goto(`${served().origin}/#/job/mail/${plain.id}`);
    await page().getByTestId('fields').waitFor();
    expect(await page().getByTestId('meta').count()).toBe(0);
  });

  if (options.withoutFamily) it('without_the_family_the_workers_page_and_chart_are_hidden', async () => {
    const plain = Object.create(driver(), { families: { value: ['jobControl', 'schedules', 'flowControl'] } }) as ObservedDriver;
    await open(plain);
    await client().enqueue('mail.send', {}, { queue: 'mail' });
    await page().goto(`${served().origin}/#/queue/mail`);
    await page().getByTestId('status-tabs').waitFor();
    await page().waitForLoadState('networkidle');
    expect(await page().getByRole('link', { name: 'Workers' }).count()).toBe(0);
    expect(await page().getByTestId('throughput').count()).toBe(0);
    // The Workers address falls back to the overview rather than failing.
    await page().goto(`${served().origin}/#/workers`);
    await page().getByTestId('queues').waitFor();
  });
}

describe.skipIf(SKIP_CHROMIUM)('observability in Chromium on the memory driver', { timeout: 60_000 }, () => {
  observabilityCases(memoryStore, { screenshots: true, withoutFamily: true });
});

describe.skipIf(SKIP_BROWSER)('observability in Chromium on Redis', { timeout: 60_000 }, () => {
  observabilityCases(redisStore, { screenshots: false, withoutFamily: false });
});
