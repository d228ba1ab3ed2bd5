import type { JobStatus as TaskHarborStatus } from '@taskharbor/core';

/** The Bull Board statuses a TaskHarbor queue has, and the TaskHarbor status behind each. */
export const BOARD_STATUS = {
  active: 'inflight',
  waiting: 'ready',
  delayed: 'scheduled',
  completed: 'done',
  failed: 'dlq',
} as const satisfies Record<string, TaskHarborStatus>;

export type BoardJobStatus = keyof typeof BOARD_STATUS;

export const BOARD_JOB_STATUSES = Object.keys(BOARD_STATUS) as BoardJobStatus[];

/**
 * The board's name for a TaskHarbor status. Cancelled jobs have no Bull
 * status; the board shows them as completed when opened by id, and lists
 * them nowhere (the TaskHarbor dashboard does).
 */
export function boardState(status: TaskHarborStatus): BoardJobStatus {
  switch (status) {
    case 'inflight':
      return 'active';
    case 'ready':
      return 'waiting';
    case 'scheduled':
      return 'delayed';
    case 'dlq':
      return 'failed';
    case 'done':
    case 'cancelled':
      return 'completed';
  }
}
