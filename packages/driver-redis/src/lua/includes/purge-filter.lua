-- Whether job `id` passes a purge's filter: its type is `job_type` ('' =
-- any type) and, when `cutoff_ms` is given, it was created before it
-- (created_at_nano carries nanoseconds: its last six digits are dropped).
local function purge_matches(base, id, job_type, cutoff_ms)
  local fields = redis.call('HMGET', base .. 'job:' .. id, 'type', 'created_at_nano')
  if job_type ~= '' and fields[1] ~= job_type then return false end
  if cutoff_ms == nil then return true end
  local created = fields[2]
  return created ~= false and #created > 6 and tonumber(string.sub(created, 1, -7)) < cutoff_ms
end
