--[[
  ack: marks one or more reserved jobs of one queue done, then applies retention.

  KEYS[1] inflight   sorted set: job id by lease expiry (ms)
  KEYS[2] done       sorted set: job id by finish time (ms)
  KEYS[3] index      sorted set of every job id (scores 0), for list

  ARGV[1] the queue's key base, "<prefix>:{<queue>}:"
  ARGV[2] now (ms), or '' for Redis's TIME; also the finish time
  ARGV[3] retention: most done jobs kept ('' = no limit)
  ARGV[4] retention: remove jobs finished more than this many ms before now ('' = no age limit)
  ARGV[5..] two values per lease: job id, token

  A done job keeps its last token (lease_token) and loses lease_expires_at_nano.
  Retention runs after each ack, as it would for single acks in a row.
  Returns two entries for each lease not simply acked, in order: its position
  in the call (1-based) and its reply, {'REPEAT'} (a repeated ack: success,
  nothing changed) or a refusal. Leases not named were acked ({'OK'}), so the
  usual reply is empty.
]]
--- @include "bulk"
--- @include "clock"
--- @include "lease-check"
--- @include "done-retention"

local inflight_key, done_key, index_key = KEYS[1], KEYS[2], KEYS[3]
local base, now, max_done, max_age = ARGV[1], script_now(ARGV[2]), ARGV[3], ARGV[4]
local now_nano = ms_to_nano(now)
local cutoff = ''
if max_age ~= '' then cutoff = add_ms(now, -tonumber(max_age)) end
local replies = {}
-- Acked ids leave the inflight set (and with retention 0 the index) in bulk at the end.
local acked = {}

-- Every lease's expiry in one read; this script changes inflight only at the end.
local ids = {}
for i = 5, #ARGV, 2 do ids[#ids + 1] = ARGV[i] end
local expiries = read_in_pieces('ZMSCORE', inflight_key, ids)

for position, id in ipairs(ids) do
  local token = ARGV[4 + 2 * position]
  local job_key = base .. 'job:' .. id
  local refusal, key = check_lease(job_key, inflight_key, id, token, now, 'ack', expiries[position])
  if refusal then
    replies[#replies + 1] = position
    replies[#replies + 1] = refusal
  elseif max_done == '0' then
    -- A retention of zero done jobs: the job would be trimmed the moment it is done,
    -- so it goes at once (hash, index member, idempotency mapping) without the detour
    -- through the done set.
    acked[#acked + 1] = id
    if key then
      local idem_key = base .. 'idem:' .. key
      if redis.call('GET', idem_key) == id then redis.call('DEL', idem_key) end
    end
    redis.call('DEL', job_key)
  else
    redis.call('HSET', job_key, 'status', 'done', 'finished_at_nano', now_nano)
    redis.call('HDEL', job_key, 'lease_expires_at_nano')
    acked[#acked + 1] = id
    redis.call('ZADD', done_key, now, id)
    trim_done(base, done_key, index_key, max_done, cutoff)
  end
end
call_in_pieces('ZREM', inflight_key, acked)
if max_done == '0' then call_in_pieces('ZREM', index_key, acked) end
-- Done jobs left from an earlier, larger retention still go (ZCARD alone when there are none).
if max_done == '0' then trim_done(base, done_key, index_key, max_done, cutoff) end
return replies
