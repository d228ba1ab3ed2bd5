import { validateMeta } from '@taskharbor/core';
import { UsageError } from '../errors.js';

/**
 * `--meta key=value`, repeatable: the job's meta map. The first `=` splits
 * key from value, so a value may hold `=` (a tracestate does). A key given
 * twice is refused rather than silently overwritten. The map is checked with
 * core's validateMeta, so the CLI refuses what every driver refuses.
 */
export function metaFlags(values: readonly string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const meta: Record<string, string> = {};
  for (const text of values) {
    const equals = text.indexOf('=');
    if (equals <= 0) throw new UsageError(`--meta: expected key=value such as traceparent=00-…, got ${JSON.stringify(text)}`);
    const key = text.slice(0, equals);
    if (Object.hasOwn(meta, key)) throw new UsageError(`--meta: key ${JSON.stringify(key)} given twice`);
    // defineProperty, so a key such as __proto__ becomes an entry (which validateMeta then refuses) instead of a prototype.
    Object.defineProperty(meta, key, { value: text.slice(equals + 1), enumerable: true, writable: true, configurable: true });
  }
  validateMeta(meta, 'meta');
  return meta;
}
