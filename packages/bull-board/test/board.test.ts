import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import { Client } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import express from 'express';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskHarborAdapter } from '../src/index.js';
import { deletePrefix, requireBrowserEnv, SKIP_BROWSER, testPrefix } from './support/browser-env.js';

/** With TASKHARBOR_UPDATE_SCREENSHOTS=1 the board's screenshot replaces the one in docs/images/. */
const SCREENSHOTS =
  process.env.TASKHARBOR_UPDATE_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../../docs/images/', import.meta.url))
    : mkdtempSync(join(tmpdir(), 'taskharbor-bull-board-shots-'));
mkdirSync(SCREENSHOTS, { recursive: true });

/** Bull Board mounted in Express with a TaskHarbor queue on Redis, driven through its API and in Chromium. */
describe.skipIf(SKIP_BROWSER)('a TaskHarbor queue in Bull Board', { timeout: 60_000 }, () => {
  const prefix = testPrefix();
  let driver: RedisDriver;
  let client: Client;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const env = requireBrowserEnv();
    driver = await RedisDriver.connect({ url: env.redisUrl, db: 14, keyPrefix: prefix });
    client = new Client(driver);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath('/admin/queues');
    createBullBoard({ queues: [new TaskHarborAdapter(driver, 'emails'), new TaskHarborAdapter(driver, 'reports')], serverAdapter });
    const app = express();
    app.use('/admin/queues', serverAdapter.getRouter());
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/queues`;
    browser = await chromium.launch({ executablePath: env.chromium, args: ['--no-sandbox', '--disable-gpu'] });
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    if (driver !== undefined) {
      await deletePrefix(driver, prefix);
      await driver.close();
    }
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1300, height: 800 } });
  });

  afterEach(async () => {
    await page.close();
  });

  async function deadLetter(queue: string, count: number, message: string): Promise<string[]> {
    for (let i = 0; i < count; i++) await client.enqueue('email.send', { to: `user${i}@example.com` }, { queue });
    const { jobs } = await driver.reserve({ queue, limit: count, leaseMs: 60_000, now: Date.now() });
    for (const { lease } of jobs) await driver.fail(lease, { attempts: 1, lastError: message, failedAt: Date.now(), reason: message }, Date.now());
    return jobs.map(({ job }) => job.id);
  }

  async function boardApi(path: string, method = 'GET'): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${origin}/api/queues${path}`, { method });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  it('the_board_api_lists_counts_and_jobs_and_acts_on_the_store', async () => {
    const dead = await deadLetter('reports', 2, 'renderer crashed');
    await client.enqueue('report.build', {}, { queue: 'reports', delayMs: 3_600_000 });
    const { body } = await boardApi('?activeQueue=reports&status=failed&page=1&jobsPerPage=10');
    const reports = (body.queues as { name: string; counts: Record<string, number>; jobs: { id: string }[] }[]).find((q) => q.name === 'reports');
    expect(reports?.counts).toMatchObject({ failed: 2, delayed: 1, waiting: 0 });
    expect(new Set(reports?.jobs.map((job) => job.id))).toEqual(new Set(dead));

    expect((await boardApi('/reports/pause', 'PUT')).status).toBeLessThan(300);
    expect((await driver.counts('reports')).paused).toBe(true);
    expect((await boardApi('/reports/resume', 'PUT')).status).toBeLessThan(300);
    expect((await driver.counts('reports')).paused).toBe(false);
    expect((await boardApi('/reports/promote', 'PUT')).status).toBeLessThan(300);
    expect((await driver.counts('reports')).scheduled).toBe(0);
    expect((await boardApi(`/reports/${dead[0]}/clean`, 'PUT')).status).toBeLessThan(300);
    expect(await driver.inspect({ queue: 'reports', id: dead[0] as string })).toBeUndefined();
    expect((await boardApi('/reports/retry/failed', 'PUT')).status).toBeLessThan(300);
    expect((await driver.inspect({ queue: 'reports', id: dead[1] as string }))?.status).toBe('ready');
  });

  it('the_board_page_shows_dead_letters_and_its_retry_requeues_one', async () => {
    const [first, second] = await deadLetter('emails', 2, 'SMTP 550: mailbox unavailable');
    await page.goto(`${origin}/queue/emails?status=failed`);
    const card = page.locator('div', { hasText: first as string }).filter({ has: page.getByText('SMTP 550: mailbox unavailable') }).last();
    await card.waitFor();
    expect(await page.getByText('email.send').count()).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'bull-board.png') });
    await card.locator('ul button').first().click();
    // The board asks for confirmation of job actions when its settings say so.
    const confirm = page.getByRole('button', { name: /^confirm$/i });
    if (await confirm.isVisible({ timeout: 1000 }).catch(() => false)) await confirm.click();
    await expect.poll(async () => (await driver.inspect({ queue: 'emails', id: first as string }))?.status, { timeout: 10_000 }).toBe('ready');
    expect((await driver.inspect({ queue: 'emails', id: second as string }))?.status).toBe('dlq');
  });
});
