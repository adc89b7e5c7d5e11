DROP TABLE pending_fills;
DROP TABLE replaced_numbers;
