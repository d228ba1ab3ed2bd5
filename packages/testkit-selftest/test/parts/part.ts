import type { DriverFamily } from '@taskharbor/core';
import type { MemoryDriver } from '@taskharbor/driver-memory';

/** The name of a part: `core` (the operations every driver has) or the family whose cases it holds. */
export type PartName = 'core' | DriverFamily;

/** A broken driver as one part runs it. */
export interface BrokenDriverCases {
  /** A subclass of MemoryDriver that breaks one rule. */
  driver: typeof MemoryDriver;
  /** Every case of the part that must fail, as `block > case`; any other case of the part must pass. */
  fails: readonly string[];
}

/**
 * One part of the conformance suite and the broken drivers run against it.
 * The self-test runs each part in a child vitest: the unbroken memory
 * driver and every driver listed here, each over the part's cases only.
 * A driver is listed in every part that has cases it must fail.
 */
export interface Part {
  name: PartName;
  /** Keyed by the name the driver's cases run under: lower case words joined by `-`. */
  drivers: Readonly<Record<string, BrokenDriverCases>>;
}
