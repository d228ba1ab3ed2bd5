import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { HttpError } from './http-error.js';

/**
 * CSRF protection by double submit: api/session sets a random token in a
 * SameSite=Strict cookie and returns the same token in its JSON; every POST
 * must carry it in the x-taskharbor-csrf header. Another site can make the
 * browser send the cookie, but cannot read the token (no CORS) and cannot
 * set the header without a preflight the dashboard never allows. Requests
 * whose Origin or Sec-Fetch-Site says they come from another site are
 * refused as well.
 */
export const CSRF_COOKIE = 'taskharbor_csrf';
export const CSRF_HEADER = 'x-taskharbor-csrf';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) {
      const value = rest.join('=');
      return TOKEN_PATTERN.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** The request's token, set as a cookie when it has none yet. */
export function issueCsrfToken(req: IncomingMessage, res: ServerResponse, cookiePath: string): string {
  const existing = cookieToken(req);
  if (existing !== undefined) return existing;
  const token = randomBytes(32).toString('base64url');
  const secure = (req.socket as TLSSocket).encrypted === true ? '; Secure' : '';
  res.setHeader('Set-Cookie', `${CSRF_COOKIE}=${token}; Path=${cookiePath}; HttpOnly; SameSite=Strict${secure}`);
  return token;
}

function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Refuses a state-changing request that does not prove it comes from the dashboard's own page (or a script that read api/session). */
export function verifyCsrf(req: IncomingMessage): void {
  if (!sameOrigin(req)) throw new HttpError(403, 'CSRF', 'cross-site request refused: actions must come from the dashboard page itself');
  const cookie = cookieToken(req);
  const header = req.headers[CSRF_HEADER];
  if (cookie === undefined || typeof header !== 'string') {
    throw new HttpError(403, 'CSRF', `missing CSRF token: GET api/session first, then send its csrfToken in the ${CSRF_HEADER} header with the cookie it set`);
  }
  const a = Buffer.from(cookie);
  const b = Buffer.from(header);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new HttpError(403, 'CSRF', `CSRF token mismatch: the ${CSRF_HEADER} header must equal the token api/session gave this browser`);
  }
}
