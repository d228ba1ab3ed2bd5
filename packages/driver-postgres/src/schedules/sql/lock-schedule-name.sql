-- Serialises puts of the schedule $1 until the transaction ends, also while
-- no row of that name exists yet (two puts creating one name: the second
-- waits, then finds the first's row). A transaction-level advisory lock
-- keyed by the schema's channel name (one per schema) and the name.
SELECT true AS locked FROM pg_advisory_xact_lock(hashtextextended({{channel}} || ' schedule ' || $1::text, 0));
