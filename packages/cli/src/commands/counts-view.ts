import { JOB_STATUSES, type StatusCounts } from '@taskharbor/core';
import type { Colours } from '../output/colour.js';
import { type Cell, type Column, formatTable } from '../output/table.js';
import type { AdminDriver } from '../driver-from-flags.js';

export interface QueueCounts {
  queue: string;
  counts: StatusCounts;
}

/** Counts of several queues, read together. */
export async function readCounts(admin: AdminDriver, queues: readonly string[]): Promise<QueueCounts[]> {
  return Promise.all(queues.map(async (queue) => ({ queue, counts: await admin.counts(queue) })));
}

/** One row per queue, a column per status; a non-zero dead-letter count stands out. */
export function countsTable(rows: readonly QueueCounts[], colours: Colours): string[] {
  const columns: Column[] = [
    { header: 'QUEUE' },
    ...JOB_STATUSES.map((status): Column => ({ header: status.toUpperCase(), align: 'right' })),
  ];
  const cells: Cell[][] = rows.map(({ queue, counts }) => [
    queue,
    ...JOB_STATUSES.map((status): Cell => {
      const n = counts[status];
      if (status === 'dlq' && n > 0) return { text: String(n), style: colours.red };
      return n === 0 ? { text: '0', style: colours.dim } : String(n);
    }),
  ]);
  return formatTable(columns, cells, { headerStyle: colours.bold });
}

/** The JSON form: the counts under the status names, as Admin.counts returns them. */
export function countsJson(rows: readonly QueueCounts[]): { queue: string; counts: StatusCounts }[] {
  return rows.map(({ queue, counts }) => ({ queue, counts: { ...counts } }));
}
