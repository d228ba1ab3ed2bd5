import { validateName } from '@taskharbor/core';
import { durationFlag, formatDurationMs } from './duration.js';
import { integerFlag } from './numbers.js';
import type { Args } from './parse.js';

/** What a bulk command (purge, requeue --all) may narrow itself to. */
export interface BulkFilters {
  type?: string;
  limit?: number;
  olderThanMs?: number;
}

/** Reads --type, --limit and --older-than (where the command takes them); checked before anything connects. */
export function bulkFilters(args: Args): BulkFilters {
  const filters: BulkFilters = {};
  const type = args.string('type');
  if (type !== undefined) {
    validateName('type', type);
    filters.type = type;
  }
  const limit = args.string('limit');
  if (limit !== undefined) filters.limit = integerFlag('limit', limit, 1);
  const olderThan = args.string('older-than');
  // `--older-than 0` would read as a filter but match everything; leaving the flag out says that plainly.
  if (olderThan !== undefined) filters.olderThanMs = durationFlag('older-than', olderThan, { min: 1 });
  return filters;
}

/** The filters in words for a result line: ` (of type charge, older than 7d, at most 100)`, or nothing. */
export function describeFilters(filters: BulkFilters): string {
  const parts: string[] = [];
  if (filters.type !== undefined) parts.push(`of type ${filters.type}`);
  if (filters.olderThanMs !== undefined) parts.push(`older than ${formatDurationMs(filters.olderThanMs)}`);
  if (filters.limit !== undefined) parts.push(`at most ${filters.limit}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}
