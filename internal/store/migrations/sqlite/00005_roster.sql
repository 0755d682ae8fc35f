-- +goose Up
-- 培: rosters (issue 3) — why and when a trainee withdrew, the note of an imported row, and
-- what an import's dry run found, so that its commit adds exactly those rows or nothing.

ALTER TABLE trainees ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE trainees ADD COLUMN withdrawn_at TIMESTAMP;
ALTER TABLE trainees ADD COLUMN note TEXT NOT NULL DEFAULT '';

CREATE TABLE roster_imports (
    upload_id  BIGINT PRIMARY KEY REFERENCES uploads (id) ON DELETE CASCADE,
    class_id   BIGINT NOT NULL,
    good_lines TEXT NOT NULL,
    good       INTEGER NOT NULL,
    refused    INTEGER NOT NULL,
    checked_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE roster_imports;
ALTER TABLE trainees DROP COLUMN note;
ALTER TABLE trainees DROP COLUMN withdrawn_at;
ALTER TABLE trainees DROP COLUMN withdraw_reason;
