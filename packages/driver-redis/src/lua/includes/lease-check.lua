-- check_lease: the contract's checks for an operation that presents a lease,
-- in its order: the job exists, its status allows the operation, the token
-- is the current one, the lease has not expired at `now`.
-- Returns nil when the job is in flight under this lease, else a reply:
--   {'REPEAT'}                  ack/fail repeated with a finished job's last token: succeed, change nothing
--   {'NOT_FOUND'}               the queue holds no such job
--   {'NOT_IN_FLIGHT', status}   the job is ready or scheduled, or finished and the operation cannot repeat
--   {'MISMATCH', status}        another token (for a finished job: a late writer)
--   {'EXPIRED', expires_at_ms, now}  the current token, but now >= the stored expiry
-- On success it returns nil and, second, the fields it read: {status, token,
-- idempotency key, cancel_requested_at_nano, watched, fl} (false when
-- absent; fl is the group of a job leased on the flow path, includes/flow.lua),
-- so the caller needs no second read to see a cancel request or a waiter.
-- `known_expiry` is the job's inflight score when the caller read it already
-- (false: not in the set), or nil to read it here.
-- Times are compared as milliseconds (sorted-set scores), never as nanosecond strings.
local function check_lease(job_key, inflight_key, id, token, now, op, known_expiry)
  local state = redis.call('HMGET', job_key, 'status', 'lease_token', 'idempotency_key', 'cancel_requested_at_nano', 'watched', 'fl')
  local status, current = state[1], state[2]
  if not status then return { 'NOT_FOUND' } end
  if status == 'done' or status == 'dlq' or status == 'cancelled' then
    local same = current == token
    local writes_outcome = op == 'ack' or op == 'fail'
    if same and (op == 'fail' or (op == 'ack' and status ~= 'dlq')) then return { 'REPEAT' } end
    if not same and writes_outcome then return { 'MISMATCH', status } end
    return { 'NOT_IN_FLIGHT', status }
  end
  if status ~= 'inflight' then return { 'NOT_IN_FLIGHT', status } end
  if current ~= token then return { 'MISMATCH', status } end
  local expires_at = known_expiry
  if expires_at == nil then expires_at = redis.call('ZSCORE', inflight_key, id) end
  if not expires_at then return { 'EXPIRED', '', now } end
  if tonumber(now) >= tonumber(expires_at) then return { 'EXPIRED', expires_at, now } end
  return nil, state
end
