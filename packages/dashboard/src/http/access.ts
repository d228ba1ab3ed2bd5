import type { IncomingMessage } from 'node:http';
import type { DashboardAccess, ResolvedOptions } from '../options.js';
import { HttpError } from './http-error.js';

export interface RequestAccess {
  /** This request may look (false only when auth answered `none`). */
  canRead: boolean;
  /** This request may change state. */
  canAct: boolean;
  /** Why it may not act, for the page's banner and the 403 message. */
  readOnlyReason?: string;
}

function normalize(answer: DashboardAccess | boolean): DashboardAccess {
  if (answer === true) return 'write';
  if (answer === false) return 'read';
  if (answer === 'write' || answer === 'read' || answer === 'none') return answer;
  throw new TypeError(`dashboard auth answered ${JSON.stringify(answer)}; expected 'write', 'read', 'none' or a boolean`);
}

/**
 * What the request may do: auth decides (no auth: read only), readOnly
 * overrides it, and without job control there is nothing to act with.
 */
export async function accessFor(req: IncomingMessage, options: ResolvedOptions, jobControl: boolean): Promise<RequestAccess> {
  let access: DashboardAccess = 'read';
  let reason: string | undefined;
  if (options.auth === undefined) {
    reason = 'read-only: no auth function allows actions';
  } else {
    try {
      access = normalize(await options.auth(req));
    } catch (error) {
      throw new HttpError(500, 'AUTH_FAILED', `the dashboard's auth function failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (access === 'none') return { canRead: false, canAct: false, readOnlyReason: 'access denied' };
    if (access === 'read') reason = 'read-only: auth allows this request to look, not to act';
  }
  if (options.readOnly) reason = 'read-only: the dashboard was started with readOnly';
  else if (access === 'write' && !jobControl) reason = 'read-only: the driver does not implement job control';
  const result: RequestAccess = { canRead: true, canAct: reason === undefined };
  if (reason !== undefined) result.readOnlyReason = reason;
  return result;
}
