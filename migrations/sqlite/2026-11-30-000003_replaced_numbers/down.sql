DROP TABLE replaced_numbers;
