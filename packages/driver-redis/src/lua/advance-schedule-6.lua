--[[
  advance-schedule: the compare-and-set that moves one schedule of the queue
  on from its pending tick, in one atomic step; nothing is written unless it
  applies.

  KEYS[1] record     the schedule's hash
  KEYS[2] ready      list of runnable job ids
  KEYS[3] scheduled  sorted set: job id by runAt (ms)
  KEYS[4] inflight   sorted set: job id by lease expiry (ms)
  KEYS[5] index      the id index's directory (includes/index.lua), for list
  KEYS[6] signal     wake-up list

  ARGV[1]  the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2]  'held' (the caller holds a lease on a job of this queue) or 'repair' (no lease)
  ARGV[3]  the lease's job id ('' for a repair)
  ARGV[4]  the lease's token ('' for a repair)
  ARGV[5]  now (ms) for the lease check, or '' for Redis's TIME
  ARGV[6]  the version the plan was made from
  ARGV[7]  from: the pending tick the plan starts at, as nanoseconds
  ARGV[8]  the pending occurrence's job id, <name>@<from>
  ARGV[9]  '1' when the occurrences are of another queue
  ARGV[10] '1' to drop the held occurrence
  ARGV[11] the new next_run_at_nano, or '' (the schedule ends)
  ARGV[12] the new pending occurrence's job id, or ''
  ARGV[13] the new last_run_at_nano, or '' (kept)
  ARGV[14] the new runs count
  ARGV[15] updated_at_nano (the request's now)
  ARGV[16..] twelve values per occurrence (includes/store.lua), in order

  In the contract's order: the lease checks of extendLease (a refusal
  answers {'LEASE', <check_lease reply>}); no schedule: {'NO_RECORD'};
  occurrences of another queue: {'BAD_QUEUE'}; then {'NOT_ADVANCED'} when
  the version or the pending tick differ, when the held job is not the
  pending occurrence, or (repair) when the pending occurrence still waits or
  runs. Else the cadence moves (next tick, last tick, runs, version + 1,
  updated_at), a dropped held job is deleted outright (inflight entry, hash,
  index member, idempotency mapping), the occurrences are stored as enqueue
  stores them (an existing id is left alone; due ones join the ready tail
  in order), waiters wake, and the reply is {'ADVANCED'}.
]]
--- @include "bulk"
--- @include "wake"
--- @include "clock"
--- @include "byte-order"
--- @include "index"
--- @include "index-add"
--- @include "retention"
--- @include "lease-check"
--- @include "flow"
--- @include "store"

local record_key, ready_key, scheduled_key, inflight_key, index_key, signal_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local base, mode = ARGV[1], ARGV[2]
local held_id, token = ARGV[3], ARGV[4]
local pending_id = ARGV[8]

if mode == 'held' then
  local refusal = check_lease(base .. 'job:' .. held_id, inflight_key, held_id, token, script_now(ARGV[5]), 'extendLease')
  if refusal then return { 'LEASE', refusal } end
end
local record = redis.call('HMGET', record_key, 'version', 'next_run_at_nano')
if not record[1] then return { 'NO_RECORD' } end
if ARGV[9] == '1' then return { 'BAD_QUEUE' } end
if record[1] ~= ARGV[6] or record[2] ~= ARGV[7] then return { 'NOT_ADVANCED' } end
if mode == 'held' then
  if held_id ~= pending_id then return { 'NOT_ADVANCED' } end
else
  local status = redis.call('HGET', base .. 'job:' .. pending_id, 'status')
  if status and status ~= 'done' and status ~= 'dlq' and status ~= 'cancelled' then return { 'NOT_ADVANCED' } end
end

local next_run_at_nano, last_run_at_nano = ARGV[11], ARGV[13]
redis.call('HSET', record_key, 'runs', ARGV[14], 'updated_at_nano', ARGV[15])
redis.call('HINCRBY', record_key, 'version', 1)
if next_run_at_nano ~= '' then
  redis.call('HSET', record_key, 'next_run_at_nano', next_run_at_nano, 'pending_job', ARGV[12])
else
  redis.call('HDEL', record_key, 'next_run_at_nano', 'pending_job')
end
if last_run_at_nano ~= '' then redis.call('HSET', record_key, 'last_run_at_nano', last_run_at_nano) end

if mode == 'held' and ARGV[10] == '1' then
  redis.call('ZREM', inflight_key, held_id)
  forget_job(base, index_key, held_id)
end

local batch = new_store_batch(false)
for i = 16, #ARGV, 12 do store_job(batch, base, ARGV, i, 12) end
flush_stored(batch, base, ready_key, scheduled_key, index_key, signal_key)
return { 'ADVANCED' }
