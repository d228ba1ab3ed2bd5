import type { DriverFamily } from '@taskharbor/core';
import type { PartName } from './part.js';

/**
 * How the conformance suite names the describe blocks of each family's
 * cases: `<label>: <operation>`, e.g. `job control: cancel`. Keyed by
 * DriverFamily, so a family added to core does not typecheck here until it
 * has its label.
 */
export const FAMILY_BLOCK_LABELS: Readonly<Record<DriverFamily, string>> = {
  jobControl: 'job control',
  schedules: 'schedules',
  flowControl: 'flow control',
  observability: 'observability',
};

const PART_NAMES: readonly PartName[] = ['core', ...(Object.keys(FAMILY_BLOCK_LABELS) as DriverFamily[])];

/** The name a driver's cases run under in a part, the outer describe block: `jobControl/forgets-cancel-requests`. */
export function runName(part: PartName, driver: string): string {
  return `${part}/${driver}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The test name pattern of the child run: for each part, its drivers' runs
 * and the part's cases only. vitest matches it against `<run name> <block>
 * <case>`, and a run name has no spaces. The core part is every case
 * outside the families' blocks, so the parts together are the whole suite.
 */
export function casePattern(): string {
  const blockOf = (family: DriverFamily) => escapeRegExp(`${FAMILY_BLOCK_LABELS[family]}: `);
  return PART_NAMES.map((part) => {
    const runs = `^${escapeRegExp(runName(part, ''))}[^ ]+ `;
    if (part !== 'core') return `${runs}${blockOf(part)}`;
    const families = PART_NAMES.filter((name): name is DriverFamily => name !== 'core');
    return `${runs}(?!${families.map(blockOf).join('|')})`;
  }).join('|');
}
