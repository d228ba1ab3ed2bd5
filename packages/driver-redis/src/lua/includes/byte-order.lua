-- byte_less(a, b): true when string a sorts before string b byte by byte,
-- the order ZRANGEBYLEX uses. Lua's own `<` on strings follows the server's
-- locale (strcoll), so scripts never use it to order ids. Ids often share a
-- long prefix (the time), so the common part is skipped 8 bytes at a time
-- with string equality, which runs in C, before bytes are compared one by
-- one (about 1 µs for two 26-byte ids, against 2.8 byte by byte).
local function byte_less(a, b)
  if a == b then return false end
  local la, lb = #a, #b
  local n = la
  if lb < n then n = lb end
  local sub, byte = string.sub, string.byte
  local i = 1
  while i + 7 <= n and sub(a, i, i + 7) == sub(b, i, i + 7) do i = i + 8 end
  for j = i, n do
    local x, y = byte(a, j), byte(b, j)
    if x ~= y then return x < y end
  end
  return la < lb
end
