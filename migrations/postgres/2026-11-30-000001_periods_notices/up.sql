-- Dated periods and notices ("who answers now" through closures and changes). Each is a JSON
-- list, like a number's telephone hours: `contact_points.periods` for one number,
-- `units.periods` for each of the unit's numbers without a period of its own, and
-- `units.notices` for dated information to callers. NULL: none. A number whose `hours` is
-- NULL has no recorded telefontid (unknown), which the service no longer reads as "always".
ALTER TABLE contact_points ADD COLUMN periods TEXT;
ALTER TABLE units ADD COLUMN periods TEXT;
ALTER TABLE units ADD COLUMN notices TEXT;
