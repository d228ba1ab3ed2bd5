import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Admin, Client, type Driver } from '@taskharbor/core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createDashboard, type DashboardOptions } from '../../src/index.js';
import { requireChromium } from './browser-env.js';
import { type Served, serveNode } from './serve.js';
import type { TestStore } from './stores.js';

/** Where the browser cases write their screenshots: docs/images/ with TASKHARBOR_UPDATE_SCREENSHOTS=1, else a folder of their own. */
export const SCREENSHOTS = process.env.TASKHARBOR_UPDATE_SCREENSHOTS === '1'
  ? fileURLToPath(new URL('../../../../docs/images/', import.meta.url))
  : mkdtempSync(join(tmpdir(), 'taskharbor-dashboard-shots-'));

/** Serves a dashboard on the driver that lets every request through and refreshes every second, as far as `options` do not say otherwise. */
export async function serveDashboard(driver: DashboardOptions['driver'], options: Partial<DashboardOptions> = {}): Promise<Served> {
  const dashboard = createDashboard({ driver, auth: () => true, refreshMs: 1000, ...options });
  return serveNode((req, res) => dashboard(req, res));
}

function current<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no ${what} yet: it is made for each case`);
  return value;
}

export interface ChromiumOptions {
  /** Open the page before each case, rather than when the case calls open(). */
  openEachCase?: boolean;
  /** A dialog on the page fails the case (it is dismissed). */
  failOnDialog?: boolean;
  /** Runs after each case, once its page is closed: the place to close the case's server and store. */
  afterCase?: () => Promise<void>;
}

export interface Pages {
  /** The case's page. */
  page(): Page;
  /** Opens the case's page: a fresh context with a steady viewport, locale and time zone. */
  open(): Promise<Page>;
}

/**
 * One Chromium for the enclosing describe block, launched before its first
 * case and closed after its last, and a fresh page for each case. After each
 * case the page's context is closed, then `afterCase` runs, then the case
 * fails if a script on the page threw.
 */
export function useChromium(options: ChromiumOptions = {}): Pages {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let scriptErrors: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: requireChromium(), args: ['--no-sandbox', '--disable-gpu'] });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  const open = async (): Promise<Page> => {
    context = await current(browser, 'browser').newContext({ viewport: { width: 1200, height: 760 }, locale: 'en-US', timezoneId: 'America/New_York' });
    const opened = await context.newPage();
    page = opened;
    opened.on('pageerror', (error) => scriptErrors.push(error.message));
    if (options.failOnDialog) {
      opened.on('dialog', (dialog) => {
        scriptErrors.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
    }
    return opened;
  };

  beforeEach(async () => {
    scriptErrors = [];
    if (options.openEachCase) await open();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    page = undefined;
    await options.afterCase?.();
    expect(scriptErrors).toEqual([]);
  });

  return { page: () => current(page, 'page'), open };
}

export interface DashboardPages<D extends Driver & Admin> {
  /** The case's own store, new for every case. */
  driver(): D;
  client(): Client;
  /** The dashboard the case's page was opened on. */
  served(): Served;
  page(): Page;
  /** Serves a dashboard on the case's driver (or on `driver`) and opens the case's page. */
  open(driver?: D): Promise<Page>;
}

/**
 * The dashboard in Chromium on a fresh store for each case (see useChromium
 * for the browser and the page). After each case its page, its dashboard and
 * its store are closed, in that order.
 */
export function useDashboardPages<D extends Driver & Admin>(makeStore: () => Promise<TestStore<D>>, options: { openEachCase?: boolean } = {}): DashboardPages<D> {
  let store: TestStore<D> | undefined;
  let client: Client | undefined;
  let served: Served | undefined;

  const pages = useChromium({
    afterCase: async () => {
      await served?.close();
      served = undefined;
      await store?.close();
      store = undefined;
    },
  });

  const open = async (driver: D = current(store, 'store').driver): Promise<Page> => {
    served = await serveDashboard(driver);
    return pages.open();
  };

  beforeEach(async () => {
    store = await makeStore();
    client = new Client(store.driver);
    if (options.openEachCase) await open();
  });

  return {
    driver: () => current(store, 'store').driver,
    client: () => current(client, 'client'),
    served: () => current(served, 'dashboard'),
    page: pages.page,
    open,
  };
}
