DROP TABLE corrections;
-- The batch column stays (SQLite would need the rebuild again); events of the new entity
-- types stay in the history, which is never rewritten.
