-- +goose Up
-- 失信人员 (issue 5): a person barred from subsidies, decided by an officer of the person's
-- county or above (or brought in by the history import), with a reason and the days it holds.
-- The audit's `sanctioned` check reads it beside the organisations' sanctions.

CREATE TABLE person_sanctions (
    id          BIGINT PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    kind        TEXT NOT NULL CHECK (kind IN ('blacklist')),
    reason      TEXT NOT NULL,
    evidence    TEXT NOT NULL DEFAULT '',
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL DEFAULT '',
    decided_by  BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX person_sanctions_person ON person_sanctions (person_id, starts_on);

-- +goose Down
DROP TABLE person_sanctions;
