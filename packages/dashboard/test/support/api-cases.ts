import type { RequestListener } from 'node:http';
import { Client } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { afterEach, beforeEach } from 'vitest';
import { createDashboard, type DashboardOptions } from '../../src/index.js';
import { ApiClient, type Served, serveNode } from './serve.js';

export interface ApiCases {
  /** The case's own memory driver, new for every case. */
  driver(): MemoryDriver;
  client(): Client;
  /** The server the case started last, if any. */
  served(): Served | undefined;
  /** Serves the listener on a free loopback port; closed after the case unless another serve() replaced it first. */
  serve(listener: RequestListener): Promise<Served>;
  /** Serves a dashboard at /jobs/ on the case's driver that lets every request through, as far as `options` do not say otherwise. */
  start(options?: Partial<DashboardOptions>): Promise<ApiClient>;
}

/** Registers, for the enclosing file or describe block, a fresh memory store before each case and closes its server and store after it. */
export function useApiCases(): ApiCases {
  let driver: MemoryDriver | undefined;
  let client: Client | undefined;
  let served: Served | undefined;

  beforeEach(() => {
    driver = new MemoryDriver();
    client = new Client(driver);
  });

  afterEach(async () => {
    await served?.close();
    served = undefined;
    await driver?.close();
  });

  const current = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the store is made before each case: use it inside a case');
    return value;
  };
  const serve = async (listener: RequestListener): Promise<Served> => {
    served = await serveNode(listener);
    return served;
  };

  return {
    driver: () => current(driver),
    client: () => current(client),
    served: () => served,
    serve,
    start: async (options = {}) => {
      const dashboard = createDashboard({ driver: current(driver), basePath: '/jobs', auth: () => true, ...options });
      const started = await serve((req, res) => dashboard(req, res));
      return new ApiClient(`${started.origin}/jobs/`);
    },
  };
}
