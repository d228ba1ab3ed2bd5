import type { Worker } from '@taskharbor/worker';

/** Resolves once the worker has emitted `completed` for `jobs` jobs; listen before start() so none is missed. */
export function completionOf(worker: Worker, jobs: number): Promise<void> {
  let done = 0;
  return new Promise<void>((resolve) => {
    worker.on('completed', () => {
      done++;
      if (done === jobs) resolve();
    });
  });
}
