-- +goose Up
-- 教 (issue 7, docs/schools.md "Demo, roster import"): a committed registry roster (学籍名册)
-- of a school. The same file (by its SHA-256) is imported once per school; the commit enrols
-- every row or none.
CREATE TABLE school_roster_imports (
    id           BIGINT PRIMARY KEY,
    school_id    BIGINT NOT NULL REFERENCES organisations (id),
    sha256       TEXT NOT NULL,
    name         TEXT NOT NULL,
    line_count   INTEGER NOT NULL,
    new_persons  INTEGER NOT NULL,
    account_id   BIGINT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (school_id, sha256)
);

-- +goose Down
DROP TABLE school_roster_imports;
