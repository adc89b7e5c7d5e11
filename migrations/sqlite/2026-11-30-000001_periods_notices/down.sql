ALTER TABLE units DROP COLUMN notices;
ALTER TABLE units DROP COLUMN periods;
ALTER TABLE contact_points DROP COLUMN periods;
