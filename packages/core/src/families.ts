import type { Driver } from './driver.js';
import { UnsupportedOperationError } from './errors.js';
import type { FlowControl } from './flow-control.js';
import type { JobControl } from './job-control.js';
import type { Observability } from './observability.js';
import type { Schedules } from './schedules.js';

/** The families of operations beyond the core Driver that a driver may declare. */
export type DriverFamily = 'jobControl' | 'schedules' | 'flowControl' | 'observability';

/** Every family this version of core knows, in the order the testkit reports them. */
export const DRIVER_FAMILIES: readonly DriverFamily[] = ['jobControl', 'schedules', 'flowControl', 'observability'];

/** What a driver declares beside Driver: the families it implements. */
export interface FamilyDeclaration {
  readonly families?: readonly DriverFamily[];
}

/** True when the driver declares the family. */
export function declaresFamily(driver: object, family: DriverFamily): boolean {
  const families = (driver as FamilyDeclaration).families;
  return Array.isArray(families) && families.includes(family);
}

/** Narrows a driver to one that implements job control. */
export function hasJobControl<D extends object>(driver: D): driver is D & JobControl {
  return declaresFamily(driver, 'jobControl');
}

/**
 * The driver as JobControl, or UnsupportedOperationError naming the
 * operation. Client, Worker and CLI call it before a job-control operation.
 */
export function requireJobControl<D extends object>(driver: D, operation: string): D & JobControl {
  if (!hasJobControl(driver)) throw new UnsupportedOperationError('job control', operation);
  return driver;
}

/** Narrows a driver to one that implements schedules. */
export function hasSchedules<D extends object>(driver: D): driver is D & Schedules {
  return declaresFamily(driver, 'schedules');
}

/**
 * The driver as Schedules, or UnsupportedOperationError naming the
 * operation. Client, Worker and CLI call it before a schedule operation.
 */
export function requireSchedules<D extends object>(driver: D, operation: string): D & Schedules {
  if (!hasSchedules(driver)) throw new UnsupportedOperationError('schedules', operation);
  return driver;
}

/** Narrows a driver to one that implements flow control. */
export function hasFlowControl<D extends object>(driver: D): driver is D & FlowControl {
  return declaresFamily(driver, 'flowControl');
}

/**
 * The driver as FlowControl, or UnsupportedOperationError naming the
 * operation. Client, Worker and CLI call it before a flow-control operation
 * (and before an enqueue that sets a priority or a group).
 */
export function requireFlowControl<D extends object>(driver: D, operation: string): D & FlowControl {
  if (!hasFlowControl(driver)) throw new UnsupportedOperationError('flow control', operation);
  return driver;
}

/** Narrows a driver to one that implements observability (meta, live workers, throughput counts). */
export function hasObservability<D extends object>(driver: D): driver is D & Observability {
  return declaresFamily(driver, 'observability');
}

/**
 * The driver as Observability, or UnsupportedOperationError naming the
 * operation. Client, Worker, CLI and dashboard call it before an
 * observability operation (and before an enqueue that carries meta).
 */
export function requireObservability<D extends object>(driver: D, operation: string): D & Observability {
  if (!hasObservability(driver)) throw new UnsupportedOperationError('observability', operation);
  return driver;
}

export type { Driver };
