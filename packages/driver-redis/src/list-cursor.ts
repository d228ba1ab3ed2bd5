import { ValidationError } from '@taskharbor/core';

const CURSOR_VERSION = 1;

/**
 * The opaque cursor of list: the last id of the page. The next page starts
 * after that id in the status index (a lexicographic range), so a job that
 * keeps its status appears on exactly one page however others come and go.
 */
export function encodeListCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, after: lastId }), 'utf8').toString('base64url');
}

/** The id a cursor made by encodeListCursor points after; anything else is a ValidationError on `cursor`. */
export function decodeListCursor(cursor: unknown): string {
  const invalid = () =>
    new ValidationError('cursor', 'not a cursor this driver made; pass the nextCursor of an earlier page');
  if (typeof cursor !== 'string' || cursor.length === 0) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { v, after } = (parsed ?? {}) as { v?: unknown; after?: unknown };
  if (v !== CURSOR_VERSION || typeof after !== 'string' || after === '' || encodeListCursor(after) !== cursor) {
    throw invalid();
  }
  return after;
}
