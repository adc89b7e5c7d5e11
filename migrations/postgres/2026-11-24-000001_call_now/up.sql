-- Who to call now: telephone hours per contact point (JSON, see src/domain/hours.rs), and the
-- contact point a unit's calls go to when its own are closed (another unit's, e.g. the
-- on-call doctor for a vårdcentral). Fallback chains are checked for cycles when saved.
ALTER TABLE contact_points ADD COLUMN hours TEXT;
ALTER TABLE units ADD COLUMN fallback_contact_point_id TEXT
    REFERENCES contact_points (id) DEFERRABLE INITIALLY DEFERRED;
