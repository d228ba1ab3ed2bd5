-- Sends `command key values...` in pieces of at most 2,000 values (a Lua
-- unpack takes a few thousand at most), in order. Pairs (score, member) stay
-- whole since the piece size is even. Nothing is sent for an empty list.
local function call_in_pieces(command, key, values)
  for first = 1, #values, 2000 do
    redis.call(command, key, unpack(values, first, math.min(first + 1999, #values)))
  end
end
