ALTER TABLE units DROP COLUMN fallback_contact_point_id;
ALTER TABLE contact_points DROP COLUMN hours;
