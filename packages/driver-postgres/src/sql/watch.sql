-- Marks the job $1/$2 as watched by a waitForFinish, so the statement that
-- finishes or deletes it sends a notification; returns its status.
UPDATE {{schema}}.jobs SET watched = true WHERE queue = $1 AND id = $2 RETURNING status;
