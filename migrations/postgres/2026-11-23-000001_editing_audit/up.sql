-- Editing, accounts and the audit history (as migrations/sqlite, in PostgreSQL's words).
--
-- * Every editable row carries a version, the ETag of the API.
-- * Nothing is hard-deleted: active periods end, contact points are marked removed; the one
--   vag_in number can never be removed.
-- * audit_events is append-only: triggers refuse UPDATE, DELETE and TRUNCATE, and every insert
--   notifies the other instances (LISTEN kontaktnav_changes) that the directory changed.

ALTER TABLE units ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE organisations ADD COLUMN active_to DATE;
ALTER TABLE organisations ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE areas ADD COLUMN active_to DATE;
ALTER TABLE areas ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE contact_points ADD COLUMN removed_at TIMESTAMP;

CREATE FUNCTION refuse_vag_in_removal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the vag_in contact point of a unit cannot be removed';
END;
$$;

CREATE TRIGGER contact_points_vag_in_is_never_removed
BEFORE UPDATE OF removed_at ON contact_points
FOR EACH ROW WHEN (NEW.removed_at IS NOT NULL AND NEW.purpose = 'vag_in')
EXECUTE FUNCTION refuse_vag_in_removal();

CREATE TABLE accounts (
    username       TEXT PRIMARY KEY NOT NULL CHECK (length(username) BETWEEN 2 AND 64),
    display_name   TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    -- JSON array of organisation ids an editor may edit.
    organisations  TEXT NOT NULL DEFAULT '[]',
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    version        BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE audit_events (
    id               BIGSERIAL PRIMARY KEY,
    occurred_at      TIMESTAMP NOT NULL,
    actor_sub        TEXT NOT NULL,
    -- The token's issuer: tells the service's own accounts from the identity provider's.
    actor_issuer     TEXT,
    actor_name       TEXT,
    actor_role       TEXT NOT NULL,
    action           TEXT NOT NULL,
    entity_type      TEXT NOT NULL CHECK (entity_type IN ('unit', 'organisation', 'area', 'account')),
    entity_id        TEXT NOT NULL,
    entity_version   BIGINT NOT NULL,
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

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: events are never changed or deleted';
END;
$$;

CREATE TRIGGER audit_events_are_never_updated BEFORE UPDATE ON audit_events
FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_events_are_never_deleted BEFORE DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_events_are_never_truncated BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

CREATE FUNCTION notify_directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kontaktnav_changes', '');
    RETURN NULL;
END;
$$;

-- Delivered at COMMIT only: a write that rolls back tells nobody.
CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed();
