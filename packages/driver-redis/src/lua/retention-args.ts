import type { ResolvedRetention } from '@taskharbor/core';

/** A retention bound as a script argument: '' when the rule is off (Infinity). */
function bound(value: number): string {
  return Number.isFinite(value) ? String(value) : '';
}

/** The done rules (also applied to cancelled jobs) as script arguments: most kept, max age in ms. */
export function doneRetentionArgs(retention: ResolvedRetention): [string, string] {
  return [bound(retention.maxDoneCount), bound(retention.maxDoneAgeMs)];
}

/** The dead rules as script arguments: most dead-lettered jobs kept, max age in ms. */
export function deadRetentionArgs(retention: ResolvedRetention): [string, string] {
  return [bound(retention.maxDeadCount), bound(retention.maxDeadAgeMs)];
}
