-- byte_less(a, b): true when string a sorts before string b byte by byte,
-- the order ZRANGEBYLEX uses. Lua's own `<` on strings follows the server's
-- locale (strcoll), so scripts never use it to order ids.
local function byte_less(a, b)
  local la, lb = #a, #b
  local n = la
  if lb < n then n = lb end
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return la < lb
end
