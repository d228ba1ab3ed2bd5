import type { QueueOrder, WeightedQueue } from './options.js';

/** How many jobs to ask one queue for. */
export interface QueueAsk {
  queue: string;
  limit: number;
}

/** Decides, for each reserve round, which queues are asked first and for how many of the free slots. */
export interface QueuePlanner {
  /** The first asks of a round, in asking order; their limits add up to `free`. */
  plan(free: number): QueueAsk[];
  /** Every queue, in order of preference: who gets slots an empty queue could not use. */
  readonly names: readonly string[];
}

/** The first queue gets every free slot; later queues only get what it leaves. */
class StrictPlanner implements QueuePlanner {
  readonly names: readonly string[];

  constructor(queues: readonly WeightedQueue[]) {
    this.names = queues.map((queue) => queue.name);
  }

  plan(free: number): QueueAsk[] {
    return [{ queue: this.names[0] as string, limit: free }];
  }
}

/**
 * Shares slots by weight with a smooth weighted round-robin: each slot goes
 * to the queue whose running credit is highest, and the credit persists
 * between rounds. So the shares hold both when many slots free at once and
 * when they free one at a time, and no queue waits long for its turn.
 */
class WeightedPlanner implements QueuePlanner {
  readonly names: readonly string[];
  private readonly weights: readonly number[];
  private readonly total: number;
  private readonly credit: number[];

  constructor(queues: readonly WeightedQueue[]) {
    this.names = queues.map((queue) => queue.name);
    this.weights = queues.map((queue) => queue.weight);
    this.total = this.weights.reduce((sum, weight) => sum + weight, 0);
    this.credit = queues.map(() => 0);
  }

  plan(free: number): QueueAsk[] {
    const counts = this.names.map(() => 0);
    for (let slot = 0; slot < free; slot++) {
      let best = 0;
      for (let i = 0; i < this.credit.length; i++) {
        this.credit[i] = (this.credit[i] as number) + (this.weights[i] as number);
        if ((this.credit[i] as number) > (this.credit[best] as number)) best = i;
      }
      this.credit[best] = (this.credit[best] as number) - this.total;
      counts[best] = (counts[best] as number) + 1;
    }
    return this.names
      .map((queue, i) => ({ queue, limit: counts[i] as number }))
      .filter((ask) => ask.limit > 0)
      .sort((a, b) => b.limit - a.limit);
  }
}

export function createPlanner(queues: readonly WeightedQueue[], order: QueueOrder): QueuePlanner {
  return order === 'weighted' ? new WeightedPlanner(queues) : new StrictPlanner(queues);
}
