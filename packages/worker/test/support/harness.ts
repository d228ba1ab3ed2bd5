import { Client, type JobMap, type Lease } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { FakeClock } from '@taskharbor/testkit';
import { afterEach } from 'vitest';
import { Worker, type WorkerEvents, type WorkerOptions } from '../../src/index.js';
import { type Instrumented, instrument } from './instrument.js';

export const HOUR = 60 * 60 * 1000;

type Recorded = { [Event in keyof WorkerEvents]: { event: Event; payload: WorkerEvents[Event]; at: number } }[keyof WorkerEvents];

/** Every event a worker emitted, in order, with the fake time it came at. */
export class EventLog {
  readonly entries: Recorded[] = [];

  of<Event extends keyof WorkerEvents>(event: Event): WorkerEvents[Event][] {
    return this.entries.filter((entry) => entry.event === event).map((entry) => entry.payload as WorkerEvents[Event]);
  }

  names(): string[] {
    return this.entries.map((entry) => entry.event);
  }
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export interface Harness<Jobs extends JobMap> {
  clock: FakeClock;
  memory: MemoryDriver;
  /** The memory driver behind a spy that counts calls and can inject faults. */
  driver: Instrumented;
  client: Client<Jobs>;
  /** A worker on the fake clock with no fallback poll to speak of (an hour) and no schedule look; closed after the test. */
  worker(options?: WorkerOptions): { worker: Worker<Jobs>; events: EventLog };
  /** Lets promise work settle, without moving time, until the condition holds. */
  until(condition: () => boolean, what?: string): Promise<void>;
  /** A reservation made outside any worker, as a worker that then dies would hold it. */
  reserveRaw(queue?: string, now?: number): Promise<Lease>;
}

export function harness<Jobs extends JobMap = JobMap>(): Harness<Jobs> {
  const clock = new FakeClock();
  const memory = new MemoryDriver();
  const driver = instrument(memory);
  const client = new Client<Jobs>(driver, { clock });
  const workers: Worker<Jobs>[] = [];
  cleanups.push(async () => {
    for (const worker of workers) await worker.close({ graceMs: 0 });
    await memory.close();
  });
  return {
    clock,
    memory,
    driver,
    client,
    worker(options = {}) {
      // The schedule look is a timer of its own; the schedule tests turn it on where they want it.
      const worker = new Worker<Jobs>(driver, { clock, keepAlive: false, pollIntervalMs: HOUR, scheduleCheckMs: 0, ...options });
      workers.push(worker);
      const events = new EventLog();
      for (const event of [
        'active',
        'completed',
        'cancelled',
        'progress',
        'failed',
        'retrying',
        'snoozed',
        'rateLimited',
        'dead',
        'leaseLost',
        'error',
        'drained',
      ] as const) {
        worker.on(event, (payload) => {
          events.entries.push({ event, payload, at: clock.now() } as Recorded);
        });
      }
      return { worker, events };
    },
    async until(condition, what = 'condition') {
      for (let i = 0; i < 200; i++) {
        if (condition()) return;
        await clock.flush();
      }
      throw new Error(`${what} did not hold after settling pending work (no time was advanced)`);
    },
    async reserveRaw(queue = 'default', now = clock.now()) {
      const { jobs } = await memory.reserve({ queue, limit: 1, leaseMs: 30_000, now });
      const first = jobs[0];
      if (first === undefined) throw new Error(`nothing to reserve in ${queue}`);
      return first.lease;
    },
  };
}

/** A promise the test resolves by hand, to hold a handler open. */
export class Gate<T = void> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}
