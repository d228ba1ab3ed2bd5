import { runConformance } from '@taskharbor/testkit';
import { MemoryDriver } from '../src/index.js';

runConformance({
  name: 'memory',
  createDriver: (options) => new MemoryDriver(options),
  destroyDriver: (driver) => driver.close(),
});
