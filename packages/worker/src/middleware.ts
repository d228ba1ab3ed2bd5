import type { Job } from '@taskharbor/core';
import type { Handler, JobContext, Middleware } from './handler.js';

/**
 * Builds one function that runs the middleware in order around the handler.
 * A synchronous throw anywhere becomes a rejection, so the caller sees every
 * failure the same way. It resolves with the handler's own return value (the
 * job's result), whatever the middleware return; undefined when a middleware
 * skipped the handler.
 */
export function compose(
  steps: readonly Middleware[],
  handler: Handler,
): (job: Job<unknown>, ctx: JobContext) => Promise<unknown> {
  return async (job, ctx) => {
    let result: unknown;
    const dispatch = async (index: number): Promise<void> => {
      const step = steps[index];
      if (step === undefined) {
        result = await handler(job, ctx);
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
    await dispatch(0);
    return result;
  };
}
