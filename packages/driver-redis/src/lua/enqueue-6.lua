--[[
  enqueue: stores new jobs of one queue, all in one atomic step.

  KEYS[1] ready      list of runnable job ids; reserve pops the head
  KEYS[2] scheduled  sorted set: job id by runAt (ms)
  KEYS[3] index      the id index's directory (includes/index.lua), for list
  KEYS[4] signal     wake-up list that waitForWork blocks on
  KEYS[5] inflight   sorted set: job id by lease expiry (ms), for handoffs
  KEYS[6] takers     sorted set of idle workers' handoff offers (includes/handoff.lua)

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:" (job and idempotency keys hang off it)
  ARGV[2] values per job: 10; 12 when a job of the call has a schedule; 14
          when one has a priority or a group; 15 when one has meta
  ARGV[3] now (ms) for the lease of a job handed to an idle worker, or ''
          when this call hands none over (leaseClock 'server')
  ARGV[4] '1' when the ids come in ascending byte order (the index then
          appends them without sorting), else ''
  ARGV[5..] the values of each job (see includes/store.lua):
          id, type, payload, runnable ('1' when runAt is unset or <= now),
          run_at ms, run_at_nano, timeout_nano, created_at_nano, max_attempts
          ('' for the default), idempotency_key ('' for an unset value), then with 12 schedule,
          scheduled_for_nano, with 14 also priority, group, and with 15
          also meta (JSON text, '' for none)

  Every stored job, ready or scheduled, leaves a wake-up token. With ARGV[3], ready
  jobs go straight to idle workers that offered to take one (handoff.lua),
  and the token is left after them, only while ready jobs are left or a
  job was scheduled.
  Returns two entries for each job that already existed, in order: its
  position in the call (1-based) and the id of the stored job (its own id,
  or the id of the job that holds its idempotency key). Jobs not named were
  stored, so the usual reply is empty. A job whose id or key is known
  changes nothing, also within one call.
]]
--- @include "bulk"
--- @include "byte-order"
--- @include "index"
--- @include "index-add"
--- @include "wake"
--- @include "flow"
--- @include "store"
--- @include "clock"
--- @include "handoff"

local base, stride = ARGV[1], tonumber(ARGV[2])
local reply = {}
local batch = new_store_batch(ARGV[4] == '1')
if stride == 14 then flow_enable(base) end
-- With meta the flow fields come along for every job: the path turns on only for a job that sets one.
if stride == 15 then
  for i = 5, #ARGV, stride do
    if ARGV[i + 12] ~= '' or ARGV[i + 13] ~= '' then
      flow_enable(base)
      break
    end
  end
end

for i = 5, #ARGV, stride do
  local existing = store_job(batch, base, ARGV, i, stride)
  if existing then
    reply[#reply + 1] = (i - 5) / stride + 1
    reply[#reply + 1] = existing
  end
end

local handoff = ARGV[3] ~= '' and #batch.ready > 0
local on_flow, ready_length = flush_stored(batch, base, KEYS[1], KEYS[2], KEYS[3], KEYS[4], handoff)
if handoff then
  -- The token goes after the handoffs: a listener blocked on both its handoff list and the
  -- signal list is served by the key that was pushed first, and it must get its job, not
  -- a bare token. On the plain path none is left when no job is left to reserve and none was
  -- scheduled; on the flow path nothing is handed over and the token always goes.
  if not on_flow then ready_length = hand_off(base, KEYS[1], KEYS[5], KEYS[6], ARGV[3], #batch.ready, ready_length) end
  if on_flow or #batch.scheduled > 0 or ready_length > 0 then wake(KEYS[4]) end
end
return reply
