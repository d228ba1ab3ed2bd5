-- The creation time (ms) that job id `id` starts with, for a job hash that
-- leaves created_at_nano out because its id holds it (data model 7; the
-- writer checked the id, see id-time.ts): 10 characters of Crockford's
-- base 32, most significant first. At most 2^50, so the double is exact.
-- nil for an id that does not start that way (no such hash is written).
local ID_TIME_DIGITS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

local function id_time_ms(id)
  if #id < 10 then return nil end
  local ms = 0
  for i = 1, 10 do
    local digit = string.find(ID_TIME_DIGITS, string.sub(id, i, i), 1, true)
    if not digit then return nil end
    ms = ms * 32 + digit - 1
  end
  return ms
end
