-- +goose Up
-- A person's self-report an officer finds untrue is rejected with the reason (docs/employment-followup.md
-- "Verification and rejection"): it stays unverified for good, leaves the waiting list, and the
-- person sees why and may report again.
ALTER TABLE employment_records ADD COLUMN rejected_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE employment_records ADD COLUMN rejected_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE employment_records ADD COLUMN rejected_at TIMESTAMP;

-- +goose Down
ALTER TABLE employment_records DROP COLUMN rejected_at;
ALTER TABLE employment_records DROP COLUMN rejected_by;
ALTER TABLE employment_records DROP COLUMN rejected_reason;
