import { AcceptsWrongToken, IgnoresRunAt, LeaseValidAtExpiry, NeverReclaims } from '../broken-drivers/core.js';
import { HoldsNothingBack, IgnoresGroupConcurrency, IgnoresPriority } from '../broken-drivers/flow-control.js';
import { ForgetsCancelRequests, PurgeIgnoresType } from '../broken-drivers/job-control.js';
import type { Part } from './part.js';

/**
 * The flowControl family's cases (`flow control: …`): its own broken
 * drivers, and the core and job-control ones whose rule these cases check
 * again for the family's operations.
 */
export const flowControl: Part = {
  name: 'flowControl',
  drivers: {
    // Every case that orders by priority, and the bad priority that the stripped field no longer refuses.
    'ignores-priority': { driver: IgnoresPriority, fails: [
        'flow control: priorities > lower_priority_is_reserved_first_and_fifo_within_a_priority',
        'flow control: priorities > negative_priority_runs_before_the_default',
        'flow control: priorities > a_released_job_goes_to_the_head_of_its_priority',
        'flow control: priorities > a_retried_job_keeps_its_priority_and_joins_its_tail',
        'flow control: priorities > a_reclaimed_job_keeps_its_priority',
        'flow control: priorities > a_due_scheduled_job_joins_its_priority_in_order',
        'flow control: priorities > a_requeued_dead_letter_keeps_its_priority_and_group',
        'flow control: priorities > inspect_and_list_show_priority_and_group_and_store_no_priority_for_0',
        'flow control: priorities > enqueue_refuses_a_bad_priority_or_group_and_stores_nothing',
        'flow control: groups > priority_orders_jobs_within_a_group',
        'flow control: snooze and hold-back > snooze_schedules_the_job_without_counting_a_failure',
        'flow control: snooze and hold-back > snooze_to_now_makes_the_job_ready_at_its_priority_tail',
      ] },
    // Every case that sets a group concurrency, and the bad limit that is stored once its field is dropped.
    'ignores-group-concurrency': { driver: IgnoresGroupConcurrency, fails: [
        'flow control: limits > group_concurrency_applies_to_every_group_and_an_override_wins',
        'flow control: limits > an_empty_override_falls_back_to_the_defaults',
        'flow control: limits > a_slot_freed_by_ack_wakes_wait_for_work_when_work_waits',
        'flow control: limits > flow_state_and_group_state_read_back_what_was_set',
        'flow control: limits > bad_limits_are_refused_and_change_nothing',
      ] },
    // Every case that needs a hold to last.
    'holds-nothing-back': { driver: HoldsNothingBack, fails: [
        'flow control: snooze and hold-back > hold_back_puts_the_job_first_and_holds_its_queue_until',
        'flow control: snooze and hold-back > hold_back_of_a_grouped_job_holds_only_its_group',
        'flow control: snooze and hold-back > a_hold_never_shortens_a_later_one',
        'flow control: snooze and hold-back > hold_back_checks_the_lease_like_release',
      ] },
    // snooze and holdBack check the token like any lease operation.
    'accepts-wrong-token': { driver: AcceptsWrongToken, fails: [
        'flow control: snooze and hold-back > snooze_checks_the_lease_like_retry',
        'flow control: snooze and hold-back > hold_back_checks_the_lease_like_release',
      ] },
    // ... and the expiry boundary.
    'lease-valid-at-expiry': { driver: LeaseValidAtExpiry, fails: [
        'flow control: snooze and hold-back > snooze_checks_the_lease_like_retry',
        'flow control: snooze and hold-back > hold_back_checks_the_lease_like_release',
      ] },
    // Cases whose setup needs a job that is not yet due.
    'ignores-run-at': { driver: IgnoresRunAt, fails: [
        'flow control: priorities > a_due_scheduled_job_joins_its_priority_in_order',
        'flow control: waitForWork wakes for flow-path jobs > an_enqueue_of_a_grouped_job_scheduled_for_later_wakes_a_plain_wait',
        'flow control: waitForWork wakes for flow-path jobs > an_enqueue_of_a_grouped_job_scheduled_for_later_wakes_a_taking_wait',
        'flow control: waitForWork wakes for flow-path jobs > a_retry_of_a_grouped_job_scheduled_for_later_wakes_a_plain_wait',
        'flow control: waitForWork wakes for flow-path jobs > a_retry_of_a_grouped_job_scheduled_for_later_wakes_a_taking_wait',
        'flow control: waitForWork wakes for flow-path jobs > a_snooze_for_later_of_a_prioritised_job_wakes_a_plain_wait',
        'flow control: waitForWork wakes for flow-path jobs > a_snooze_for_later_of_a_prioritised_job_wakes_a_taking_wait',
        'flow control: snooze and hold-back > snooze_schedules_the_job_without_counting_a_failure',
      ] },
    // Cases that need an expired lease reclaimed.
    'never-reclaims': { driver: NeverReclaims, fails: [
        'flow control: priorities > a_reclaimed_job_keeps_its_priority',
        'flow control: limits > an_expired_lease_frees_its_concurrency_slot',
      ] },
    // A snoozed run of a cancel-requested job ends cancelled.
    'forgets-cancel-requests': { driver: ForgetsCancelRequests, fails: [
        'flow control: snooze and hold-back > snooze_of_a_job_with_a_cancel_request_finishes_it_cancelled',
      ] },
    // The turn-order case purges by type.
    'purge-ignores-type': { driver: PurgeIgnoresType, fails: [
        'flow control: groups > cancel_remove_and_purge_keep_the_turn_order_and_counts',
      ] },
  },
};
