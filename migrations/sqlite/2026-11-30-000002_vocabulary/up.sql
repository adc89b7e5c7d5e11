-- The search vocabulary: words staff type that stand for other words (vc → vårdcentral,
-- säbo → särskilt boende). `word` is one word as typed (lower case); `expansions` a JSON list
-- of what it stands for. Edited by admins through /v1/vocabulary (versioned, audited); this
-- migration ships the first list.

-- audit_events gains the entity type 'vocabulary'. SQLite cannot change a CHECK constraint in
-- place: the table is rebuilt with every event and id kept, as in 2026-11-26.
CREATE TABLE audit_events_rebuilt (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at      TIMESTAMP NOT NULL,
    actor_sub        TEXT NOT NULL,
    actor_issuer     TEXT,
    actor_name       TEXT,
    actor_role       TEXT NOT NULL,
    action           TEXT NOT NULL,
    entity_type      TEXT NOT NULL CHECK (entity_type IN
                         ('unit', 'organisation', 'area', 'account', 'correction', 'import', 'vocabulary')),
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
    reason, request_id, batch_id)
SELECT id, occurred_at, actor_sub, actor_issuer, actor_name, actor_role, action, entity_type,
    entity_id, entity_version, organisation_id, before_state, after_state, reason, request_id,
    batch_id
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


CREATE TABLE vocabulary (
    word        TEXT PRIMARY KEY NOT NULL CHECK (length(word) BETWEEN 1 AND 40),
    expansions  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

INSERT INTO vocabulary (word, expansions, version, created_at, updated_at) VALUES
    ('vc', '["vårdcentral"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('vårdc', '["vårdcentral"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('hälsocentral', '["vårdcentral"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('primärvård', '["vårdcentral"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('säbo', '["särskilt boende", "vård- och omsorgsboende"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('våbo', '["vård- och omsorgsboende", "särskilt boende"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('vobo', '["vård- och omsorgsboende", "särskilt boende"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('äldreboende', '["särskilt boende"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('demensboende', '["särskilt boende"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('vårdboende', '["särskilt boende"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('kortis', '["korttidsboende", "korttidsenhet"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('korttids', '["korttidsboende", "korttidsenhet"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('hemsjukvård', '["kommunal primärvård"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('hsv', '["kommunal primärvård"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('distriktssköterska', '["kommunal primärvård", "sjuksköterskor"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('dsk', '["sjuksköterska", "kommunal primärvård"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('ssk', '["sjuksköterska"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('kommunrehab', '["kommunal rehabilitering"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('hemrehab', '["kommunal rehabilitering"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('at', '["arbetsterapeut"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('sjukgymnast', '["fysioterapeut"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('fysio', '["fysioterapeut"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('bist', '["biståndshandläggare"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('handläggare', '["biståndshandläggare", "lss-handläggare"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('myn', '["myndighet"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('jour', '["läkare i beredskap"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('jourläkare', '["läkare i beredskap"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('lib', '["läkare i beredskap"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('beredskapsläkare', '["läkare i beredskap"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('ifo', '["individ- och familjeomsorg", "ifo"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('socpsyk', '["socialpsykiatri"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('gruppbostad', '["lss-bostad"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('servicebostad', '["lss-bostad"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('dagverksamhet', '["daglig verksamhet"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('daglig', '["daglig verksamhet"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('bvc', '["barnavårdscentral"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('barnhälsovård', '["barnavårdscentral"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('sjukhuset', '["sjukhus"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('lasarettet', '["sjukhus"]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
