-- reserve for a queue that uses flow control: priorities, groups in turn,
-- limits, holds and paused groups, in one statement under the queue's
-- advisory lock (the function reserve_flow, migration 003). $1 queue, $2
-- now, $3 limit, $4 lease ms, $5 the bound of due jobs moved per kind.
SELECT (r.job).*, r.next_due_at, $2::bigint AS decided_at
FROM {{schema}}.reserve_flow($1, $2::bigint, $3, $4, $5, {{channel}}) AS r;
