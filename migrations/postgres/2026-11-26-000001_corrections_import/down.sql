-- Undoes the schema, but not the history: once an event of type 'correction' or 'import'
-- exists, the append-only audit_events keeps it and the old CHECK cannot be put back; then
-- this migration cannot be reverted (by design).
DROP TABLE corrections;
DROP INDEX audit_events_batch;
ALTER TABLE audit_events DROP COLUMN batch_id;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN
    ('unit', 'organisation', 'area', 'account'));
