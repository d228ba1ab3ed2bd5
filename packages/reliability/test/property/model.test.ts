import { randomBytes } from 'node:crypto';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { PostgresDriver } from '@taskharbor/driver-postgres';
import type { RedisDriver } from '@taskharbor/driver-redis';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, dropSchema, openPool, SKIP_POSTGRES, schemaFor } from '../support/postgres-env.js';
import { commandSequence, freshRun, RETENTION } from '../support/property-commands.js';
import { connectRedis, deleteKeys, fcParams, LARGE, openRawClient, propertyPrefix, SKIP_REDIS, scanKeys, T0 } from '../support/property-env.js';

/**
 * Model-based test: random sequences of enqueue, reserve, extendLease, ack,
 * retry, fail, release, requeueDlq and clock moves run against a driver and
 * against the reference model (test/support/property-model.ts, written from
 * docs/driver-contract.md); after every step the outcome (value or error
 * code) and every job's state must agree. See docs/reliability.md.
 */

const MAX_COMMANDS = LARGE ? 60 : 30;
/** The large local size runs for minutes; CI's fits the default 60 s. */
const TIMEOUT = LARGE ? 900_000 : 60_000;

function commandsArb() {
  return commandSequence(MAX_COMMANDS);
}

describe('model-based: memory driver', () => {
  it('agrees with the reference model after every command', { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(commandsArb(), async (commands) => {
        const driver = new MemoryDriver({ retention: RETENTION });
        try {
          await fc.asyncModelRun(() => freshRun(driver, 'model', T0), commands);
        } finally {
          await driver.close();
        }
      }),
      fcParams({ ci: 100, large: 2000 }),
    );
  });
});

describe.skipIf(SKIP_REDIS)('model-based: Redis driver', () => {
  const prefix = propertyPrefix('model');
  let driver: RedisDriver;
  let raw: Redis;
  let run = 0;

  beforeAll(async () => {
    driver = await connectRedis(prefix, { retention: RETENTION });
    raw = openRawClient();
  });

  afterAll(async () => {
    await driver?.close();
    if (raw !== undefined) {
      await deleteKeys(raw, prefix);
      expect(await scanKeys(raw, prefix)).toEqual([]);
      raw.disconnect();
    }
  });

  it('agrees with the reference model after every command', { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(commandsArb(), async (commands) => {
        // Each run (and each shrink step) on a queue of its own.
        const queue = `m-${run++}-${randomBytes(3).toString('hex')}`;
        await fc.asyncModelRun(() => freshRun(driver, queue, T0), commands);
      }),
      fcParams({ ci: 50, large: 1000 }),
    );
  });
});

describe.skipIf(SKIP_POSTGRES)('model-based: PostgreSQL driver', () => {
  const schema = schemaFor('prop_model');
  let driver: PostgresDriver;
  let pool: pg.Pool;
  let run = 0;

  beforeAll(async () => {
    driver = await PostgresDriver.connect({ connectionString: databaseUrl(), schema, poolSize: 4, retention: RETENTION });
    pool = openPool(1);
  });

  afterAll(async () => {
    await driver?.close();
    if (pool !== undefined) {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });

  it('agrees with the reference model after every command', { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(commandsArb(), async (commands) => {
        // Each run (and each shrink step) on a queue of its own.
        const queue = `m-${run++}-${randomBytes(3).toString('hex')}`;
        await fc.asyncModelRun(() => freshRun(driver, queue, T0), commands);
      }),
      fcParams({ ci: 50, large: 1000 }),
    );
  });
});
