ALTER TABLE areas DROP COLUMN streets;
ALTER TABLE units DROP COLUMN preschools;
ALTER TABLE units DROP COLUMN responsibility;
ALTER TABLE units DROP COLUMN fallback_contact_point_id;
ALTER TABLE contact_points DROP COLUMN hours;
