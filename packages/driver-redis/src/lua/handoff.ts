import type { QueueKeys } from '../keys.js';
import offerSource from './offer-handoff-1.lua';
import { defineScript, type RedisClient, runScript } from './script.js';
import withdrawSource from './withdraw-handoff-2.lua';

export const offerHandoffScript = defineScript('offer-handoff', 1, offerSource);
export const withdrawHandoffScript = defineScript('withdraw-handoff', 2, withdrawSource);

/** Puts up the listener's offer (replacing `previous`, if any) for `standMs` of the server's time. */
export async function runOfferHandoff(client: RedisClient, keys: QueueKeys, offer: string, previous: string, standMs: number): Promise<void> {
  await runScript(client, offerHandoffScript, [keys.takers], [offer, previous, standMs], 'text');
}

/** Takes back the listener's offer and answers the frames handed to it that it has not read. */
export async function runWithdrawHandoff(client: RedisClient, keys: QueueKeys, listener: string, offer: string): Promise<Buffer[]> {
  const frames = await runScript(client, withdrawHandoffScript, [keys.takers, keys.handoff(listener)], [offer], 'bytes');
  return Array.isArray(frames) ? (frames as Buffer[]) : [];
}
