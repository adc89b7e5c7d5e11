-- Corrections reported by users, and imports audited as one batch (see the SQLite migration
-- of the same name). ALTER TABLE changes no event, so the append-only triggers stay.

ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN
    ('unit', 'organisation', 'area', 'account', 'correction', 'import'));
-- The import an event belongs to (the id of its 'import' event's entity).
ALTER TABLE audit_events ADD COLUMN batch_id TEXT;
CREATE INDEX audit_events_batch ON audit_events (batch_id) WHERE batch_id IS NOT NULL;

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
    applied_version   BIGINT,
    created_at        TIMESTAMP NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK ((status = 'open') = (decided_at IS NULL))
);

CREATE INDEX corrections_status ON corrections (status, unit_id);
CREATE INDEX corrections_reporter ON corrections (reporter_sub);
