import { ValidationError } from '@taskharbor/core';
import { Counter, Histogram } from 'prom-client';
import { METRIC_NAMES } from './names.js';
import { type AnyRegistry, registerOwn } from './registry.js';
import { TypeLabels } from './type-labels.js';

/** Run durations in seconds: from quick handlers (10 ms) to long ones (15 minutes). */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
/** How many job types get a label of their own before the rest are reported as `other`. */
export const DEFAULT_MAX_TYPES = 50;

export type RunOutcome = 'completed' | 'failed' | 'cancelled' | 'snoozed' | 'rate_limited';
export type JobCounter = 'completed' | 'failed' | 'retried' | 'dead' | 'cancelled' | 'snoozed' | 'rateLimited';
type JobLabels = 'queue' | 'type';

interface Settings {
  maxTypes: number;
  buckets: readonly number[];
}

/**
 * The worker metrics of one registry, shared by every worker instrumented
 * on it, so two workers in one process add to the same series.
 */
export class WorkerMetrics {
  private readonly counters: Record<JobCounter, Counter<JobLabels>>;
  private readonly duration: Histogram<JobLabels | 'outcome'>;
  private readonly types: TypeLabels;
  /** `queue\0type` pairs whose counters were started at 0. */
  private readonly started = new Set<string>();

  private constructor(
    readonly registry: AnyRegistry,
    readonly settings: Settings,
  ) {
    const counter = (name: string, help: string) =>
      new Counter({ name, help, labelNames: ['queue', 'type'] as const, registers: [] });
    this.counters = {
      completed: counter(METRIC_NAMES.completed, 'TaskHarbor jobs whose handler succeeded and whose ack was written'),
      failed: counter(METRIC_NAMES.failed, 'TaskHarbor job runs that failed (a retry or a dead-letter follows)'),
      retried: counter(METRIC_NAMES.retried, 'TaskHarbor job retries written'),
      dead: counter(METRIC_NAMES.dead, 'TaskHarbor jobs dead-lettered'),
      cancelled: counter(METRIC_NAMES.cancelled, 'TaskHarbor jobs that finished as cancelled while they ran'),
      snoozed: counter(METRIC_NAMES.snoozed, 'TaskHarbor job runs that ended with ctx.snooze (no failure counted)'),
      rateLimited: counter(METRIC_NAMES.rateLimited, 'TaskHarbor job runs that ended rate limited, holding back their group or queue'),
    };
    this.duration = new Histogram({
      name: METRIC_NAMES.duration,
      help: 'How long TaskHarbor job runs took, by outcome, in seconds',
      labelNames: ['queue', 'type', 'outcome'] as const,
      buckets: [...settings.buckets],
      registers: [],
    });
    this.types = new TypeLabels(settings.maxTypes);
    registerOwn(registry, [
      [METRIC_NAMES.completed, this.counters.completed],
      [METRIC_NAMES.failed, this.counters.failed],
      [METRIC_NAMES.retried, this.counters.retried],
      [METRIC_NAMES.dead, this.counters.dead],
      [METRIC_NAMES.cancelled, this.counters.cancelled],
      [METRIC_NAMES.snoozed, this.counters.snoozed],
      [METRIC_NAMES.rateLimited, this.counters.rateLimited],
      [METRIC_NAMES.duration, this.duration],
    ]);
  }

  private static readonly byRegistry = new WeakMap<AnyRegistry, WorkerMetrics>();

  /** The registry's worker metrics, made and registered on first use. */
  static for(registry: AnyRegistry, wanted: Partial<Settings>): WorkerMetrics {
    const existing = WorkerMetrics.byRegistry.get(registry);
    if (existing?.isRegistered()) {
      existing.assertSettings(wanted);
      return existing;
    }
    const metrics = new WorkerMetrics(registry, {
      maxTypes: wanted.maxTypes ?? DEFAULT_MAX_TYPES,
      buckets: wanted.buckets ?? DEFAULT_DURATION_BUCKETS,
    });
    WorkerMetrics.byRegistry.set(registry, metrics);
    return metrics;
  }

  /** Adds 1 to a counter for the job's queue and type. */
  count(counter: JobCounter, queue: string, type: string): void {
    this.counters[counter].inc(this.labels(queue, type));
  }

  /** Records how long a run took. */
  observe(outcome: RunOutcome, queue: string, type: string, durationMs: number): void {
    this.duration.observe({ ...this.labels(queue, type), outcome }, Math.max(0, durationMs) / 1000);
  }

  private labels(queue: string, rawType: string): { queue: string; type: string } {
    const labels = { queue, type: this.types.label(rawType) };
    const key = `${queue}\0${labels.type}`;
    if (!this.started.has(key)) {
      this.started.add(key);
      // Every counter of a new queue and type starts at 0, so its first increase shows in rate() and increase().
      for (const each of Object.values(this.counters)) each.inc(labels, 0);
    }
    return labels;
  }

  /** Still in its registry (registry.clear() or removeSingleMetric may have taken it out). */
  private isRegistered(): boolean {
    return this.registry.getSingleMetric(METRIC_NAMES.completed) === this.counters.completed;
  }

  private assertSettings(wanted: Partial<Settings>): void {
    const { maxTypes, buckets } = this.settings;
    if (wanted.maxTypes !== undefined && wanted.maxTypes !== maxTypes) {
      throw new ValidationError('maxTypes', `the registry's worker metrics were made with maxTypes ${maxTypes}; pass the same or leave it unset`);
    }
    if (wanted.buckets !== undefined && wanted.buckets.join() !== buckets.join()) {
      throw new ValidationError('buckets', `the registry's worker metrics were made with buckets ${buckets.join(', ')}; pass the same or leave it unset`);
    }
  }
}
