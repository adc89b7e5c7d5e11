-- Numbers a unit had before: when a write changes or removes a unit's number, the old number
-- is kept here with the number that took its place, so that a number still printed on last
-- year's lists answers "ersatt av 031-… sedan 2026-12-01". Written in the same transaction as
-- the write's audit event (and filled from the audit history when this migration runs).
CREATE TABLE replaced_numbers (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    e164              TEXT NOT NULL CHECK (e164 LIKE '+%' AND length(e164) BETWEEN 8 AND 16),
    unit_id           TEXT NOT NULL REFERENCES units (id),
    contact_point_id  TEXT NOT NULL,
    purpose           TEXT NOT NULL CHECK (purpose IN ('vag_in', 'direct_acute', 'switchboard', 'fax', 'sms', 'other')),
    visibility        TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
    -- The number that took its place (the same contact point's new number, else the unit's
    -- number with the same purpose); NULL when the number was removed without a successor.
    replaced_by       TEXT CHECK (replaced_by LIKE '+%' AND length(replaced_by) BETWEEN 8 AND 16),
    replaced_at       TIMESTAMP NOT NULL
);

CREATE INDEX replaced_numbers_e164 ON replaced_numbers (e164);

-- Work the service does at its next start, once, in one transaction with removing the row:
-- here, filling replaced_numbers from the audit history (a start that fails leaves the row,
-- and the next start does it again).
CREATE TABLE pending_fills (
    name  TEXT PRIMARY KEY NOT NULL
);

INSERT INTO pending_fills (name) VALUES ('replaced_numbers');
