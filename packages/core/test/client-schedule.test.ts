import { describe, expect, it } from 'vitest';
import {
  Client,
  type Driver,
  type PutScheduleRequest,
  type ScheduleRecord,
  UnsupportedOperationError,
  ValidationError,
} from '../src/index.js';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 30);
const clock = { now: () => NOW, setTimeout: () => ({ id: 0 }), clearTimeout: () => {} };

// Declares schedules, but every method throws: a case that reaches the driver fails.
const untouchable = new Proxy({ families: ['schedules'] } as unknown as Driver, {
  get(target, property) {
    if (property === 'families') return (target as unknown as { families: string[] }).families;
    return () => {
      throw new Error(`driver.${String(property)} was called for input that should have been rejected`);
    };
  },
});

/** A driver that records the schedule calls it gets, holding `stored` as the schedule of that name. */
function recording(stored?: Partial<ScheduleRecord>) {
  const calls: string[] = [];
  const puts: PutScheduleRequest[] = [];
  const driver = {
    families: ['schedules'],
    async getSchedule() {
      calls.push('get');
      return stored;
    },
    async removeSchedule() {
      calls.push('remove');
      return true;
    },
    async putSchedule(request: PutScheduleRequest) {
      calls.push('put');
      puts.push(request);
      return { status: 'created', schedule: { ...request.schedule, nextRunAt: request.nextRunAt } };
    },
  } as unknown as Driver;
  return { driver, calls, puts };
}

describe('client.schedule', () => {
  const client = new Client(untouchable, { clock });

  it.each([
    ['bad_cron', () => client.schedule('s', { cron: 'nope', type: 't' })],
    ['unknown_time_zone', () => client.schedule('s', { cron: '* * * * *', timezone: 'Nowhere/Else', type: 't' })],
    ['both_cron_and_every_ms', () => client.schedule('s', { cron: '* * * * *', everyMs: 1_000, type: 't' })],
    ['neither_cron_nor_every_ms', () => client.schedule('s', { type: 't' })],
    ['every_ms_below_the_minimum', () => client.schedule('s', { everyMs: 10, type: 't' })],
    ['end_at_before_start_at', () => client.schedule('s', { everyMs: 1_000, type: 't', startAt: NOW + 10, endAt: NOW })],
    ['empty_name', () => client.schedule('', { everyMs: 1_000, type: 't' })],
    ['unschedule_of_an_empty_name', () => client.unschedule('')],
  ])('%s_is_rejected_before_the_driver', async (_name, call) => {
    await expect(call()).rejects.toBeInstanceOf(ValidationError);
  });

  it('a_driver_without_the_family_is_unsupported', async () => {
    const plain = new Client({} as Driver, { clock });
    await expect(plain.schedule('s', { everyMs: 1_000, type: 't' })).rejects.toBeInstanceOf(UnsupportedOperationError);
    await expect(plain.unschedule('s')).rejects.toMatchObject({ code: 'UNSUPPORTED', family: 'schedules', operation: 'unschedule' });
  });

  it('the_first_pending_occurrence_is_the_first_tick_after_now', async () => {
    const { driver, puts } = recording();
    const result = await new Client(driver, { clock }).schedule('every-minute', { cron: '* * * * *', type: 't', payload: 1 });
    const first = Date.UTC(2030, 0, 1, 12, 1, 0);
    expect(result).toEqual({ status: 'created', nextRunAt: first });
    expect(puts[0]?.occurrence).toMatchObject({
      id: 'every-minute@2030-01-01T12:01:00.000Z',
      runAt: first,
      scheduledFor: first,
      schedule: 'every-minute',
      createdAt: NOW,
      queue: 'default',
    });
  });

  it('moving_a_schedule_to_another_queue_removes_the_old_one_first', async () => {
    const { driver, calls } = recording({ name: 's', queue: 'old' });
    await new Client(driver, { clock }).schedule('s', { everyMs: 1_000, type: 't', queue: 'new' });
    expect(calls).toEqual(['get', 'remove', 'put']);
  });

  it('a_schedule_in_the_same_queue_is_put_over_without_a_remove', async () => {
    const { driver, calls } = recording({ name: 's', queue: 'default' });
    await new Client(driver, { clock }).schedule('s', { everyMs: 1_000, type: 't' });
    expect(calls).toEqual(['get', 'put']);
  });
});
