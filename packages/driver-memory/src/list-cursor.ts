import { ValidationError } from '@taskharbor/core';

/** Marks a cursor as this driver's (and its format as the first one). */
const PREFIX = 'v1:';

function invalidCursor(): ValidationError {
  return new ValidationError('cursor', 'not a cursor this driver made; pass the nextCursor of an earlier page');
}

/**
 * Makes the opaque cursor for list: the last id of a page. Paging by the
 * last id seen, rather than by position, is what keeps a job that stays in
 * its status on exactly one page while other jobs come and go.
 */
export function encodeListCursor(lastId: string): string {
  return Buffer.from(PREFIX + lastId).toString('base64url');
}

/**
 * Reads a cursor made by encodeListCursor; anything else is a ValidationError
 * on `cursor`. Only a cursor this driver made encodes back to itself, which
 * also refuses an empty string, a missing prefix and bytes that are not UTF-8.
 */
export function decodeListCursor(cursor: unknown): string {
  if (typeof cursor !== 'string') throw invalidCursor();
  const after = Buffer.from(cursor, 'base64url').toString().slice(PREFIX.length);
  if (encodeListCursor(after) !== cursor) throw invalidCursor();
  return after;
}
