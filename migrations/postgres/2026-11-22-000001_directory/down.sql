ALTER TABLE units DROP CONSTRAINT units_vag_in_fkey;
DROP TABLE unit_areas;
DROP TABLE contact_points;
DROP TABLE units;
DROP TABLE areas;
DROP TABLE organisations;
