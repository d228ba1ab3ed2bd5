import { type Codec, MAX_RESULT_BYTES, ValidationError } from '@taskharbor/core';
import { errorMessage } from './errors.js';

/**
 * Encodes a handler's return value for the driver to store with the done
 * job. A value the codec cannot encode, or whose bytes are over
 * MAX_RESULT_BYTES, throws a ValidationError (field `result`): the worker
 * records it as the run's failure, so the value is never dropped unnoticed.
 */
export function encodeResult(jobId: string, value: unknown, codec: Codec): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = codec.encode(value);
  } catch (cause) {
    throw new ValidationError(
      'result',
      `the value job ${jobId}'s handler returned could not be encoded with the worker's codec (${errorMessage(cause)}); return a value the codec can encode, or undefined`,
      { cause },
    );
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new ValidationError('result', `the worker's codec encoded job ${jobId}'s result as something other than bytes (a Uint8Array)`);
  }
  if (bytes.byteLength > MAX_RESULT_BYTES) {
    throw new ValidationError(
      'result',
      `job ${jobId}'s handler returned ${bytes.byteLength} encoded bytes, over the ${MAX_RESULT_BYTES}-byte limit for results; store large results elsewhere and return a reference`,
    );
  }
  return bytes;
}
