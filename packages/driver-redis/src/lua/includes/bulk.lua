-- Sends `command key values...` in pieces of at most 2,000 values (a Lua
-- unpack takes a few thousand at most), in order. Pairs (score, member) stay
-- whole since the piece size is even. Nothing is sent for an empty list.
-- Returns the last piece's reply (nil when nothing was sent): for RPUSH, the
-- list's length.
local function call_in_pieces(command, key, values)
  local reply
  for first = 1, #values, 2000 do
    reply = redis.call(command, key, unpack(values, first, math.min(first + 1999, #values)))
  end
  return reply
end

-- The replies of `command key values...` sent in pieces as above, joined in
-- order: for commands that answer one entry per value (ZMSCORE, HMGET).
local function read_in_pieces(command, key, values)
  local replies = {}
  for first = 1, #values, 2000 do
    local part = redis.call(command, key, unpack(values, first, math.min(first + 1999, #values)))
    for i = 1, #part do replies[first + i - 1] = part[i] end
  end
  return replies
end
