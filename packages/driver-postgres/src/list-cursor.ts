import { ValidationError } from '@taskharbor/core';

/** Marks a cursor as this driver's, in its first format. */
const FORMAT = 'pg1';

function invalidCursor(): ValidationError {
  return new ValidationError('cursor', 'not a cursor this driver made; pass the nextCursor of an earlier page');
}

/** The opaque cursor after a page: its last id (paging by id keeps a job that stays put on exactly one page). */
export function encodeListCursor(lastId: string): string {
  return Buffer.from(JSON.stringify([FORMAT, lastId])).toString('base64url');
}

/** The last id a cursor from encodeListCursor holds; anything else is a ValidationError on `cursor`. */
export function decodeListCursor(cursor: unknown): string {
  if (typeof cursor !== 'string' || cursor === '') throw invalidCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== FORMAT || typeof decoded[1] !== 'string') {
    throw invalidCursor();
  }
  if (encodeListCursor(decoded[1]) !== cursor) throw invalidCursor();
  return decoded[1];
}
