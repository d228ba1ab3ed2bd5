import { AcceptsWrongToken, IgnoresRunAt, LeaseValidAtExpiry, NeverReclaims } from '../broken-drivers/core.js';
import { ForgetsCancelRequests, PurgeIgnoresType, ReservesWhilePaused } from '../broken-drivers/job-control.js';
import type { Part } from './part.js';

/**
 * The jobControl family's cases (`job control: …`): its own broken drivers,
 * and the core ones whose rule these cases check again for the family's
 * operations. Why each list is what it is: the comment above it.
 */
export const jobControl: Part = {
  name: 'jobControl',
  drivers: {
    // Every case that needs a running job's cancel request stored or pushed.
    'forgets-cancel-requests': {
      driver: ForgetsCancelRequests,
      fails: [
        'job control: cancel > cancel_of_a_running_job_requests_it_and_keeps_it_in_flight',
        'job control: cancel > a_second_cancel_of_a_running_job_keeps_the_first_request',
        'job control: cancel > extend_lease_reports_a_cancel_request',
        'job control: cancel > extend_leases_reports_a_cancel_request_per_lease',
        'job control: cancel > ack_of_a_cancel_requested_job_finishes_it_cancelled',
        'job control: cancel > ack_many_of_a_cancel_requested_job_finishes_it_cancelled',
        'job control: cancel > retry_of_a_cancel_requested_job_finishes_it_cancelled_and_records_the_failure',
        'job control: cancel > fail_of_a_cancel_requested_job_finishes_it_cancelled_not_dead_lettered',
        'job control: cancel > release_of_a_cancel_requested_job_finishes_it_cancelled',
        'job control: cancel > an_expired_lease_of_a_cancel_requested_job_ends_cancelled_not_reclaimed',
        'job control: cancel > a_cancelled_job_takes_repeated_outcomes_of_its_last_run_only',
        'job control: cancel > cancel_requests_reach_subscribers_of_the_queue',
        'job control: cancel > cancel_requests_of_other_queues_do_not_reach_a_subscriber',
      ],
    },
    // The type filter, and the check of an empty type that goes with it.
    'purge-ignores-type': {
      driver: PurgeIgnoresType,
      fails: [
        'job control: purge > purge_by_type_removes_only_that_type',
        'job control: purge > purge_with_bad_options_is_a_validation_error',
      ],
    },
    // Every case that reserves from a paused queue.
    'reserves-while-paused': {
      driver: ReservesWhilePaused,
      fails: [
        'job control: pause and resume > a_paused_queue_hands_out_nothing_and_reports_no_next_due_time',
        'job control: pause and resume > resume_hands_out_again_and_wakes_waiting_workers',
        'job control: pause and resume > a_pause_before_any_job_holds_for_jobs_enqueued_later',
      ],
    },
    // The outcomes of a cancel-requested job and progress check the token like any lease operation.
    'accepts-wrong-token': {
      driver: AcceptsWrongToken,
      fails: [
        'job control: cancel > outcomes_of_a_cancel_requested_job_still_check_the_lease',
        'job control: cancel > a_cancelled_job_takes_repeated_outcomes_of_its_last_run_only',
        'job control: results, progress and error history > progress_without_a_valid_lease_is_rejected_and_changes_nothing',
      ],
    },
    // Progress checks the expiry boundary like any lease operation.
    'lease-valid-at-expiry': {
      driver: LeaseValidAtExpiry,
      fails: [
        'job control: results, progress and error history > progress_without_a_valid_lease_is_rejected_and_changes_nothing',
      ],
    },
    // Promote and purge of scheduled jobs, and list by type, whose setup needs a job that is not yet due.
    'ignores-run-at': {
      driver: IgnoresRunAt,
      fails: [
        'job control: remove and promote > promote_makes_a_scheduled_job_ready_at_the_tail',
        'job control: remove and promote > promote_wakes_waiting_workers',
        'job control: purge > purge_goes_past_one_bounded_step',
        'job control: purge > purge_of_cancelled_and_scheduled_jobs',
        'job control: results, progress and error history > list_filters_by_type',
      ],
    },
    // A cancel-requested job whose lease expires ends at reclaim.
    'never-reclaims': {
      driver: NeverReclaims,
      fails: ['job control: cancel > an_expired_lease_of_a_cancel_requested_job_ends_cancelled_not_reclaimed'],
    },
  },
};
