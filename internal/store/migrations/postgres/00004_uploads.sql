-- +goose Up
-- Uploaded files waiting between an import's dry run and its commit (issue 3).

CREATE TABLE uploads (
    id           BIGINT PRIMARY KEY,
    purpose      TEXT NOT NULL,
    class_id     BIGINT NOT NULL DEFAULT 0,
    org_id       BIGINT NOT NULL DEFAULT 0,
    account_id   BIGINT NOT NULL,
    name         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    committed_at TIMESTAMPTZ
);
CREATE INDEX uploads_account ON uploads (account_id, created_at);

-- +goose Down
DROP TABLE uploads;
