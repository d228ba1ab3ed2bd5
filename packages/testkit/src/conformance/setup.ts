import { randomBytes } from 'node:crypto';
import type { Admin, Driver, DriverFamily, FamilyDeclaration, RetentionOptions } from '@taskharbor/core';
import { afterEach } from 'vitest';
import { FakeClock } from '../fake-clock.js';

/** What the conformance suite tests: a driver that also implements Admin, and declares the families it implements. */
export type ConformanceDriver = Driver & Admin & FamilyDeclaration;

/** What a driver package passes to runConformance. */
export interface ConformanceOptions {
  /** Shown as the outer describe block, e.g. `MemoryDriver`. */
  name: string;
  /**
   * Makes a fresh driver; called once per case (twice in a few). `retention`
   * is set by the retention cases and must be honoured; unset means the
   * driver's default.
   */
  createDriver: (options: { retention?: RetentionOptions }) => Promise<ConformanceDriver> | ConformanceDriver;
  /**
   * Tears a driver down after its case. Default: `driver.close()`. It may be
   * called on a driver the case already closed.
   */
  destroyDriver?: (driver: ConformanceDriver) => Promise<void> | void;
  /**
   * The families the driver declares, whose cases run. Unset: read from a
   * driver made at collection time. Give it when createDriver only works
   * after a beforeAll (a server the test file starts); a case checks that
   * the drivers declare exactly these.
   */
  families?: readonly DriverFamily[];
}

/** Everything one case works with. */
export interface Harness {
  driver: ConformanceDriver;
  /** Every `now` a case passes to the driver comes from here. */
  clock: FakeClock;
  /** A queue name no other case uses, so drivers on a shared server need no flushing. */
  queue: string;
  /** Another queue name no other case uses. */
  newQueue(): string;
}

/** Makes the harness of one case. */
export type Setup = (options?: { retention?: RetentionOptions }) => Promise<Harness>;

/** A queue name unlikely to collide with any other, e.g. `q-3f9c2a71b0d4`. */
export function uniqueQueue(): string {
  return `q-${randomBytes(6).toString('hex')}`;
}

/**
 * Returns the per-case setup function and registers an afterEach that
 * destroys every driver the case made. Call it inside a describe block.
 */
export function useSetup(options: ConformanceOptions): Setup {
  const live: ConformanceDriver[] = [];
  afterEach(async () => {
    // Every driver is destroyed even when one destroy throws; the first error is reported.
    const results = await Promise.allSettled(
      live.splice(0).map(async (driver) => (options.destroyDriver ? options.destroyDriver(driver) : driver.close())),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  });
  return async (driverOptions = {}) => {
    const driver = await options.createDriver(driverOptions);
    live.push(driver);
    return { driver, clock: new FakeClock(), queue: uniqueQueue(), newQueue: uniqueQueue };
  };
}

/**
 * The families whose cases to register: `options.families` when given, else
 * what one driver, made and destroyed at collection time, declares.
 */
export async function familiesToRun(options: ConformanceOptions): Promise<readonly DriverFamily[]> {
  if (options.families !== undefined) return options.families;
  let driver: ConformanceDriver;
  try {
    driver = await options.createDriver({});
  } catch (cause) {
    throw new Error(
      'runConformance reads the families a driver declares from one driver made while the suite is collected, and createDriver failed then; when createDriver needs a beforeAll, pass `families` in the options',
      { cause },
    );
  }
  try {
    return Array.isArray(driver.families) ? [...driver.families] : [];
  } finally {
    await (options.destroyDriver ? options.destroyDriver(driver) : driver.close());
  }
}
