-- delete_if_waiting: deletes the job `id` when it waits (ready or scheduled),
-- with its idempotency mapping and index member (forget_job, which also
-- tells a waitForFinish that watches it); a job in flight or finished stays.
-- The schedule scripts drop a schedule's pending occurrence with it.
-- LREM is O(n) in the ready list's length: a due occurrence nobody took yet.
-- (Needs includes/flow.lua: a ready job may sit in its group's order.)
local function delete_if_waiting(base, id, ready_key, scheduled_key, index_key)
  local status = redis.call('HGET', base .. 'job:' .. id, 'status')
  if status == 'ready' then
    remove_ready(base, base .. 'job:' .. id, id)
  elseif status == 'scheduled' then
    redis.call('ZREM', scheduled_key, id)
  else
    return
  end
  forget_job(base, index_key, id)
end
