import { requireSchedules } from '@taskharbor/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { harness, runWith, withoutJobControl } from './support/harness.js';
import { type ScheduleStore, scheduleScenarios } from './support/schedule-scenarios.js';

describe('schedule commands through main() on the memory driver', () => {
  let store: ScheduleStore;
  beforeEach(() => {
    const h = harness();
    store = { run: h.run, client: h.client, driver: requireSchedules(h.driver, 'run the schedule scenarios') };
  });
  scheduleScenarios(() => store);

  it('a_driver_without_schedules_answers_every_schedule_command_with_exit_1', async () => {
    const run = runWith(withoutJobControl(harness().driver));
    for (const argv of [['list'], ['set', 'n', '--type', 't', '--every', '1m'], ['remove', 'n'], ['trigger', 'n'], ['pause', 'n'], ['resume', 'n']]) {
      const result = await run('--json', 'schedule', ...argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 1 });
      expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'UNSUPPORTED' } });
    }
  });
});
