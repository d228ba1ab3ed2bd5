-- Hands ready jobs straight to idle workers that offered to take one, so a
-- job arriving at an idle worker starts without the reserve round trip
-- that would follow its wake-up (wake-listeners.ts makes the offers).
--
-- An offer is a member of the queue's `takers` sorted set,
-- "<listener id>|<leaseMs>|<token>", scored by the server time (ms) after
-- which it is stale: a listener renews its offer with every BLPOP, so one
-- whose process died lapses within seconds. Each offer takes one job: the
-- job at the head of the ready list is leased here exactly as reserve
-- would lease it (status inflight, the offer's token, an expiry of
-- now + leaseMs in the inflight set) and pushed, with its fields, as one
-- frame onto the listener's handoff list, which its BLPOP watches.
--
-- Only the plain path hands jobs over: not while the queue is paused, and
-- never once it uses flow control (priorities, groups and limits decide
-- there which job goes next, and only reserve applies them; the caller
-- knows that from storing the jobs and does not call hand_off).
--
-- A frame is length-prefixed pieces (4 bytes, big-endian, then the bytes):
-- id, token, the lease's now and its expiry (ms), then the job hash's fields and values as
-- HGETALL gives them (status still `ready`). handoff-frame.ts reads it.

-- The most offers one call looks at, stale ones included, so a pile of
-- lapsed offers cannot hold Redis.
local HANDOFF_MAX_OFFERS = 16
-- A handoff list outlives a listener that died by this long, at most.
local HANDOFF_LIST_TTL_MS = 60000

local function frame_piece(pieces, value)
  pieces[#pieces + 1] = struct.pack('>I4', #value)
  pieces[#pieces + 1] = value
end

-- `now` is the script's now (ms string) for the lease expiry. At most `most`
-- jobs are handed over (the enqueue's own ready jobs), taken from the head
-- of the ready list, which holds `length` ids. Returns how many ids the list
-- holds after.
local function hand_off(base, ready_key, inflight_key, takers_key, now, most, length)
  if redis.call('EXISTS', takers_key) == 0 then return length end
  if redis.call('EXISTS', base .. 'paused') == 1 then return length end
  local time = redis.call('TIME')
  local server_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local handed = 0
  for _ = 1, HANDOFF_MAX_OFFERS do
    if handed == most or length == 0 then break end
    -- The offer that lapses first; a lapsed one (its listener stopped renewing it) is dropped.
    local offer = redis.call('ZPOPMIN', takers_key)
    if #offer == 0 then break end
    local listener, lease_ms, token = string.match(offer[1], '^([^|]+)|(%d+)|(.+)$')
    if listener and tonumber(offer[2]) > server_ms then
      local id = redis.call('LPOP', ready_key)
      length = length - 1
      local job_key = base .. 'job:' .. id
      local fields = redis.call('HGETALL', job_key)
      local ready = false
      for f = 1, #fields, 2 do
        if fields[f] == 'status' then
          ready = fields[f + 1] == 'ready'
          break
        end
      end
      if ready then
        local expires_at = add_ms(now, lease_ms)
        redis.call('HSET', job_key, 'status', 'inflight', 'lease_token', token, 'lease_expires_at_nano', ms_to_nano(expires_at))
        redis.call('ZADD', inflight_key, expires_at, id)
        local pieces = {}
        frame_piece(pieces, id)
        frame_piece(pieces, token)
        frame_piece(pieces, now)
        frame_piece(pieces, expires_at)
        for f = 1, #fields do frame_piece(pieces, fields[f]) end
        local handoff_key = base .. 'handoff:' .. listener
        redis.call('RPUSH', handoff_key, table.concat(pieces))
        redis.call('PEXPIRE', handoff_key, HANDOFF_LIST_TTL_MS)
        handed = handed + 1
      else
        -- An id whose job is gone or moved on is dropped, as reserve drops it; the offer stands.
        redis.call('ZADD', takers_key, offer[2], offer[1])
      end
    end
  end
  return length
end
