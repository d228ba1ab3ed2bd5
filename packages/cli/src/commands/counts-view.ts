import { JOB_STATUSES, type QueueCounts as DriverCounts } from '@taskharbor/core';
import type { AdminDriver } from '../driver-from-flags.js';
import type { Colours } from '../output/colour.js';
import { type Cell, type Column, formatTable } from '../output/table.js';

export interface QueueCounts {
  queue: string;
  counts: DriverCounts;
}

/** Counts of several queues, read together. */
export async function readCounts(admin: AdminDriver, queues: readonly string[]): Promise<QueueCounts[]> {
  return Promise.all(queues.map(async (queue) => ({ queue, counts: await admin.counts(queue) })));
}

/** Whether any row knows its paused flag: drivers without job control leave it out, and so does the table. */
function knowsPaused(rows: readonly QueueCounts[]): boolean {
  return rows.some(({ counts }) => counts.paused !== undefined);
}

/**
 * One row per queue, a column per status (a count a driver leaves out reads
 * 0), and PAUSED where the driver reports it; a non-zero dead-letter count
 * and a paused queue stand out.
 */
export function countsTable(rows: readonly QueueCounts[], colours: Colours): string[] {
  const paused = knowsPaused(rows);
  const columns: Column[] = [
    { header: 'QUEUE' },
    ...JOB_STATUSES.map((status): Column => ({ header: status.toUpperCase(), align: 'right' })),
    ...(paused ? [{ header: 'PAUSED' }] : []),
  ];
  const cells: Cell[][] = rows.map(({ queue, counts }) => [
    queue,
    ...JOB_STATUSES.map((status): Cell => {
      const n = counts[status] ?? 0;
      if (status === 'dlq' && n > 0) return { text: String(n), style: colours.red };
      return n === 0 ? { text: '0', style: colours.dim } : String(n);
    }),
    ...(paused ? [counts.paused === true ? { text: 'yes', style: colours.yellow } : { text: 'no', style: colours.dim }] : []),
  ]);
  return formatTable(columns, cells, { headerStyle: colours.bold });
}

/** The JSON form: every status count (0 when the driver left it out), and `paused` when the driver reports it. */
export function countsJson(rows: readonly QueueCounts[]): QueueCounts[] {
  return rows.map(({ queue, counts }) => {
    const json = {} as DriverCounts;
    for (const status of JOB_STATUSES) json[status] = counts[status] ?? 0;
    if (counts.paused !== undefined) json.paused = counts.paused;
    return { queue, counts: json };
  });
}
