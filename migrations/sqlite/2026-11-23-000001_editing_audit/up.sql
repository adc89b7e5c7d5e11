-- Editing, accounts and the audit history.
--
-- * Every editable row carries a version, the ETag of the API: a write names the version it
--   read (If-Match) and is refused when the row has moved on.
-- * Nothing is hard-deleted: units, organisations and areas end their active period;
--   contact points are marked removed. The one vag_in number can never be removed.
-- * audit_events is append-only: triggers refuse UPDATE and DELETE.

ALTER TABLE units ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE organisations ADD COLUMN active_to DATE;
ALTER TABLE organisations ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE areas ADD COLUMN active_to DATE;
ALTER TABLE areas ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE contact_points ADD COLUMN removed_at TIMESTAMP;

CREATE TRIGGER contact_points_vag_in_is_never_removed
BEFORE UPDATE OF removed_at ON contact_points
WHEN NEW.removed_at IS NOT NULL AND NEW.purpose = 'vag_in'
BEGIN
    SELECT RAISE(ABORT, 'the vag_in contact point of a unit cannot be removed');
END;

CREATE TABLE accounts (
    username       TEXT PRIMARY KEY NOT NULL CHECK (length(username) BETWEEN 2 AND 64),
    display_name   TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    -- JSON array of organisation ids an editor may edit.
    organisations  TEXT NOT NULL DEFAULT '[]',
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE audit_events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at      TIMESTAMP NOT NULL,
    actor_sub        TEXT NOT NULL,
    -- The token's issuer: tells the service's own accounts from the identity provider's.
    actor_issuer     TEXT,
    actor_name       TEXT,
    actor_role       TEXT NOT NULL,
    action           TEXT NOT NULL,
    entity_type      TEXT NOT NULL CHECK (entity_type IN ('unit', 'organisation', 'area', 'account')),
    entity_id        TEXT NOT NULL,
    entity_version   INTEGER NOT NULL,
    -- The organisation the entity belongs to (a unit's, after the write), for filtering.
    organisation_id  TEXT,
    before_state     TEXT,
    after_state      TEXT,
    reason           TEXT,
    request_id       TEXT
);

CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, entity_version);
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX audit_events_actor ON audit_events (actor_sub);

CREATE TRIGGER audit_events_are_never_updated BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: events are never changed');
END;

CREATE TRIGGER audit_events_are_never_deleted BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: events are never deleted');
END;
