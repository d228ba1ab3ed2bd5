/// <reference lib="dom" />
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SKIP_CHROMIUM } from './support/browser-env.js';
import { SCREENSHOTS, useDashboardPages } from './support/chromium.js';
import { memoryStore } from './support/stores.js';

/**
 * Flow control in a real browser, on the memory driver (the first driver
 * that declares the family). One Chromium for the file, a fresh driver and
 * page for each case. With TASKHARBOR_UPDATE_SCREENSHOTS=1 the queue page's
 * screenshot replaces docs/images/dashboard-flow-control.png.
 */
describe.skipIf(SKIP_CHROMIUM)('flow control in Chromium on the memory driver', { timeout: 60_000 }, () => {
  const { driver, client, served, page } = useDashboardPages(memoryStore, { openEachCase: true });

  it('limits_holds_and_group_pause_show_and_change_from_the_page', async () => {
    await driver().setQueueLimits('sync', { concurrency: 20, rate: { max: 100, perMs: 1000 } });
    await driver().setGroupLimits('sync', { concurrency: 2 });
    for (const tenant of ['tenant-1', 'tenant-7', 'tenant-7']) await client().enqueue('sync.account', { tenant }, { queue: 'sync', group: tenant });
    await client().enqueue('mail.send', {}, { queue: 'mail' });
    // A handler's 429 on a job without a group holds the whole queue.
    await client().enqueue('mail.send', {}, { queue: 'mail' });
    const held = (await driver().reserve({ queue: 'mail', limit: 1, leaseMs: 60_000, now: Date.now() })).jobs[0]!;
    await driver().holdBack(held.lease, Date.now() + 3_600_000, Date.now());

    await page().goto(`${served().origin}/`);
    const sync = page().locator('tr[data-queue="sync"]');
    await expect.poll(() => sync.getByTestId('limits').textContent()).toContain('20 at once, 100 per 1,000 ms');
    expect(await sync.getByTestId('limits').textContent()).toContain('groups limited');
    expect(await page().locator('tr[data-queue="mail"]').getByTestId('held').isVisible()).toBe(true);

    await page().goto(`${served().origin}/#/queue/mail`);
    await page().getByTestId('queue-held').waitFor();
    await page().goto(`${served().origin}/#/queue/sync`);
    await expect.poll(() => page().getByTestId('queue-limits').textContent()).toBe('20 at once, 100 per 1,000 ms');
    expect(await page().getByTestId('group-defaults').textContent()).toBe('2 at once');
    expect(await page().getByTestId('queue-held').count()).toBe(0);

    // Change the queue's limits: the concurrency goes, the rate changes.
    await page().getByTestId('edit-limits').click();
    const form = page().getByTestId('queue-limits-form');
    await form.locator('input[name=concurrency]').fill('');
    await form.locator('input[name=rateMax]').fill('50');
    await form.getByRole('button', { name: 'Save' }).click();
    await page().getByTestId('notice').filter({ hasText: 'limits of queue sync: 50 per 1,000 ms' }).waitFor();
    expect((await driver().flowState('sync')).limits).toEqual({ rate: { max: 50, perMs: 1000 } });
    await expect.poll(() => page().getByTestId('queue-limits').textContent()).toBe('50 per 1,000 ms');

    // Pause a group by name, then resume it.
    await page().getByTestId('group-lookup').fill('tenant-7');
    await page().getByTestId('group-lookup').press('Enter');
    await expect.poll(() => page().getByTestId('group-effective').textContent()).toBe('2 at once');
    await page().getByTestId('pause-group').click();
    await page().getByTestId('group-paused').waitFor();
    expect((await driver().groupState('sync', 'tenant-7')).paused).toBe(true);
    await page().getByRole('button', { name: 'Done' }).click();
    await page().evaluate(() => window.scrollTo(0, 0));
    await page().screenshot({ path: join(SCREENSHOTS, 'dashboard-flow-control.png') });

    // A value core refuses is named, and nothing is stored.
    await page().getByTestId('edit-limits').click();
    await page().getByTestId('group-defaults-form').locator('input[name=concurrency]').fill('0');
    await page().getByTestId('group-defaults-form').getByRole('button', { name: 'Save' }).click();
    await page().getByTestId('notice').filter({ hasText: 'invalid limits.concurrency' }).waitFor();
    expect((await driver().flowState('sync')).groupDefaults).toEqual({ concurrency: 2 });

    await page().getByTestId('resume-group').click();
    await page().getByTestId('pause-group').waitFor();
    expect((await driver().groupState('sync', 'tenant-7')).paused).toBe(false);
  });

  it('job_page_shows_priority_group_and_snoozes', async () => {
    const { id } = await client().enqueue('report.build', {}, { queue: 'reports', priority: -10, group: 'tenant-3' });
    const run = (await driver().reserve({ queue: 'reports', limit: 1, leaseMs: 60_000, now: Date.now() })).jobs[0]!;
    await driver().snooze(run.lease, Date.now() + 60_000, Date.now());
    await page().goto(`${served().origin}/#/job/reports/${id}`);
    const fields = page().getByTestId('fields');
    await fields.waitFor();
    const rows = await fields.locator('tr').evaluateAll((trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows).toContain('priority-10');
    expect(rows).toContain('grouptenant-3');
    expect(rows).toContain('snoozes1');
    // The group links to the queue page with the group looked up.
    await fields.getByRole('link', { name: 'tenant-3' }).click();
    await expect.poll(() => page().getByTestId('group-state').isVisible()).toBe(true);
    expect(await page().getByTestId('group-lookup').inputValue()).toBe('tenant-3');
  });
});
