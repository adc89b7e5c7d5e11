-- The search vocabulary: words staff type that stand for other words (vc → vårdcentral,
-- säbo → särskilt boende). `word` is one word as typed (lower case); `expansions` a JSON list
-- of what it stands for. Edited by admins through /v1/vocabulary (versioned, audited); this
-- migration ships the first list.

ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN
    ('unit', 'organisation', 'area', 'account', 'correction', 'import', 'vocabulary'));

CREATE TABLE vocabulary (
    word        TEXT PRIMARY KEY NOT NULL CHECK (length(word) BETWEEN 1 AND 40),
    expansions  TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
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
