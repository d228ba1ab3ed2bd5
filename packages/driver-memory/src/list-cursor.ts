import { ValidationError } from '@taskharbor/core';

const VERSION = 1;

/**
 * Makes the opaque cursor for list: the last id of a page. Paging by the
 * last id seen, rather than by position, is what keeps a job that stays in
 * its status on exactly one page while other jobs come and go.
 */
export function encodeListCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ v: VERSION, after: lastId }), 'utf8').toString('base64url');
}

/** Reads a cursor made by encodeListCursor; anything else is a ValidationError on `cursor`. */
export function decodeListCursor(cursor: unknown): string {
  if (typeof cursor !== 'string' || cursor.length === 0) {
    throw new ValidationError('cursor', 'expected the nextCursor of an earlier page');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const after = (parsed as { v?: unknown; after?: unknown } | undefined)?.after;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { v?: unknown }).v !== VERSION ||
    typeof after !== 'string' ||
    encodeListCursor(after) !== cursor
  ) {
    throw new ValidationError('cursor', 'not a cursor this driver made; pass the nextCursor of an earlier page');
  }
  return after;
}
