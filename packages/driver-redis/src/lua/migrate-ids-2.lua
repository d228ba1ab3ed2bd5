--[[
  migrate-ids: moves one queue's id index of data-model version 7 (one
  sorted set of every id, scores 0) into the bucketed index of version 8
  (includes/index.lua), at most ARGV[1] ids per call from the set's low end;
  the caller repeats until it answers 0.

  KEYS[1] index      sorted set of every job id (scores 0): the id index of data models 2 to 7
  KEYS[2] ids        the id index's directory of version 8

  The set's ranks are its byte order (all scores are equal), so each call's
  ids come in ascending order and after every id an earlier call moved:
  they go to the end of the new index, filling its buckets. Run again after
  an interruption, it carries on where it stopped.
  Returns how many ids are left to move.
]]
--- @include "bulk"
--- @include "byte-order"
--- @include "index"
--- @include "index-add"

local legacy_key, index_key = KEYS[1], KEYS[2]
local ids = redis.call('ZRANGE', legacy_key, 0, tonumber(ARGV[1]) - 1)
if #ids == 0 then return 0 end
index_add(index_key, ids, true)
redis.call('ZREMRANGEBYRANK', legacy_key, 0, #ids - 1)
return redis.call('ZCARD', legacy_key)
