import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { serve } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createDashboard, type DashboardHandler } from '../src/index.js';
import { ApiClient, listen, type Served, serveNode } from './support/serve.js';

/**
 * The same dashboard mounted at /admin/jobs in each server the docs show,
 * exactly as docs/dashboard.md mounts it: the page, a read, a CSRF-checked
 * action that changes the store, and the host app's own routes untouched.
 */
type Mount = (dashboard: DashboardHandler) => Promise<Served>;

const mounts: Record<string, Mount> = {
  'node:http': (dashboard) =>
    serveNode((req, res) =>
      dashboard(req, res, () => {
        res.end('app route');
      }),
    ),
  express: (dashboard) => {
    const app = express();
    app.use('/admin/jobs', dashboard);
    app.get('/hello', (_req, res) => {
      res.send('app route');
    });
    return listen(createServer(app));
  },
  fastify: async (dashboard) => {
    const app = Fastify();
    const handler = async (request: { raw: Parameters<DashboardHandler>[0] }, reply: { hijack(): void; raw: Parameters<DashboardHandler>[1] }) => {
      reply.hijack();
      await dashboard(request.raw, reply.raw);
    };
    app.all('/admin/jobs', handler);
    app.all('/admin/jobs/*', handler);
    app.get('/hello', async () => 'app route');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { origin: `http://127.0.0.1:${port}`, close: () => app.close() };
  },
  hono: async (dashboard) => {
    const app = new Hono<{ Bindings: { incoming: Parameters<DashboardHandler>[0]; outgoing: Parameters<DashboardHandler>[1] } }>();
    const handler = async (c: { env: { incoming: Parameters<DashboardHandler>[0]; outgoing: Parameters<DashboardHandler>[1] } }) => {
      await dashboard(c.env.incoming, c.env.outgoing);
      return RESPONSE_ALREADY_SENT;
    };
    app.all('/admin/jobs', handler);
    app.all('/admin/jobs/*', handler);
    app.get('/hello', (c) => c.text('app route'));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    const { port } = server.address() as AddressInfo;
    return {
      origin: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
};

let served: Served | undefined;
let driver: MemoryDriver | undefined;

afterEach(async () => {
  await served?.close();
  served = undefined;
  await driver?.close();
});

describe('mounted in Express without a basePath', () => {
  it('redirects_the_mount_path_to_its_slash_so_relative_urls_hold', async () => {
    driver = new MemoryDriver();
    const app = express();
    app.use('/jobs', createDashboard({ driver }));
    served = await listen(createServer(app));
    const redirect = await fetch(`${served.origin}/jobs`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/jobs/');
    expect(await (await fetch(`${served.origin}/jobs/`)).text()).toContain('assets/app.js');
    expect((await fetch(`${served.origin}/jobs/api/queues`)).status).toBe(200);
  });
});

describe.each(Object.keys(mounts))('mounted in %s', (name) => {
  it('serves_the_page_the_api_and_actions_under_its_path', async () => {
    driver = new MemoryDriver();
    const { id } = await new Client(driver).enqueue('email.send', { to: 'a@b.c' }, { queue: 'emails' });
    served = await (mounts[name] as Mount)(createDashboard({ driver, basePath: '/admin/jobs', auth: () => true }));
    const api = new ApiClient(`${served.origin}/admin/jobs/`);

    const page = await fetch(api.base);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="assets/app.js');
    expect((await fetch(new URL('assets/app.css', api.base))).status).toBe(200);

    const queues = await api.get('api/queues');
    expect(queues.body.queues).toEqual([expect.objectContaining({ name: 'emails', paused: false })]);
    expect((await api.get('api/queues/emails/jobs?limit=0')).status).toBe(400);

    const cancelled = await api.post(`api/queues/emails/jobs/${id}/cancel`);
    expect(cancelled).toEqual({ status: 200, body: { status: 'cancelled' } });
    expect((await driver.inspect({ queue: 'emails', id }))?.status).toBe('cancelled');

    const redirect = await fetch(`${served.origin}/admin/jobs`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/admin/jobs/');

    const own = await fetch(`${served.origin}/hello`);
    expect(await own.text()).toBe('app route');
  });
});
