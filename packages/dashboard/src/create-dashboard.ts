import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasJobControl } from '@taskharbor/core';
import type { RouteContext } from './api/context.js';
import { matchRoute } from './api/routes.js';
import { pageAssets } from './assets.js';
import { accessFor } from './http/access.js';
import { verifyCsrf } from './http/csrf.js';
import { HttpError, toHttpError } from './http/http-error.js';
import { sendBody, sendError, sendJson, securityHeaders } from './http/respond.js';
import { type DashboardOptions, resolveOptions } from './options.js';

/** Node's request handler shape, with Express's optional `next`. */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => Promise<void>;

/** Express keeps the full path here when it strips a mount path from `req.url`. */
type MountedRequest = IncomingMessage & { originalUrl?: string };

interface Located {
  /** The path after the base path: '' (the base itself), '/', '/api/...', '/assets/...'. */
  rest: string;
  search: URLSearchParams;
  /** The path the browser asked for, for the redirect to the trailing slash. */
  external: string;
}

function underBase(path: string, basePath: string): string | undefined {
  if (basePath === '') return path;
  if (path === basePath || path.startsWith(`${basePath}/`)) return path.slice(basePath.length);
  return undefined;
}

const OWN_PATH = /^(\/?|\/api\/.*|\/assets\/[^/]+)$/;

/**
 * Finds the dashboard's part of the URL. Mounted with a path prefix
 * (Express's `app.use('/jobs', handler)`), `req.url` has lost the prefix and
 * `originalUrl` still has it; either may match the base path.
 */
function locate(req: MountedRequest, basePath: string): Located | undefined {
  const external = new URL(req.originalUrl ?? req.url ?? '/', 'http://dashboard.invalid');
  for (const raw of [req.originalUrl, req.url]) {
    if (raw === undefined) continue;
    const url = new URL(raw, 'http://dashboard.invalid');
    const rest = underBase(url.pathname, basePath);
    if (rest !== undefined && OWN_PATH.test(rest)) return { rest, search: url.searchParams, external: external.pathname };
  }
  return undefined;
}

/**
 * The dashboard as one Node request handler: the page, its files and the
 * JSON API under `basePath`. Mount it in node:http, Express, Fastify or
 * Hono (see the package README). Without `auth` it is read-only.
 *
 * @example
 * const dashboard = createDashboard({ driver, basePath: '/jobs', auth: (req) => isAdmin(req) });
 * http.createServer((req, res) => dashboard(req, res)).listen(3000);
 */
export function createDashboard(options: DashboardOptions): DashboardHandler {
  const resolved = resolveOptions(options);
  const { driver } = resolved;
  const control = hasJobControl(driver) ? driver : undefined;
  const cookiePath = resolved.basePath === '' ? '/' : resolved.basePath;

  async function serve(req: MountedRequest, res: ServerResponse, where: Located): Promise<void> {
    const method = req.method ?? 'GET';
    const access = await accessFor(req, resolved, control !== undefined);
    if (!access.canRead) throw new HttpError(403, 'FORBIDDEN', 'access denied by the dashboard auth function');
    // The page's URLs are relative, so it must be served at a path ending in a slash.
    if (where.rest === '' || (where.rest === '/' && !where.external.endsWith('/'))) {
      res.statusCode = 308;
      res.setHeader('Location', `${where.external}/`);
      res.end();
      return;
    }
    if (!where.rest.startsWith('/api/')) {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'use GET for the page and its files');
      const assets = pageAssets();
      if (where.rest === '/') {
        sendBody(res, 'text/html; charset=utf-8', assets.html, 'no-store', method === 'HEAD');
        return;
      }
      const file = assets.files.get(where.rest.slice('/assets/'.length));
      if (file === undefined) throw new HttpError(404, 'NOT_FOUND', `no file ${where.rest}`);
      const current = where.search.get('v') === assets.version;
      sendBody(res, file.type, file.body, current ? 'public, max-age=31536000, immutable' : 'no-cache', method === 'HEAD');
      return;
    }
    const { route, params } = matchRoute(method, where.rest.slice('/api/'.length).split('/'));
    if (route.method === 'POST') {
      if (!access.canAct) throw new HttpError(403, 'READ_ONLY', `this dashboard is ${access.readOnlyReason ?? 'read-only'}`);
      verifyCsrf(req);
    }
    const ctx: RouteContext = { req, res, options: resolved, driver, control, access, params, searchParams: where.search, cookiePath };
    const body = await route.handler(ctx);
    sendJson(res, 200, body);
  }

  return async function dashboard(req, res, next) {
    const where = locate(req, resolved.basePath);
    if (where === undefined) {
      if (next !== undefined) {
        next();
        return;
      }
      securityHeaders(res);
      sendError(res, new HttpError(404, 'NOT_FOUND', `not a dashboard path; the dashboard is at ${cookiePath}`));
      return;
    }
    securityHeaders(res);
    try {
      await serve(req, res, where);
    } catch (thrown) {
      const { error, unexpected } = toHttpError(thrown);
      if (unexpected) console.error('taskharbor dashboard: request failed', thrown);
      if (res.headersSent) res.destroy();
      else sendError(res, error);
    }
  };
}
