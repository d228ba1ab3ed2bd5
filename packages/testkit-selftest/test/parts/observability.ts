import { CountsNoDeadLetters, DropsMetaOnRetry, ListsWorkersAtExpiry } from '../broken-drivers/observability.js';
import type { Part } from './part.js';

/** The observability family's cases (`observability: …`) and its own broken drivers. */
export const observability: Part = {
  name: 'observability',
  drivers: {
    // The one case that retries a job with meta.
    'drops-meta-on-retry': { driver: DropsMetaOnRetry, fails: ['observability: meta > retry_release_reclaim_and_ack_keep_meta'] },
    // Every case that dead-letters a job and reads the counts.
    'counts-no-dead-letters': { driver: CountsNoDeadLetters, fails: [
        'observability: metrics > retry_counts_a_failed_run_and_fail_a_failed_and_dead_one',
        'observability: metrics > a_repeated_ack_or_fail_counts_once',
        'observability: metrics > counts_are_kept_per_queue',
      ] },
    // The expiry boundary.
    'lists-workers-at-expiry': { driver: ListsWorkersAtExpiry, fails: ['observability: workers > an_entry_is_live_until_its_expires_at_and_not_at_it'] },
  },
};
