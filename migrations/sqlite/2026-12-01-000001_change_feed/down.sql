DROP INDEX replaced_numbers_unit_id;
