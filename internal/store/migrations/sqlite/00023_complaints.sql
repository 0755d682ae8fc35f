-- +goose Up
-- 权益保障 (issue 6): complaints of persons against employers (欠薪, contract, injury,
-- discrimination) and the history of each case's moves (docs/complaints.md).

CREATE TABLE complaints (
    id           BIGINT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('wage_arrears','contract','injury','discrimination')),
    person_id    BIGINT NOT NULL REFERENCES persons (id),
    employer_id  BIGINT NOT NULL REFERENCES organisations (id),
    credit_code  TEXT NOT NULL DEFAULT '',
    posting_id   BIGINT NOT NULL DEFAULT 0,
    amount_fen   BIGINT NOT NULL DEFAULT 0,
    facts        TEXT NOT NULL,
    county       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('filed','accepted','investigating','mediated','referred','closed')),
    outcome      TEXT NOT NULL DEFAULT '',
    agreed_fen   BIGINT NOT NULL DEFAULT 0,
    referred_to  TEXT NOT NULL DEFAULT '',
    entered_at   TIMESTAMP NOT NULL,
    filed_at     TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX complaints_queue ON complaints (status, county);
CREATE INDEX complaints_person ON complaints (person_id, filed_at);
CREATE INDEX complaints_employer ON complaints (employer_id, kind, status);

CREATE TABLE complaint_events (
    id            BIGINT PRIMARY KEY,
    complaint_id  BIGINT NOT NULL REFERENCES complaints (id),
    action        TEXT NOT NULL,
    from_status   TEXT NOT NULL DEFAULT '',
    to_status     TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    amount_fen    BIGINT NOT NULL DEFAULT 0,
    actor_id      BIGINT NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX complaint_events_case ON complaint_events (complaint_id, created_at);

-- +goose Down
DROP TABLE complaint_events;
DROP TABLE complaints;
