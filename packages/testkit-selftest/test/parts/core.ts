import {
  AcceptsWrongToken,
  AckIgnoresLeaseExpiry,
  DedupesKeysAcrossQueues,
  HandsOutTwiceUnderRace,
  IgnoresRunAt,
  KeepsUnsetFields,
  LeaseValidAtExpiry,
  LeavesAbortListener,
  ListCursorIsAnOffset,
  NeverReclaims,
  ReclaimKeepsRunAt,
  ReleaseToTail,
  RetentionNeverRuns,
  RetentionRemovesAtMaxAge,
  WakesEveryQueue,
} from '../broken-drivers/core.js';
import type { Part } from './part.js';

/**
 * The cases of the operations every driver has: every block outside the
 * families (`enqueue`, `reserve`, …, `admin`, `e2e`, `families`). Why each
 * list is what it is: the comment above it.
 */
export const core: Part = {
  name: 'core',
  drivers: {
    // Every case that presents a token other than the job's current or last one.
    'accepts-wrong-token': {
      driver: AcceptsWrongToken,
      fails: [
        'reserve > reclaim_issues_a_new_token_and_the_old_one_is_lease_mismatch',
        'extendLease > extend_lease_with_wrong_token_is_lease_mismatch',
        'extendLease > extend_lease_with_wrong_token_after_expiry_is_lease_mismatch',
        'extendLease > extend_lease_after_takeover_is_lease_mismatch',
        'ack > ack_with_wrong_token_is_lease_mismatch',
        'ack > ack_with_wrong_token_after_expiry_is_lease_mismatch',
        'ack > ack_after_takeover_is_lease_mismatch',
        'ack > ack_of_done_job_with_another_token_is_lease_mismatch',
        'ack > ack_of_dlq_job_with_another_token_is_lease_mismatch',
        'retry > retry_with_wrong_token_is_lease_mismatch',
        'retry > retry_with_wrong_token_after_expiry_is_lease_mismatch',
        'retry > retry_after_takeover_is_lease_mismatch',
        'fail > fail_with_wrong_token_is_lease_mismatch',
        'fail > fail_with_wrong_token_after_expiry_is_lease_mismatch',
        'fail > fail_after_takeover_is_lease_mismatch',
        'fail > fail_of_done_job_with_another_token_is_lease_mismatch',
        'fail > fail_of_dlq_job_with_another_token_is_lease_mismatch',
        'release > release_with_wrong_token_is_lease_mismatch',
        'release > release_with_wrong_token_after_expiry_is_lease_mismatch',
        'release > release_after_takeover_is_lease_mismatch',
      ],
    },
    // ack's own expiry cases, and ackMany no longer matching ack (ackMany still checks expiry).
    'ack-ignores-lease-expiry': {
      driver: AckIgnoresLeaseExpiry,
      fails: [
        'ack > ack_after_expiry_is_lease_expired',
        'ack > ack_at_exactly_expires_at_is_lease_expired',
        'batch > ack_many_gives_each_lease_the_outcome_of_a_single_ack',
      ],
    },
    'dedupes-keys-across-queues': {
      driver: DedupesKeysAcrossQueues,
      fails: [
        'enqueue > same_idempotency_key_in_another_queue_makes_a_new_job',
      ],
    },
    // Only racing reserves expose it: sequential reserves never overlap.
    'hands-out-twice-under-race': {
      driver: HandsOutTwiceUnderRace,
      fails: [
        'reserve > racing_reserves_never_hand_out_a_job_twice',
      ],
    },
    // Scheduling, the order promoted jobs take, and every nextDueAt that a scheduled job should set.
    'ignores-run-at': {
      driver: IgnoresRunAt,
      fails: [
        'reserve > many_due_scheduled_jobs_join_the_tail_in_run_at_then_id_order',
        'reserve > promoted_and_reclaimed_jobs_at_the_same_time_join_in_id_order',
        'enqueue > scheduled_job_is_not_reservable_before_run_at',
        'enqueue > ready_job_is_preferred_over_not_yet_due_scheduled_job',
        'reserve > next_due_at_is_the_earliest_scheduled_run_at',
        'reserve > next_due_at_includes_the_new_leases',
        'reserve > next_due_at_includes_leases_of_earlier_reserves',
        'reserve > next_due_at_ignores_other_queues',
        'reserve > due_scheduled_jobs_join_the_tail_in_run_at_order',
        'reserve > due_scheduled_jobs_with_equal_run_at_join_in_id_order',
        'reserve > due_scheduled_jobs_with_equal_run_at_join_in_code_point_id_order',
        'reserve > promoted_and_reclaimed_jobs_join_the_tail_in_time_order',
        'retry > retry_with_future_run_at_schedules_the_job',
        'admin > inspect_shows_a_scheduled_job_with_run_at',
        'admin > list_filters_by_status',
        'admin > requeue_dlq_with_future_run_at_schedules_the_job',
        'admin > counts_match_each_status',
      ],
    },
    // Only the case that looks at which keys a record has: toEqual treats an undefined field as a missing one.
    'keeps-unset-fields': {
      driver: KeepsUnsetFields,
      fails: [
        'admin > inspect_leaves_unset_fields_out_of_the_record',
      ],
    },
    // The boundary case of each lease operation; reclaim itself still happens at expiresAt.
    'lease-valid-at-expiry': {
      driver: LeaseValidAtExpiry,
      fails: [
        'extendLease > extend_lease_at_exactly_expires_at_is_lease_expired',
        'ack > ack_at_exactly_expires_at_is_lease_expired',
        'retry > retry_at_exactly_expires_at_is_lease_expired',
        'fail > fail_at_exactly_expires_at_is_lease_expired',
        'release > release_at_exactly_expires_at_is_lease_expired',
      ],
    },
    'leaves-abort-listener': {
      driver: LeavesAbortListener,
      fails: [
        'waitForWork > wait_for_work_leaves_no_abort_listener_on_the_signal',
      ],
    },
    // Paging that shifts, and cursors it never made (an offset reads any text as a number, '' as 0).
    'list-cursor-is-an-offset': {
      driver: ListCursorIsAnOffset,
      fails: [
        'admin > list_with_unknown_cursor_is_a_validation_error',
        'admin > list_cursor_does_not_skip_jobs_when_earlier_ones_leave',
        'admin > list_cursor_does_not_repeat_jobs_when_earlier_ones_arrive',
      ],
    },
    // Reclaim itself, and every case whose setup needs a second caller to take an expired job over.
    'never-reclaims': {
      driver: NeverReclaims,
      fails: [
        'reserve > expired_lease_is_reclaimed_and_reservable_again',
        'reserve > reclaim_happens_at_exactly_expires_at',
        'reserve > reclaim_clears_run_at',
        'reserve > reclaim_increments_reclaims',
        'reserve > reclaim_issues_a_new_token_and_the_old_one_is_lease_mismatch',
        'reserve > reclaimed_job_not_taken_again_is_ready_without_lease',
        'reserve > reclaimed_jobs_join_the_tail_in_expiry_order',
        'reserve > promoted_and_reclaimed_jobs_join_the_tail_in_time_order',
        'reserve > many_expired_leases_are_reclaimed_in_expiry_then_id_order',
        'reserve > promoted_and_reclaimed_jobs_at_the_same_time_join_in_id_order',
        'extendLease > extend_lease_after_takeover_is_lease_mismatch',
        'extendLease > extend_lease_after_reclaim_to_ready_is_job_not_in_flight',
        'extendLease > extend_lease_of_done_job_with_another_token_is_job_not_in_flight',
        'extendLease > extend_lease_of_dlq_job_with_another_token_is_job_not_in_flight',
        'extendLease > extended_lease_keeps_the_job_exclusive_until_the_new_expiry',
        'extendLease > extended_leases_are_reclaimed_in_order_of_their_new_expiry',
        'ack > ack_after_takeover_is_lease_mismatch',
        'ack > ack_after_reclaim_to_ready_is_job_not_in_flight',
        'ack > ack_of_done_job_with_another_token_is_lease_mismatch',
        'ack > ack_of_dlq_job_with_another_token_is_lease_mismatch',
        'retry > retry_after_takeover_is_lease_mismatch',
        'retry > retry_after_reclaim_to_ready_is_job_not_in_flight',
        'retry > retry_of_done_job_with_another_token_is_job_not_in_flight',
        'retry > retry_of_dlq_job_with_another_token_is_job_not_in_flight',
        'retry > retry_keeps_reclaims',
        'fail > fail_after_takeover_is_lease_mismatch',
        'fail > fail_after_reclaim_to_ready_is_job_not_in_flight',
        'fail > fail_of_done_job_with_another_token_is_lease_mismatch',
        'fail > fail_of_dlq_job_with_another_token_is_lease_mismatch',
        'release > release_after_takeover_is_lease_mismatch',
        'release > release_after_reclaim_to_ready_is_job_not_in_flight',
        'release > release_of_done_job_with_another_token_is_job_not_in_flight',
        'release > release_of_dlq_job_with_another_token_is_job_not_in_flight',
        'admin > requeue_dlq_resets_reclaims',
      ],
    },
    'reclaim-keeps-run-at': {
      driver: ReclaimKeepsRunAt,
      fails: [
        'reserve > reclaim_clears_run_at',
      ],
    },
    'release-to-tail': {
      driver: ReleaseToTail,
      fails: [
        'release > release_puts_the_job_at_the_head_of_the_ready_list',
        'release > release_puts_the_job_at_the_head_of_a_long_ready_list',
      ],
    },
    // Not retention_keeps_a_done_job_exactly_max_done_age_ms_old or retention_never_removes_dlq_jobs: keeping
    // everything keeps those too.
    'retention-never-runs': {
      driver: RetentionNeverRuns,
      fails: [
        'admin > retention_removes_the_oldest_done_jobs_past_max_done_count',
        'admin > retention_removes_the_idempotency_mapping_with_the_job',
        'admin > retention_removes_done_jobs_older_than_max_done_age_ms',
        'admin > retention_of_zero_done_jobs_keeps_none',
      ],
    },
    'retention-removes-at-max-age': {
      driver: RetentionRemovesAtMaxAge,
      fails: [
        'admin > retention_keeps_a_done_job_exactly_max_done_age_ms_old',
      ],
    },
    'wakes-every-queue': {
      driver: WakesEveryQueue,
      fails: [
        'waitForWork > wait_for_work_does_not_resolve_for_another_queue',
      ],
    },
  },
};
