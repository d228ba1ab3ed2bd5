import { describe, expect, it } from 'vitest';
import { type Codec, encodePayload, jsonCodec, ValidationError } from '../src/index.js';

describe('jsonCodec', () => {
  it('round_trips_json_values', () => {
    for (const value of [{ a: 1, b: [true, null, 'é✓'] }, 'text', 0, null, []]) {
      expect(jsonCodec.decode(jsonCodec.encode(value))).toEqual(value);
    }
  });

  it('undefined_encodes_to_empty_bytes_and_back', () => {
    expect(jsonCodec.encode(undefined).byteLength).toBe(0);
    expect(jsonCodec.decode(new Uint8Array(0))).toBeUndefined();
  });

  it('bigint_and_cycles_are_validation_errors', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encodePayload(jsonCodec, { n: 10n })).toThrow(ValidationError);
    expect(() => encodePayload(jsonCodec, cycle)).toThrow(ValidationError);
    expect(() => encodePayload(jsonCodec, () => 1)).toThrow(ValidationError);
  });

  it('a_plugged_codec_is_used', () => {
    const upper: Codec = {
      encode: (value) => new TextEncoder().encode(String(value).toUpperCase()),
      decode: (bytes) => new TextDecoder().decode(bytes),
    };
    expect(upper.decode(encodePayload(upper, 'abc'))).toBe('ABC');
  });

  it('a_codec_returning_no_bytes_is_a_validation_error', () => {
    const broken = { encode: () => 'text', decode: () => undefined } as unknown as Codec;
    expect(() => encodePayload(broken, 1)).toThrow(ValidationError);
  });
});
