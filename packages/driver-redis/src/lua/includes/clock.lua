-- The time a script decides by, in ms, as an integer string. The caller sends
-- its own `now`, or '' when the driver keeps leases on Redis's own clock
-- (leaseClock 'server'); then it is the server's TIME, read once per script.
local function script_now(arg)
  if arg ~= '' then return arg end
  local time = redis.call('TIME')
  return string.format('%d', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
end

-- ms + delta as an integer string. Every time of the contract is below 2^53,
-- so the double arithmetic is exact.
local function add_ms(ms, delta)
  return string.format('%d', tonumber(ms) + tonumber(delta))
end

-- An integer ms string in the hash's nanosecond form, as msToNano writes it.
local function ms_to_nano(ms)
  if ms == '0' then return '0' end
  return ms .. '000000'
end
