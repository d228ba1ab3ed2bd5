import type { WireFamilies } from './wire.js';

/**
 * The families the driver declares, read from its `families` list by name.
 * Core's DriverFamily names only the families that have landed; the page
 * keeps a place for the later ones (schedules, flow control, observability)
 * and shows them only when a driver declares them.
 */
export function familiesOf(driver: object): WireFamilies {
  const declared = (driver as { families?: unknown }).families;
  const has = (name: string) => Array.isArray(declared) && declared.includes(name);
  return {
    jobControl: has('jobControl'),
    schedules: has('schedules'),
    flowControl: has('flowControl'),
    observability: has('observability'),
  };
}
