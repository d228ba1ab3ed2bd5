import type { IncomingMessage } from 'node:http';
import type { Admin, Driver } from '@taskharbor/core';

/**
 * What a request may do. `write`: look and act; `read`: look only; `none`:
 * nothing (403 for every request). `true` means `write`, `false` means `read`.
 */
export type DashboardAccess = 'write' | 'read' | 'none';

/** Decides, per request, what the request may do. Throwing answers 500 and allows nothing. */
export type DashboardAuth = (req: IncomingMessage) => DashboardAccess | boolean | Promise<DashboardAccess | boolean>;

export interface DashboardOptions {
  /** The store to show: any TaskHarbor driver (Driver and Admin); actions need one that declares job control. */
  driver: Driver & Admin;
  /**
   * The URL path the dashboard is served under, such as `/jobs` (default
   * `/`). Requests outside it go to `next` (or get a 404 without one).
   */
  basePath?: string;
  /**
   * Decides what each request may do. Without it the dashboard is
   * read-only for everyone: actions need an auth that answers `write`.
   */
  auth?: DashboardAuth;
  /** Forces read-only whatever auth answers. */
  readOnly?: boolean;
  /** How often the page refreshes itself, in milliseconds (default 3000, at least 1000). */
  refreshMs?: number;
}

export interface ResolvedOptions {
  driver: Driver & Admin;
  /** Without a trailing slash; empty for the root. */
  basePath: string;
  auth?: DashboardAuth;
  readOnly: boolean;
  refreshMs: number;
}

/** Checks the options once, when the dashboard is created, so a typo fails at start-up and not on the first request. */
export function resolveOptions(options: DashboardOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('createDashboard: pass an options object with a driver');
  const { driver } = options;
  for (const method of ['counts', 'list', 'inspect', 'queues'] as const) {
    if (typeof (driver as unknown as Record<string, unknown> | undefined)?.[method] !== 'function') {
      throw new TypeError(`createDashboard: options.driver has no ${method}(); pass a TaskHarbor driver (Driver and Admin)`);
    }
  }
  const basePath = options.basePath ?? '/';
  if (typeof basePath !== 'string' || !basePath.startsWith('/') || /[?#\s]/.test(basePath) || basePath.includes('//')) {
    throw new TypeError(`createDashboard: basePath must be a path starting with "/" (such as "/jobs"), got ${JSON.stringify(basePath)}`);
  }
  if (options.auth !== undefined && typeof options.auth !== 'function') {
    throw new TypeError('createDashboard: auth must be a function of the request');
  }
  const refreshMs = options.refreshMs ?? 3000;
  if (!Number.isInteger(refreshMs) || refreshMs < 1000) {
    throw new TypeError(`createDashboard: refreshMs must be an integer of at least 1000, got ${String(refreshMs)}`);
  }
  const resolved: ResolvedOptions = {
    driver,
    basePath: basePath.replace(/\/+$/, ''),
    readOnly: options.readOnly === true,
    refreshMs,
  };
  if (options.auth !== undefined) resolved.auth = options.auth;
  return resolved;
}
