/** Flow-control limits across four worker processes on Redis (support/flow-cases.ts says how). */
import { describe } from 'vitest';
import { baseWorkerConfig, FaultWorker, SKIP_SHARED } from '../support/fault-harness.js';
import { useSharedFaultRedis } from '../support/fault-shared-redis.js';
import { flowLimitCases } from '../support/flow-cases.js';

describe.skipIf(SKIP_SHARED)('flow-control limits across worker processes (Redis)', () => {
  const shared = useSharedFaultRedis('flow');
  flowLimitCases({
    name: 'redis',
    processes: 4,
    driver: () => shared.driver,
    startWorkers(queue, count, concurrency) {
      const { url, prefix } = shared;
      const config = baseWorkerConfig({ url, prefix, queue, leaseMs: 30_000, concurrency, flowProbeKey: `${prefix}:flow:${queue}` });
      return Array.from({ length: count }, () => new FaultWorker(config));
    },
  });
});
