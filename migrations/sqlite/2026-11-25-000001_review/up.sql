-- The yearly review: how often a unit's information must be checked (months; the joint plan
-- renews its agreements every year). `reviewed_at` (from the first migration) says when it
-- last was; the status (current, due soon, overdue) is computed, not stored.
ALTER TABLE units ADD COLUMN review_interval_months INTEGER NOT NULL DEFAULT 12
    CHECK (review_interval_months BETWEEN 1 AND 60);
