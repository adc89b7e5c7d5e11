-- A write's change is read back by unit (the incremental directory, issue 17).
CREATE INDEX replaced_numbers_unit_id ON replaced_numbers (unit_id);
