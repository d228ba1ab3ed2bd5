import type { ServerResponse } from 'node:http';
import type { HttpError } from './http-error.js';

/**
 * Sent with every answer. The policy allows scripts and styles from the
 * dashboard's own files only: no inline script, no eval, no inline style
 * attribute, nothing from elsewhere, and no framing by other sites.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  if (error.status === 405) res.setHeader('Allow', error.message.includes('POST') ? 'POST' : 'GET, HEAD');
  sendJson(res, error.status, { error: { code: error.code, message: error.message } });
}

export function sendBody(res: ServerResponse, type: string, body: Buffer | string, cache: string, head: boolean): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', cache);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(head ? undefined : body);
}
