import { AcceptsWrongToken, IgnoresRunAt, LeaseValidAtExpiry, RetentionNeverRuns } from '../broken-drivers/core.js';
import { AdvancesWithoutCompare, ReplacesUnchangedSchedules } from '../broken-drivers/schedules.js';
import type { Part } from './part.js';

/**
 * The schedules family's cases (`schedules: …`): its own broken drivers,
 * and the core ones whose rule these cases depend on. Why each list is what
 * it is: the comment above it.
 */
export const schedules: Part = {
  name: 'schedules',
  drivers: {
    // A second writer of a tick, and a writer that planned from an older version.
    'advances-without-compare': {
      driver: AdvancesWithoutCompare,
      fails: [
        'schedules: advance > a_second_advance_of_the_same_tick_is_a_no_op',
        'schedules: advance > advance_made_from_an_older_version_changes_nothing',
      ],
    },
    'replaces-unchanged-schedules': {
      driver: ReplacesUnchangedSchedules,
      fails: ['schedules: put, remove and get > put_of_the_same_revision_changes_nothing'],
    },
    // advance takes the lease of the occurrence it finishes and checks it first.
    'accepts-wrong-token': {
      driver: AcceptsWrongToken,
      fails: ['schedules: advance > advance_checks_the_lease_first_and_a_bad_one_changes_nothing'],
    },
    'lease-valid-at-expiry': {
      driver: LeaseValidAtExpiry,
      fails: ['schedules: advance > advance_checks_the_lease_first_and_a_bad_one_changes_nothing'],
    },
    // Every case that expects a pending occurrence to wait for its tick.
    'ignores-run-at': {
      driver: IgnoresRunAt,
      fails: [
        'schedules: put, remove and get > put_stores_the_schedule_and_its_pending_occurrence_as_a_scheduled_job',
        'schedules: put, remove and get > put_of_a_new_revision_replaces_the_pending_occurrence_atomically',
        'schedules: put, remove and get > replace_leaves_a_pending_occurrence_in_flight_running',
        'schedules: advance > advance_moves_the_cadence_and_stores_the_next_occurrence',
        'schedules: advance > advance_that_drops_the_held_occurrence_deletes_it',
        'schedules: advance > advance_stores_due_catch_up_occurrences_as_ready_jobs',
        'schedules: advance > advance_with_the_lease_of_another_job_changes_nothing',
        'schedules: list, trigger, pause and resume > triggers_at_the_same_moment_make_one_job_each',
        'schedules: list, trigger, pause and resume > pause_and_resume_flip_the_flag_and_keep_the_pending_occurrence',
        'schedules: list, trigger, pause and resume > trigger_pause_and_resume_validate_their_input',
      ],
    },
    // The repair case lets retention remove the finished pending occurrence.
    'retention-never-runs': {
      driver: RetentionNeverRuns,
      fails: ['schedules: advance > a_repair_applies_when_the_pending_occurrence_is_gone'],
    },
  },
};
