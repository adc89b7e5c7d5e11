-- Corrections reported by users, and imports audited as one batch.
--
-- audit_events gains two entity types ('correction', 'import') and a batch id that ties the
-- events of one import together. SQLite cannot change a CHECK constraint in place, so the
-- table is rebuilt with every event and id kept: copied into a new table, the old one dropped
-- (DROP TABLE fires no DELETE trigger) and the new one renamed; its indexes and append-only
-- triggers are made again. The migration runs in one transaction.

CREATE TABLE audit_events_rebuilt (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at      TIMESTAMP NOT NULL,
    actor_sub        TEXT NOT NULL,
    actor_issuer     TEXT,
    actor_name       TEXT,
    actor_role       TEXT NOT NULL,
    action           TEXT NOT NULL,
    entity_type      TEXT NOT NULL CHECK (entity_type IN
                         ('unit', 'organisation', 'area', 'account', 'correction', 'import')),
    entity_id        TEXT NOT NULL,
    entity_version   INTEGER NOT NULL,
    organisation_id  TEXT,
    before_state     TEXT,
    after_state      TEXT,
    reason           TEXT,
    request_id       TEXT,
    -- The import an event belongs to (the id of its 'import' event's entity).
    batch_id         TEXT
);

INSERT INTO audit_events_rebuilt (id, occurred_at, actor_sub, actor_issuer, actor_name, actor_role,
    action, entity_type, entity_id, entity_version, organisation_id, before_state, after_state,
    reason, request_id)
SELECT id, occurred_at, actor_sub, actor_issuer, actor_name, actor_role, action, entity_type,
    entity_id, entity_version, organisation_id, before_state, after_state, reason, request_id
FROM audit_events;

DROP TABLE audit_events;
ALTER TABLE audit_events_rebuilt RENAME TO audit_events;

CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, entity_version);
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX audit_events_actor ON audit_events (actor_sub);
CREATE INDEX audit_events_batch ON audit_events (batch_id) WHERE batch_id IS NOT NULL;

CREATE TRIGGER audit_events_are_never_updated BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: events are never changed');
END;

CREATE TRIGGER audit_events_are_never_deleted BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: events are never deleted');
END;

-- "This is wrong": a report by any signed-in user, decided by an editor of the unit.
CREATE TABLE corrections (
    id                TEXT PRIMARY KEY NOT NULL,
    unit_id           TEXT NOT NULL REFERENCES units (id),
    -- The number that is wrong, if the reporter named one.
    contact_point_id  TEXT REFERENCES contact_points (id),
    message           TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 2000),
    -- A proposed number, E.164.
    proposed_number   TEXT,
    reporter_sub      TEXT NOT NULL,
    reporter_issuer   TEXT,
    reporter_name     TEXT,
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    decided_by_sub    TEXT,
    decided_by_issuer TEXT,
    decided_by_name   TEXT,
    decided_at        TIMESTAMP,
    decision_reason   TEXT,
    -- The unit version an accepted correction produced (none when nothing had to change).
    applied_version   INTEGER,
    created_at        TIMESTAMP NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK ((status = 'open') = (decided_at IS NULL))
);

CREATE INDEX corrections_status ON corrections (status, unit_id);
CREATE INDEX corrections_reporter ON corrections (reporter_sub);
