/**
 * For each driver of broken-drivers.ts (and the unbroken memory driver),
 * the exact conformance cases that must fail, as `block > case`. A case
 * that newly passes means the suite stopped noticing a broken rule; a case
 * that newly fails means a case depends on more than its own rule. Either
 * way, look before updating this list.
 */
export const EXPECTED_FAILURES: Record<string, readonly string[]> = {
  // Every case that presents a token other than the job's current or last one.
  'accepts-wrong-token': [
    'schedules: advance > advance_checks_the_lease_first_and_a_bad_one_changes_nothing',
    'job control: cancel > outcomes_of_a_cancel_requested_job_still_check_the_lease',
    'job control: cancel > a_cancelled_job_takes_repeated_outcomes_of_its_last_run_only',
    'job control: results, progress and error history > progress_without_a_valid_lease_is_rejected_and_changes_nothing',
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
  // ack's own expiry cases, and ackMany no longer matching ack (ackMany still checks expiry).
  'ack-ignores-lease-expiry': [
    'ack > ack_after_expiry_is_lease_expired',
    'ack > ack_at_exactly_expires_at_is_lease_expired',
    'batch > ack_many_gives_each_lease_the_outcome_of_a_single_ack',
  ],
  'dedupes-keys-across-queues': [
    'enqueue > same_idempotency_key_in_another_queue_makes_a_new_job',
  ],
  // Only racing reserves expose it: sequential reserves never overlap.
  'hands-out-twice-under-race': [
    'reserve > racing_reserves_never_hand_out_a_job_twice',
  ],
  // Scheduling, the order promoted jobs take, every nextDueAt that a scheduled job should set, and the
  // schedule cases that expect a pending occurrence to wait for its tick.
  'ignores-run-at': [
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
    'job control: remove and promote > promote_makes_a_scheduled_job_ready_at_the_tail',
    'job control: remove and promote > promote_wakes_waiting_workers',
    'job control: purge > purge_goes_past_one_bounded_step',
    'job control: purge > purge_of_cancelled_and_scheduled_jobs',
    'job control: results, progress and error history > list_filters_by_type',
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
  // Only the case that looks at which keys a record has: toEqual treats an undefined field as a missing one.
  'keeps-unset-fields': [
    'admin > inspect_leaves_unset_fields_out_of_the_record',
  ],
  // The boundary case of each lease operation; reclaim itself still happens at expiresAt.
  'lease-valid-at-expiry': [
    'schedules: advance > advance_checks_the_lease_first_and_a_bad_one_changes_nothing',
    'job control: results, progress and error history > progress_without_a_valid_lease_is_rejected_and_changes_nothing',
    'extendLease > extend_lease_at_exactly_expires_at_is_lease_expired',
    'ack > ack_at_exactly_expires_at_is_lease_expired',
    'retry > retry_at_exactly_expires_at_is_lease_expired',
    'fail > fail_at_exactly_expires_at_is_lease_expired',
    'release > release_at_exactly_expires_at_is_lease_expired',
  ],
  'leaves-abort-listener': [
    'waitForWork > wait_for_work_leaves_no_abort_listener_on_the_signal',
  ],
  // Paging that shifts, and cursors it never made (an offset reads any text as a number, '' as 0).
  'list-cursor-is-an-offset': [
    'admin > list_with_unknown_cursor_is_a_validation_error',
    'admin > list_cursor_does_not_skip_jobs_when_earlier_ones_leave',
    'admin > list_cursor_does_not_repeat_jobs_when_earlier_ones_arrive',
  ],
  // Every case that needs a running job's cancel request stored or pushed.
  'forgets-cancel-requests': [
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
  // The type filter, and the check of an empty type that goes with it.
  'purge-ignores-type': [
    'job control: purge > purge_by_type_removes_only_that_type',
    'job control: purge > purge_with_bad_options_is_a_validation_error',
  ],
  // Every case that reserves from a paused queue.
  'reserves-while-paused': [
    'job control: pause and resume > a_paused_queue_hands_out_nothing_and_reports_no_next_due_time',
    'job control: pause and resume > resume_hands_out_again_and_wakes_waiting_workers',
    'job control: pause and resume > a_pause_before_any_job_holds_for_jobs_enqueued_later',
  ],
  // A second writer of a tick, and a writer that planned from an older version.
  'advances-without-compare': [
    'schedules: advance > a_second_advance_of_the_same_tick_is_a_no_op',
    'schedules: advance > advance_made_from_an_older_version_changes_nothing',
  ],
  'replaces-unchanged-schedules': [
    'schedules: put, remove and get > put_of_the_same_revision_changes_nothing',
  ],
  // The unbroken driver.
  'memory': [
  ],
  // Reclaim itself, and every case whose setup needs a second caller to take an expired job over.
  'never-reclaims': [
    'job control: cancel > an_expired_lease_of_a_cancel_requested_job_ends_cancelled_not_reclaimed',
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
  'reclaim-keeps-run-at': [
    'reserve > reclaim_clears_run_at',
  ],
  'release-to-tail': [
    'release > release_puts_the_job_at_the_head_of_the_ready_list',
    'release > release_puts_the_job_at_the_head_of_a_long_ready_list',
  ],
  // Not retention_keeps_a_done_job_exactly_max_done_age_ms_old or retention_never_removes_dlq_jobs: keeping everything keeps those too.
  // The schedule repair case lets retention remove the finished pending occurrence.
  'retention-never-runs': [
    'schedules: advance > a_repair_applies_when_the_pending_occurrence_is_gone',
    'admin > retention_removes_the_oldest_done_jobs_past_max_done_count',
    'admin > retention_removes_the_idempotency_mapping_with_the_job',
    'admin > retention_removes_done_jobs_older_than_max_done_age_ms',
    'admin > retention_of_zero_done_jobs_keeps_none',
  ],
  'retention-removes-at-max-age': [
    'admin > retention_keeps_a_done_job_exactly_max_done_age_ms_old',
  ],
  'wakes-every-queue': [
    'waitForWork > wait_for_work_does_not_resolve_for_another_queue',
  ],
};
