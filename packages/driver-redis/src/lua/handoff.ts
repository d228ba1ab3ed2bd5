import type { QueueKeys } from '../keys.js';
import offerSource from './offer-handoff-1.lua';
import { defineScript, type RedisClient, runScriptInOrder } from './script.js';
import withdrawSource from './withdraw-handoff-2.lua';

export const offerHandoffScript = defineScript('offer-handoff', 1, offerSource);
export const withdrawHandoffScript = defineScript('withdraw-handoff', 2, withdrawSource);

// Both run by source (runScriptInOrder): an offer or a withdrawal resent after a NOSCRIPT
// answer would land after the enqueues sent meanwhile, and the order is what makes a
// withdrawn offer take no job.

/** Puts up the listener's offer for `standMs` of the server's time, withdrawing its `earlier` ones. */
export async function runOfferHandoff(
  client: RedisClient,
  keys: QueueKeys,
  offer: string,
  standMs: number,
  earlier: readonly string[],
): Promise<void> {
  await runScriptInOrder(client, offerHandoffScript, [keys.takers], [offer, standMs, ...earlier], 'text');
}

/** Takes back the listener's offers and answers the frames handed to it that it has not read. */
export async function runWithdrawHandoff(client: RedisClient, keys: QueueKeys, listener: string, offers: readonly string[]): Promise<Buffer[]> {
  const frames = await runScriptInOrder(client, withdrawHandoffScript, [keys.takers, keys.handoff(listener)], offers, 'bytes');
  return Array.isArray(frames) ? (frames as Buffer[]) : [];
}
