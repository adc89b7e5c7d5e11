ALTER TABLE units DROP COLUMN review_interval_months;
