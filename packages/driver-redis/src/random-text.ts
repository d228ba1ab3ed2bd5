import { fillRandom } from '@taskharbor/core';

/** `bytes` random bytes from core's pool, as base64url text (no `|` or `.`, which tokens and offers use as separators). */
export function randomText(bytes: number): string {
  const random = new Uint8Array(bytes);
  fillRandom(random);
  return Buffer.from(random.buffer, random.byteOffset, random.byteLength).toString('base64url');
}
