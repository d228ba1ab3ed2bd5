/**
 * The worker process for the signups API: sends the welcome email for each
 * signup job. Run as many as you like; Redis hands each job to one of them.
 *
 * Addresses at example.com fail on their first attempt (a flaky mail
 * provider) and succeed on the retry; addresses at fail.test always fail and
 * end in the dead-letter queue after 5 attempts, for the CLI to requeue.
 */
import { RetryPolicy } from '@taskharbor/core';
import { tracingMiddleware } from '@taskharbor/otel';
import { Worker } from '@taskharbor/worker';
import { connectDriver, type Jobs, SIGNUP_QUEUE } from './jobs.js';
import { startTracing } from './tracing.js';

const stopTracing = startTracing('http-app-worker');
const driver = await connectDriver();
const worker = new Worker<Jobs>(driver, {
  queues: [SIGNUP_QUEUE],
  concurrency: 10,
  // Quick retries, so the demo shows a retry within a second or two.
  retryPolicy: RetryPolicy.exponential({ baseMs: 500, maxMs: 10_000 }),
});
// Each run is a span in the trace of the request that enqueued the job.
worker.use(tracingMiddleware());

/** Stands in for a 100 ms mail API call; honours the job's signal as a real client (fetch) would. */
function callMailApi(signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, 100);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

worker.register('signup.welcome', async (job, ctx) => {
  const { email, name } = job.payload;
  if (email.endsWith('@fail.test')) throw new Error(`mail provider rejected ${email}`);
  if (email.endsWith('@example.com') && job.attempt === 1) throw new Error('mail provider answered 503');
  // Delivery is at least once: a real mail API call would pass job.id as its idempotency key.
  await callMailApi(ctx.signal);
  console.log(`welcome email sent to ${name ?? email} <${email}> (job ${job.id}, attempt ${job.attempt})`);
});

worker.on('retrying', ({ job, error, runAt }) =>
  console.log(`job ${job.id} failed (${error.message}); retrying in ${runAt === undefined ? 0 : runAt - Date.now()} ms`),
);
worker.on('dead', ({ job, reason }) => console.log(`job ${job.id} dead-lettered: ${reason}`));
worker.on('error', ({ error, during }) => console.error(`worker error during ${during}: ${error.message}`));

// First Ctrl+C: finish running jobs; second: abort them and hand them back.
worker.closeOnSignals();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // The worker's own listener has started closing; wait for it, then let go of Redis so the process ends.
    setImmediate(() =>
      void worker.close().then(async () => {
        await driver.close();
        await stopTracing();
        console.log('worker stopped');
      }),
    );
  });
}

await worker.start();
console.log(`worker running on queue ${SIGNUP_QUEUE} (Redis prefix ${driver.keyPrefix}); Ctrl+C to stop`);
