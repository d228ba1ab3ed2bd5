import type { Job } from '@taskharbor/core';
import type { Handler, JobContext, Middleware } from './handler.js';

/**
 * Builds one function that runs the middleware in order around the handler.
 * A synchronous throw anywhere becomes a rejection, so the caller sees every
 * failure the same way.
 */
export function compose(
  steps: readonly Middleware[],
  handler: Handler,
): (job: Job<unknown>, ctx: JobContext) => Promise<void> {
  return (job, ctx) => {
    const dispatch = async (index: number): Promise<void> => {
      const step = steps[index];
      if (step === undefined) {
        await handler(job, ctx);
        return;
      }
      let called = false;
      await step(job, ctx, () => {
        // A second call would run the handler twice inside one job.
        if (called) return Promise.reject(new Error(`middleware ${index + 1} called next() more than once`));
        called = true;
        return dispatch(index + 1);
      });
    };
    return dispatch(0);
  };
}
