-- +goose Up
-- 就业跟踪 (issue 6): who verified an employment record and who entered it; imported
-- social-insurance contribution files and their monthly rows; the outcomes of the 3- and
-- 6-month follow-ups of completers (docs/employment-followup.md).

ALTER TABLE employment_records ADD COLUMN entered_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE employment_records ADD COLUMN verified_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE employment_records ADD COLUMN verified_at TIMESTAMP;
CREATE INDEX employment_records_source ON employment_records (source, verified, person_id);

-- One committed contribution file; the same file (by its SHA-256) is imported once.
CREATE TABLE insurance_imports (
    id          BIGINT PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    region      TEXT NOT NULL,
    line_count  INTEGER NOT NULL,
    new_months  INTEGER NOT NULL,
    account_id  BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- One month of one insurance of a person with an employer; a month seen again in a later
-- file is not stored twice. record_id is the spell (employment_records and insurance_records
-- share the id) the month belongs to.
CREATE TABLE insurance_contributions (
    id             BIGINT PRIMARY KEY,
    import_id      BIGINT NOT NULL REFERENCES insurance_imports (id),
    person_id      BIGINT NOT NULL REFERENCES persons (id),
    credit_code    TEXT NOT NULL,
    employer_name  TEXT NOT NULL,
    month          TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('pension','medical','unemployment','injury','maternity')),
    base_fen       BIGINT NOT NULL,
    record_id      BIGINT NOT NULL,
    UNIQUE (person_id, credit_code, month, kind)
);
CREATE INDEX insurance_contributions_record ON insurance_contributions (record_id);

-- The recorded outcome of one follow-up (3 or 6 months) of one completion; one per follow-up.
CREATE TABLE follow_up_outcomes (
    id           BIGINT PRIMARY KEY,
    trainee_id   BIGINT NOT NULL REFERENCES trainees (id),
    person_id    BIGINT NOT NULL REFERENCES persons (id),
    class_id     BIGINT NOT NULL REFERENCES classes (id),
    county       TEXT NOT NULL,
    month        INTEGER NOT NULL CHECK (month IN (3, 6)),
    outcome      TEXT NOT NULL CHECK (outcome IN ('employed','not_employed','unreachable')),
    note         TEXT NOT NULL DEFAULT '',
    record_id    BIGINT NOT NULL DEFAULT 0,
    recorded_by  BIGINT NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    UNIQUE (trainee_id, month)
);
CREATE INDEX follow_up_outcomes_county ON follow_up_outcomes (county, recorded_at);

-- +goose Down
DROP TABLE follow_up_outcomes;
DROP TABLE insurance_contributions;
DROP TABLE insurance_imports;
DROP INDEX employment_records_source;
ALTER TABLE employment_records DROP COLUMN verified_at;
ALTER TABLE employment_records DROP COLUMN verified_by;
ALTER TABLE employment_records DROP COLUMN entered_by;
