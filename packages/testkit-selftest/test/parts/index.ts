import { core } from './core.js';
import { flowControl } from './flow-control.js';
import { jobControl } from './job-control.js';
import { observability } from './observability.js';
import type { Part, PartName } from './part.js';
import { schedules } from './schedules.js';

/** Every part of the conformance suite; together they are the whole suite. */
export const PARTS: readonly Part[] = [core, jobControl, schedules, flowControl, observability];

export function partNamed(name: PartName): Part {
  const part = PARTS.find((candidate) => candidate.name === name);
  if (part === undefined) throw new Error(`no part named ${name} in test/parts/index.ts`);
  return part;
}
