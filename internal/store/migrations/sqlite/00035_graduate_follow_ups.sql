-- +goose Up
-- 教→用 (docs/schools.md "Graduates in employment services"): a technical school's graduates are
-- followed up at 3 and 6 months like training completers. The follow-ups are computed from the
-- diplomas; only what an officer recorded is kept, once per diploma and month.
CREATE TABLE graduate_follow_ups (
    id           BIGINT PRIMARY KEY,
    diploma_id   BIGINT NOT NULL REFERENCES diplomas (id),
    person_id    BIGINT NOT NULL REFERENCES persons (id),
    school_id    BIGINT NOT NULL REFERENCES organisations (id),
    county       TEXT NOT NULL,
    month        INTEGER NOT NULL CHECK (month IN (3, 6)),
    outcome      TEXT NOT NULL CHECK (outcome IN ('employed','not_employed','unreachable')),
    note         TEXT NOT NULL DEFAULT '',
    record_id    BIGINT NOT NULL DEFAULT 0,
    recorded_by  BIGINT NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    UNIQUE (diploma_id, month)
);
CREATE INDEX graduate_follow_ups_county ON graduate_follow_ups (county, recorded_at);

-- +goose Down
DROP TABLE graduate_follow_ups;
