import { ValidationError } from './errors.js';

/**
 * Turns payloads into bytes and back. JSON is the default; plug in msgpack,
 * superjson or anything else by implementing these two methods.
 */
export interface Codec {
  /** Throws when the value cannot be encoded; the client turns that into a ValidationError. */
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 JSON. `undefined` encodes to zero bytes and zero bytes decode to
 * `undefined`, so a job enqueued without a payload reaches its handler
 * without one. Values JSON cannot represent faithfully (BigInt, cycles,
 * functions and symbols at the top level) are rejected.
 */
export const jsonCodec: Codec = {
  encode(value: unknown): Uint8Array {
    if (value === undefined) return new Uint8Array(0);
    if (typeof value === 'function' || typeof value === 'symbol') {
      throw new TypeError(`a ${typeof value} cannot be encoded as JSON`);
    }
    const text = JSON.stringify(value);
    return encoder.encode(text);
  },
  decode(bytes: Uint8Array): unknown {
    if (bytes.byteLength === 0) return undefined;
    return JSON.parse(decoder.decode(bytes));
  },
};

/** Encodes with the codec, turning its failure into a ValidationError. */
export function encodePayload(codec: Codec, value: unknown): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = codec.encode(value);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ValidationError('payload', `the codec cannot encode it: ${reason}`, { cause });
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new ValidationError('payload', 'the codec returned something other than a Uint8Array');
  }
  return bytes;
}
