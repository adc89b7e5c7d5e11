-- Who to call now: telephone hours per contact point (JSON, see src/domain/hours.rs), and the
-- contact point a unit's calls go to when its own are closed (another unit's, e.g. the
-- on-call doctor for a vårdcentral). Fallback chains are checked for cycles when saved.
ALTER TABLE contact_points ADD COLUMN hours TEXT;
ALTER TABLE units ADD COLUMN fallback_contact_point_id TEXT
    REFERENCES contact_points (id) DEFERRABLE INITIALLY DEFERRED;

-- Who is responsible: a boende's ansvarig vårdcentral with its fixed doctor time and meeting
-- form (JSON, see src/domain/responsibility.rs), and the preschools a BVC is responsible for
-- (JSON array of names). Stored on the units, so editing them is editing the unit: roles,
-- ETag and the audit history apply as to every other field.
ALTER TABLE units ADD COLUMN responsibility TEXT;
ALTER TABLE units ADD COLUMN preschools TEXT;

-- The streets of a district (JSON array of names), for "which hemtjänst group serves this
-- address?". Street names only: no house numbers, no people.
ALTER TABLE areas ADD COLUMN streets TEXT;
