--[[
  put-schedule: creates or replaces one schedule of the queue and swaps its
  pending occurrence, in one atomic step. The caller claimed the name in the
  global index first (claim-schedule-1.lua) with a new claim token.

  KEYS[1] record     the schedule's hash, "<prefix>:{<queue>}:schedule:<name>"
  KEYS[2] ready      list of runnable job ids
  KEYS[3] scheduled  sorted set: job id by runAt (ms)
  KEYS[4] index      the id index's directory (includes/index.lua), for list
  KEYS[5] signal     wake-up list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] the definition's revision
  ARGV[3] the claim token the caller holds in the global index
  ARGV[4] now, as created_at_nano / updated_at_nano
  ARGV[5] next_run_at_nano, or '' when the schedule has no next tick
  ARGV[6] the pending occurrence's job id, or ''
  ARGV[7] n, the number of definition fields that follow
  ARGV[8 .. 7 + 2n] the definition as field, value pairs (unset ones left out)
  then, with a next tick, the occurrence's twelve values (includes/store.lua, stride 12)

  The same revision as stored: only the claim token is written (so a later
  remove knows the index entry is this record's); answers 'unchanged'.
  Else the old pending occurrence goes if it still waits (ready or
  scheduled; one in flight runs on), the hash is written anew (paused,
  created_at_nano and last_run_at_nano kept, runs 0, version + 1) and the
  occurrence is stored as enqueue stores it (an existing id is left alone).
  Returns { 'created' | 'replaced' | 'unchanged', HGETALL of the record }.
]]
--- @include "bulk"
--- @include "wake"
--- @include "clock"
--- @include "byte-order"
--- @include "index"
--- @include "index-add"
--- @include "retention"
--- @include "flow"
--- @include "pending"
--- @include "store"

local record_key = KEYS[1]
local base, revision, claim, now_nano = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local next_run_at_nano, pending_job = ARGV[5], ARGV[6]
local spec_end = 7 + 2 * tonumber(ARGV[7])

local old = redis.call('HMGET', record_key, 'revision', 'version', 'pending_job', 'paused', 'created_at_nano', 'last_run_at_nano')
if old[1] == revision then
  redis.call('HSET', record_key, 'claim', claim)
  return { 'unchanged', redis.call('HGETALL', record_key) }
end
if old[3] then delete_if_waiting(base, old[3], KEYS[2], KEYS[3], KEYS[4]) end

local fields = {}
for i = 8, spec_end do fields[#fields + 1] = ARGV[i] end
local state = {
  'paused', old[4] or '0',
  'runs', '0',
  'version', string.format('%d', tonumber(old[2] or '0') + 1),
  'created_at_nano', old[5] or now_nano,
  'updated_at_nano', now_nano,
  'claim', claim,
}
for _, value in ipairs(state) do fields[#fields + 1] = value end
if next_run_at_nano ~= '' then
  fields[#fields + 1] = 'next_run_at_nano'
  fields[#fields + 1] = next_run_at_nano
  fields[#fields + 1] = 'pending_job'
  fields[#fields + 1] = pending_job
end
if old[6] then
  fields[#fields + 1] = 'last_run_at_nano'
  fields[#fields + 1] = old[6]
end
redis.call('DEL', record_key)
redis.call('HSET', record_key, unpack(fields))

if next_run_at_nano ~= '' then
  local batch = new_store_batch(false)
  store_job(batch, base, ARGV, spec_end + 1, 12)
  flush_stored(batch, base, KEYS[2], KEYS[3], KEYS[4], KEYS[5])
end

local status = 'created'
if old[2] then status = 'replaced' end
return { status, redis.call('HGETALL', record_key) }
