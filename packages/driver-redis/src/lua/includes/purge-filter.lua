-- Whether job `id` passes a purge's filter: its type is `job_type` ('' =
-- any type) and, when `cutoff_ms` is given, it was created before it
-- (created_at_nano carries nanoseconds: its last six digits are dropped; a
-- hash without it has its time in the id, includes/id-time.lua).
local function purge_matches(base, id, job_type, cutoff_ms)
  local fields = redis.call('HMGET', base .. 'job:' .. id, 'type', 'created_at_nano')
  if job_type ~= '' and fields[1] ~= job_type then return false end
  if cutoff_ms == nil then return true end
  if fields[1] == false then return false end
  local created = fields[2]
  if created == false then
    local from_id = id_time_ms(id)
    return from_id ~= nil and from_id < cutoff_ms
  end
  return #created > 6 and tonumber(string.sub(created, 1, -7)) < cutoff_ms
end
