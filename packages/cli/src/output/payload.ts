import { jsonCodec } from '@taskharbor/core';
import { truncate } from './table.js';

/**
 * A stored payload as the CLI shows it. The CLI reads with the JSON codec,
 * the default; an app with another codec stores bytes that are shown as
 * such rather than misread.
 */
export type DecodedPayload =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'bytes'; bytes: Uint8Array };

export function decodePayload(bytes: Uint8Array): DecodedPayload {
  if (bytes.byteLength === 0) return { kind: 'empty' };
  try {
    return { kind: 'json', value: jsonCodec.decode(bytes) };
  } catch {
    return { kind: 'bytes', bytes };
  }
}

function hexPreview(bytes: Uint8Array, maxBytes: number): string {
  const shown = Array.from(bytes.subarray(0, maxBytes), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.byteLength > maxBytes ? `${shown} …` : shown;
}

/** One line of at most `maxChars`: compact JSON, or a hex dump for bytes that are not JSON. */
export function payloadPreview(bytes: Uint8Array, maxChars: number): string {
  const decoded = decodePayload(bytes);
  if (decoded.kind === 'empty') return '(none)';
  if (decoded.kind === 'json') return truncate(JSON.stringify(decoded.value), maxChars);
  return `(not JSON) ${hexPreview(decoded.bytes, Math.max(4, Math.floor(maxChars / 3)))}`;
}
