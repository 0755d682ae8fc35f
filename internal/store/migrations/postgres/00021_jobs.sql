-- +goose Up
-- 用 (issue 6): job postings of verified employers, the checks' and officers' decisions on
-- them, reports of postings by the public, applications of persons, and employment records
-- (就业登记) — of a hire for now; self-reports, insurance imports and officers' entries later.

CREATE TABLE job_postings (
    id              BIGINT PRIMARY KEY,
    employer_id     BIGINT NOT NULL REFERENCES organisations (id),
    occupation      TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    skills          TEXT NOT NULL DEFAULT '[]',
    level           TEXT NOT NULL DEFAULT '',
    certificates    TEXT NOT NULL DEFAULT '[]',
    headcount       INTEGER NOT NULL,
    salary_min_fen  BIGINT NOT NULL,
    salary_max_fen  BIGINT NOT NULL DEFAULT 0,
    salary_unit     TEXT NOT NULL CHECK (salary_unit IN ('month','day','hour')),
    work_type       TEXT NOT NULL CHECK (work_type IN ('full_time','part_time','gig')),
    county          TEXT NOT NULL,
    lat             DOUBLE PRECISION NOT NULL DEFAULT 0,
    lng             DOUBLE PRECISION NOT NULL DEFAULT 0,
    valid_from      TEXT NOT NULL,
    valid_to        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft','pending_review','published','closed','expired')),
    findings        TEXT NOT NULL DEFAULT '[]',
    published_at    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX job_postings_public ON job_postings (status, county, occupation);
CREATE INDEX job_postings_employer ON job_postings (employer_id, updated_at);

-- Every verdict of the checks and every officer's decision on a posting, newest last.
CREATE TABLE posting_reviews (
    id          BIGINT PRIMARY KEY,
    posting_id  BIGINT NOT NULL REFERENCES job_postings (id),
    decision    TEXT NOT NULL CHECK (decision IN ('pass','refer','refuse','approve','return','close','relist','take_down')),
    reason      TEXT NOT NULL DEFAULT '',
    findings    TEXT NOT NULL DEFAULT '[]',
    decided_by  BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX posting_reviews_posting ON posting_reviews (posting_id, created_at);

CREATE TABLE posting_reports (
    id              BIGINT PRIMARY KEY,
    posting_id      BIGINT NOT NULL REFERENCES job_postings (id),
    county          TEXT NOT NULL,
    reporter        BIGINT NOT NULL DEFAULT 0,
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open','dismissed','taken_down')),
    due_on          TEXT NOT NULL,
    outcome_reason  TEXT NOT NULL DEFAULT '',
    decided_by      BIGINT NOT NULL DEFAULT 0,
    decided_at      TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX posting_reports_queue ON posting_reports (status, county, due_on);

CREATE TABLE job_applications (
    id          BIGINT PRIMARY KEY,
    posting_id  BIGINT NOT NULL REFERENCES job_postings (id),
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    status      TEXT NOT NULL CHECK (status IN ('applied','viewed','interview','offered','hired','rejected','withdrawn')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    UNIQUE (posting_id, person_id)
);
CREATE INDEX job_applications_person ON job_applications (person_id, created_at);

CREATE TABLE employment_records (
    id              BIGINT PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES persons (id),
    employer_id     BIGINT REFERENCES organisations (id),
    employer_name   TEXT NOT NULL,
    credit_code     TEXT NOT NULL DEFAULT '',
    posting_id      BIGINT REFERENCES job_postings (id),
    application_id  BIGINT UNIQUE REFERENCES job_applications (id),
    occupation      TEXT NOT NULL DEFAULT '',
    county          TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL CHECK (source IN ('hire','self_report','insurance_import','officer')),
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL DEFAULT '',
    full_time       BOOLEAN NOT NULL DEFAULT FALSE,
    verified        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX employment_records_person ON employment_records (person_id, starts_on);

-- +goose Down
DROP TABLE employment_records;
DROP TABLE job_applications;
DROP TABLE posting_reports;
DROP TABLE posting_reviews;
DROP TABLE job_postings;
