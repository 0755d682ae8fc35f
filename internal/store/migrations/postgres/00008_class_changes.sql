-- +goose Up
-- 培: change filings (issue 3) — a make-up filing (补课) is a change filing that only adds
-- sessions; a class has at most one change filing waiting for the county at a time.

ALTER TABLE class_changes ADD COLUMN kind TEXT NOT NULL DEFAULT 'change' CHECK (kind IN ('change','makeup'));
CREATE UNIQUE INDEX class_changes_open ON class_changes (class_id) WHERE status = 'filed';

-- +goose Down
DROP INDEX class_changes_open;
ALTER TABLE class_changes DROP COLUMN kind;
