import source from './claim-schedule-1.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const claimScheduleScript = defineScript('claim-schedule', 1, source);

/** What claim-schedule-1.lua answers: the name is the caller's now, or another queue's entry holds it. */
export type ClaimReply = { claimed: true } | { claimed: false; member: string };

/** Claims `name` for `queue` under `token` in the global index; `takeover` is an entry the caller found stale. */
export async function runClaimSchedule(
  client: RedisClient,
  indexKey: string,
  name: string,
  queue: string,
  token: string,
  takeover = '',
): Promise<ClaimReply> {
  const reply = (await runScript(client, claimScheduleScript, [indexKey], [name, queue, token, takeover], 'text')) as string[];
  if (reply[0] === 'CLAIMED') return { claimed: true };
  if (reply[0] === 'HELD' && typeof reply[1] === 'string') return { claimed: false, member: reply[1] };
  throw new Error(`claim of schedule ${name}: unexpected reply ${JSON.stringify(reply)}`);
}
