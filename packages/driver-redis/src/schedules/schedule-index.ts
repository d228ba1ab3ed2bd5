import { ValidationError } from '@taskharbor/core';
import type { DriverContext } from '../driver-context.js';
import { runClaimSchedule } from '../lua/claim-schedule.js';

/** One entry of the global name index: the schedule `name` lives in `queue`, written by the put that holds `claim`. */
export interface IndexEntry {
  name: string;
  queue: string;
  claim: string;
}

/** How often a put tries to take over entries whose queue holds no record before it gives up. */
const CLAIM_TRIES = 5;

/** The sorted-set member of an entry. Names, queues and claim tokens hold no whitespace, so a space separates them. */
export function indexMember(entry: IndexEntry): string {
  return `${entry.name} ${entry.queue} ${entry.claim}`;
}

function parseMember(member: string): IndexEntry {
  const [name, queue, claim] = member.split(' ');
  if (name === undefined || queue === undefined || claim === undefined) throw new Error(`the schedule index holds a member this driver did not write: ${JSON.stringify(member)}`);
  return { name, queue, claim };
}

/**
 * The global name index `<prefix>:schedules`: a sorted set, all scores 0,
 * with one member `<name> <queue> <claim>` per schedule. A space sorts
 * before every byte a name may hold, so members sort by name: ZRANGEBYLEX
 * finds a name's entry (`[<name> ` to `(<name>!`) and pages through names
 * in byte order. Names are unique across queues, so operations that take a
 * name alone learn its queue here; the record itself lives in the queue's
 * slot. The index is written before the queue (put) and cleaned after it
 * (remove), so an entry may point at a queue without the record (a put cut
 * short): readers treat that as no schedule, and the next put of the name
 * takes the entry over. docs/redis.md ("Schedules") walks through the races.
 */
export class ScheduleIndex {
  constructor(private readonly ctx: DriverContext) {}

  /** The entry of `name`, if any. */
  async find(name: string): Promise<IndexEntry | undefined> {
    const [member] = await this.ctx.client.zrangebylex(this.ctx.keys.schedules, `[${name} `, `(${name}!`, 'LIMIT', 0, 1);
    return member === undefined ? undefined : parseMember(member);
  }

  /**
   * Claims `name` for `queue` under a new token. An entry of another queue
   * whose record exists there is a ValidationError on `queue`; one whose
   * queue holds no record is stale and is taken over (only if it is still
   * the same entry when the claim script runs).
   */
  async claim(name: string, queue: string, claim: string): Promise<void> {
    const { client, keys } = this.ctx;
    let takeover = '';
    for (let attempt = 0; attempt < CLAIM_TRIES; attempt++) {
      const reply = await this.ctx.writeKey(
        `putSchedule of ${name}: claiming the name`,
        () => runClaimSchedule(client, keys.schedules, name, queue, claim, takeover),
        keys.schedules,
      );
      if (reply.claimed) return;
      const holder = parseMember(reply.member);
      if ((await client.exists(keys.queue(holder.queue).schedule(name))) === 1) {
        throw new ValidationError('queue', `schedule ${name} lives in queue ${holder.queue}; remove it before making it in ${queue}`);
      }
      takeover = reply.member;
    }
    throw new ValidationError('queue', `schedule ${name} is being made in another queue at the same time; remove it there first`);
  }

  /** Removes the entry written by the put that holds `claim`; a newer claim's entry stays. */
  async release(entry: IndexEntry): Promise<void> {
    const { client, keys } = this.ctx;
    await this.ctx.writeKey(`removeSchedule of ${entry.name}: the index entry`, () => client.zrem(keys.schedules, indexMember(entry)), keys.schedules);
  }

  /** Up to `count` entries in name order, after the name `after` (from the first without it). */
  async page(after: string | undefined, count: number): Promise<IndexEntry[]> {
    const members = await this.ctx.client.zrangebylex(this.ctx.keys.schedules, after === undefined ? '-' : `[${after}!`, '+', 'LIMIT', 0, count);
    return members.map(parseMember);
  }
}
