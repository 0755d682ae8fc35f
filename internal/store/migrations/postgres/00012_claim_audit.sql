-- +goose Up
-- 自动审核 (issue 5, second slice): runs of the automatic audit of claim lines, the findings of
-- each line (replaced at every run over the line), and social-insurance records for the
-- "employed elsewhere" check (filled by a later import; the check says "no data" while empty).

CREATE TABLE claim_audit_runs (
    id           BIGINT PRIMARY KEY,
    region       TEXT NOT NULL,
    year         INTEGER NOT NULL DEFAULT 0,
    claim_id     BIGINT NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('running','done','failed')),
    checks_total INTEGER NOT NULL DEFAULT 0,
    checks_done  INTEGER NOT NULL DEFAULT 0,
    lines        INTEGER NOT NULL DEFAULT 0,
    passed       INTEGER NOT NULL DEFAULT 0,
    flagged      INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    findings     INTEGER NOT NULL DEFAULT 0,
    no_data      TEXT NOT NULL DEFAULT '[]',
    error        TEXT NOT NULL DEFAULT '',
    actor        TEXT NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX claim_audit_runs_region ON claim_audit_runs (region, started_at);

CREATE TABLE claim_audit_findings (
    id            BIGINT PRIMARY KEY,
    run_id        BIGINT NOT NULL,
    claim_line_id BIGINT NOT NULL REFERENCES claim_lines (id),
    claim_id      BIGINT NOT NULL REFERENCES claims (id),
    code          TEXT NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('flag','fail')),
    detail        TEXT NOT NULL DEFAULT '{}',
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (claim_line_id, code)
);
CREATE INDEX claim_audit_findings_run ON claim_audit_findings (run_id, code, claim_line_id);
CREATE INDEX claim_audit_findings_claim ON claim_audit_findings (claim_id, claim_line_id);

CREATE TABLE insurance_records (
    id         BIGINT PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES persons (id),
    employer   TEXT NOT NULL,
    full_time  BOOLEAN NOT NULL DEFAULT TRUE,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL DEFAULT '',
    imported_at TIMESTAMP NOT NULL
);
CREATE INDEX insurance_records_person ON insurance_records (person_id, starts_on);

-- indexes the set-wise checks join through
CREATE INDEX claim_lines_certificate ON claim_lines (certificate_id);
CREATE INDEX claim_lines_trainee ON claim_lines (trainee_id);
CREATE INDEX teachers_id_number ON teachers (id_number);
CREATE INDEX trainees_class ON trainees (class_id, status);
CREATE INDEX class_sessions_class ON class_sessions (class_id, starts_at);

-- +goose Down
DROP INDEX class_sessions_class;
DROP INDEX trainees_class;
DROP INDEX teachers_id_number;
DROP INDEX claim_lines_trainee;
DROP INDEX claim_lines_certificate;
DROP TABLE insurance_records;
DROP TABLE claim_audit_findings;
DROP TABLE claim_audit_runs;
