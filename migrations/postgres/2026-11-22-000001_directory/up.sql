-- The directory: organisations, areas, units and their contact points. The same schema as
-- migrations/sqlite, in PostgreSQL's words.
--
-- "Each unit has exactly one vag_in number" is enforced here, not only in code:
--  * at most one: a partial unique index on contact_points(unit_id) for purpose 'vag_in';
--  * at least one: units.vag_in_id must name a contact point of the same unit whose purpose is
--    'vag_in' (a composite foreign key, checked at COMMIT so that a unit and its first number
--    can be inserted in one transaction).

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    short_name  TEXT CHECK (short_name IS NULL OR length(short_name) BETWEEN 1 AND 50),
    kind        TEXT NOT NULL CHECK (kind IN ('municipality', 'administration', 'region', 'private')),
    parent_id   TEXT REFERENCES organisations (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id)
);

CREATE TABLE areas (
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    kind        TEXT NOT NULL CHECK (kind IN ('meeting_area', 'district')),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE units (
    id              TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind            TEXT NOT NULL CHECK (kind IN (
                        'vardcentral', 'rehab', 'bvc', 'hemtjanst', 'funktionsstod', 'myndighet',
                        'kommunal_primarvard', 'sarskilt_boende', 'korttidsboende', 'lss_boende',
                        'socialpsykiatri', 'mas', 'mar', 'tib', 'on_call_doctor', 'hospital')),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    hsa_id          TEXT UNIQUE,
    street          TEXT,
    postal_code     TEXT,
    city            TEXT,
    active_from     DATE NOT NULL,
    active_to       DATE,
    reviewed_at     DATE,
    note            TEXT,
    vag_in_id       TEXT NOT NULL,
    vag_in_purpose  TEXT NOT NULL DEFAULT 'vag_in' CHECK (vag_in_purpose = 'vag_in'),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK (active_to IS NULL OR active_to > active_from)
);

CREATE INDEX units_organisation_id ON units (organisation_id);

CREATE TABLE unit_areas (
    unit_id  TEXT NOT NULL REFERENCES units (id),
    area_id  TEXT NOT NULL REFERENCES areas (id),
    PRIMARY KEY (unit_id, area_id)
);

CREATE INDEX unit_areas_area_id ON unit_areas (area_id);

CREATE TABLE contact_points (
    id          TEXT PRIMARY KEY NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES units (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('vag_in', 'direct_acute', 'switchboard', 'fax', 'sms', 'other')),
    label       TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
    e164        TEXT NOT NULL CHECK (e164 LIKE '+%' AND length(e164) BETWEEN 8 AND 16),
    national    TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Target of the composite foreign key from units.
CREATE UNIQUE INDEX contact_points_unit_id_id_purpose ON contact_points (unit_id, id, purpose);
-- At most one vag_in per unit.
CREATE UNIQUE INDEX contact_points_one_vag_in_per_unit ON contact_points (unit_id) WHERE purpose = 'vag_in';

ALTER TABLE units ADD CONSTRAINT units_vag_in_fkey
    FOREIGN KEY (id, vag_in_id, vag_in_purpose)
    REFERENCES contact_points (unit_id, id, purpose) DEFERRABLE INITIALLY DEFERRED;
