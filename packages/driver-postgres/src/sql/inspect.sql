-- One job as stored. $1: queue, $2: id.
SELECT * FROM {{schema}}.jobs WHERE queue = $1 AND id = $2;
