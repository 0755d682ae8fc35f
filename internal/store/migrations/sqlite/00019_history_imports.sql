-- +goose Up
-- 历史数据迁入 (issue 5): each checked file set of a history import, with the report its dry
-- run gave (JSON) and, once committed, what the commit wrote. The files themselves are the
-- upload (uploads.id = upload_id, purpose 'history'); its sha256 refuses a second commit of
-- the same file set, whoever uploads it again.
CREATE TABLE history_imports (
    upload_id    BIGINT PRIMARY KEY,
    source       TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    account_id   BIGINT NOT NULL,
    clean        BOOLEAN NOT NULL,
    report       TEXT NOT NULL,
    checked_at   TIMESTAMP NOT NULL,
    committed_at TIMESTAMP,
    result       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_imports_sha ON history_imports (sha256);

-- +goose Down
DROP TABLE history_imports;
