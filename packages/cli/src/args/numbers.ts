import { UsageError } from '../errors.js';

/** An integer flag within bounds, or a usage error naming the flag. */
export function integerFlag(flag: string, text: string, min: number, max = 2 ** 31 - 1): number {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A decimal flag within bounds (backoff factor and jitter). */
export function numberFlag(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${flag}: expected a number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}
