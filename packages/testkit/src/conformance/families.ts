import { DRIVER_FAMILIES, type DriverFamily } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import type { Setup } from './setup.js';

/** The operations that make up each family. */
const FAMILY_OPERATIONS: Record<DriverFamily, readonly string[]> = {
  jobControl: ['cancel', 'remove', 'promote', 'pause', 'resume', 'purge', 'requeueDlqMany', 'setProgress', 'waitForFinish', 'subscribeCancels'],
  schedules: [
    'putSchedule',
    'removeSchedule',
    'getSchedule',
    'advanceSchedule',
    'schedules',
    'triggerSchedule',
    'pauseSchedule',
    'resumeSchedule',
  ],
  flowControl: ['setQueueLimits', 'setGroupLimits', 'pauseGroup', 'resumeGroup', 'flowState', 'groupState', 'snooze', 'holdBack'],
  observability: ['registerWorker', 'removeWorker', 'workers', 'metrics'],
};

/**
 * What the suite says about families: the driver declares exactly the ones
 * whose cases ran, each known to core, and each one it lacks is named (on
 * the console and in a case), so a driver author sees plainly which cases
 * did not run.
 */
export function familyCases(setup: Setup, name: string, ran: readonly DriverFamily[]): void {
  describe('families', () => {
    it('the_driver_declares_exactly_the_families_whose_cases_ran', async () => {
      const h = await setup();
      const declared = [...(h.driver.families ?? [])].sort();
      for (const family of declared) expect(DRIVER_FAMILIES, `unknown family ${String(family)}`).toContain(family);
      expect(declared).toEqual([...ran].sort());
    });

    const lacking = DRIVER_FAMILIES.filter((family) => !ran.includes(family));
    if (lacking.length > 0) {
      console.info(`[taskharbor conformance] ${name} does not declare: ${lacking.join(', ')}; those cases were not run.`);
    }
    for (const family of lacking) {
      it(`lacks_${family}_and_has_none_of_its_operations`, async () => {
        const h = await setup();
        // A driver with the operations but without the declaration most likely forgot `families`.
        const present = FAMILY_OPERATIONS[family].filter(
          (operation) => typeof (h.driver as unknown as Record<string, unknown>)[operation] === 'function',
        );
        expect(present, `the driver has ${present.join(', ')} but does not declare ${family} in its families`).toEqual([]);
      });
    }
  });
}
