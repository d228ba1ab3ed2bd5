/**
 * The key layout. Every key of one queue carries the queue name as a Redis
 * Cluster hash tag, `<prefix>:{<queue>}:…`, so a queue's keys share one slot
 * (its scripts can touch them together) and different queues spread over the
 * shards. core's validateName refuses braces in queue names, so a name can
 * never break out of its tag. docs/redis.md lists every key.
 */
export interface QueueKeys {
  readonly queue: string;
  /** `<prefix>:{<queue>}:`; scripts build job and idempotency keys from it. */
  readonly base: string;
  /** List of runnable job ids; reserve pops the head, release pushes to it. */
  readonly ready: string;
  /** Sorted set: job id by runAt (ms). */
  readonly scheduled: string;
  /** Sorted set: job id by lease expiry (ms). */
  readonly inflight: string;
  /** Sorted set: job id by finish time (ms); retention trims its oldest end. */
  readonly done: string;
  /** Sorted set: dead-lettered job id by failure time (ms); dead retention trims its oldest end. */
  readonly dlq: string;
  /** Sorted set: cancelled job id by cancel time (ms); trimmed by the done retention rules. */
  readonly cancelled: string;
  /** String `1` while the queue is paused (job control); absent otherwise. */
  readonly paused: string;
  /**
   * The id index's directory (data-model version 8 on): sorted set, all
   * scores 0, of the low bounds of its buckets; bucket `<index>:<low>` holds
   * the ids from its bound up to the next (lua/includes/index.lua). list pages
   * by id through it.
   */
  readonly index: string;
  /** Sorted set, all scores 0, of every job id: the id index of data-model versions 2 to 7, read by the migrations only. */
  readonly legacyIndex: string;
  /** Hash, present once the queue uses flow control: its counters, limits and hold (lua/includes/flow.lua lists the flow keys). */
  readonly flow: string;
  /** Wake-up list: holds at most one token; waitForWork blocks on it with BLPOP. */
  readonly signal: string;
  /** Sorted set of idle workers' handoff offers, scored by when each lapses (server ms; lua/includes/handoff.lua). */
  readonly takers: string;
  /** List of the job frames handed to one process's listener (lua/includes/handoff.lua); it expires. */
  handoff(listener: string): string;
  /** Pub/sub channel (not a key): the id of each in-flight job an operator asks to cancel. */
  readonly cancelsChannel: string;
  /** Pub/sub channel (not a key): the id of each watched job that finished or was removed. */
  readonly finishedChannel: string;
  /** Set of the groups whose fready set holds jobs (flow control). */
  readonly fgroups: string;
  /** Sorted set of one group's ready jobs on the flow path: member `<16-digit sequence><id>`, score the priority. */
  fready(group: string): string;
  /** Sorted set of the priority levels (not 0) whose pready list holds jobs without a group; member and score the level. */
  readonly plevels: string;
  /** List of the ready jobs without a group at one priority level other than 0, FIFO (flow control, data-model version 6 on). */
  pready(level: string): string;
  /** The hash of one job. */
  job(id: string): string;
  /** The hash of one schedule that lives in this queue (schedules family; see schedules/schedule-hash.ts). */
  schedule(name: string): string;
  /** The idempotency mapping of one key: a string holding the job id. */
  idempotency(key: string): string;
  /** Hash of one minute's outcome counts (`completed`, `failed`, `dead`), keyed by the minute's start in ms; Redis expires it (includes/metrics.lua). */
  metrics(minute: number): string;
}

/** The data-model version this driver writes; stored under `<prefix>:version`. */
export const DATA_MODEL_VERSION = '8';

function makeQueueKeys(prefix: string, queue: string): QueueKeys {
  const base = `${prefix}:{${queue}}:`;
  return {
    queue,
    base,
    ready: `${base}ready`,
    scheduled: `${base}scheduled`,
    inflight: `${base}inflight`,
    done: `${base}done`,
    dlq: `${base}dlq`,
    cancelled: `${base}cancelled`,
    paused: `${base}paused`,
    index: `${base}ids`,
    legacyIndex: `${base}index`,
    flow: `${base}flow`,
    signal: `${base}signal`,
    takers: `${base}takers`,
    handoff: (listener) => `${base}handoff:${listener}`,
    cancelsChannel: `${base}cancels`,
    finishedChannel: `${base}finished`,
    fgroups: `${base}fgroups`,
    fready: (group) => `${base}fready:${group}`,
    plevels: `${base}plevels`,
    pready: (level) => `${base}pready:${level}`,
    job: (id) => `${base}job:${id}`,
    schedule: (name) => `${base}schedule:${name}`,
    idempotency: (key) => `${base}idem:${key}`,
    metrics: (minute) => `${base}metrics:${minute}`,
  };
}

/** The keys under one prefix, with the per-queue key sets cached (they are built on every call otherwise). */
export class KeySpace {
  readonly prefix: string;
  /** Set of every queue name that holds or held a job. Not hash-tagged: only plain commands touch it. */
  readonly queues: string;
  /** String holding DATA_MODEL_VERSION. */
  readonly version: string;
  /**
   * Sorted set, all scores 0: one member `<name> <queue> <claim>` per
   * schedule, the global name index (names are unique across queues). Not
   * hash-tagged; only its own commands and one script that touches nothing
   * else use it (see schedules/schedule-index.ts).
   */
  readonly schedules: string;
  /**
   * Hash: worker id → its entry as JSON (observability). With `workerExpiries`
   * under one hash tag, `{workers}`, so one script writes both in a cluster.
   * A queue named `workers` shares that slot, never a key name.
   */
  readonly workers: string;
  /** Sorted set: worker id → the entry's expiresAt (ms). */
  readonly workerExpiries: string;
  private readonly cache = new Map<string, QueueKeys>();

  constructor(prefix: string) {
    this.prefix = prefix;
    this.queues = `${prefix}:queues`;
    this.version = `${prefix}:version`;
    this.schedules = `${prefix}:schedules`;
    this.workers = `${prefix}:{workers}:entries`;
    this.workerExpiries = `${prefix}:{workers}:expiries`;
  }

  queue(name: string): QueueKeys {
    let keys = this.cache.get(name);
    if (keys === undefined) {
      keys = makeQueueKeys(this.prefix, name);
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(name, keys);
    }
    return keys;
  }
}
