-- Deletes worker $1's entry; one row when there was one.
DELETE FROM {{schema}}.workers WHERE id = $1 RETURNING id;
