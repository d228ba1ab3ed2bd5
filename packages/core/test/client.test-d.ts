import { describe, expectTypeOf, it } from 'vitest';
import { Client, type Driver, type EnqueueResult, type ScheduleResult } from '../src/index.js';

type Jobs = {
  'email.send': { to: string };
  'report.build': { month: number; final?: boolean };
};

declare const driver: Driver;
const client = new Client<Jobs>(driver);

describe('Client types', () => {
  it('enqueue_accepts_the_payload_of_its_type', () => {
    expectTypeOf(client.enqueue('email.send', { to: 'a@b.c' })).toEqualTypeOf<Promise<EnqueueResult>>();
    expectTypeOf(client.enqueue).toBeCallableWith('report.build', { month: 3 });
  });

  it('enqueue_rejects_a_wrong_payload', () => {
    // @ts-expect-error `to` must be a string
    client.enqueue('email.send', { to: 1 });
    // @ts-expect-error `month` is required
    client.enqueue('report.build', { final: true });
  });

  it('enqueue_rejects_an_unknown_type', () => {
    // @ts-expect-error not in the job map
    client.enqueue('email.sned', { to: 'a@b.c' });
  });

  it('enqueue_many_checks_each_entry', () => {
    client.enqueueMany([
      { type: 'email.send', payload: { to: 'x' } },
      { type: 'report.build', payload: { month: 1 } },
    ]);
    // @ts-expect-error the payload belongs to the other type
    client.enqueueMany([{ type: 'email.send', payload: { month: 1 } }]);
  });

  it('schedule_checks_the_payload_of_its_type', () => {
    expectTypeOf(client.schedule('daily', { cron: '0 3 * * *', type: 'report.build', payload: { month: 1 } })).toEqualTypeOf<
      Promise<ScheduleResult>
    >();
    // @ts-expect-error `to` must be a string
    client.schedule('mail', { everyMs: 60_000, type: 'email.send', payload: { to: 1 } });
    // @ts-expect-error not in the job map
    client.schedule('typo', { everyMs: 60_000, type: 'email.sned' });
  });

  it('an_untyped_client_takes_anything', () => {
    const loose = new Client(driver);
    expectTypeOf(loose.enqueue).toBeCallableWith('anything', { x: 1 });
  });
});
