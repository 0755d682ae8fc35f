-- +goose Up
-- 招聘会 (issue 6, docs/fairs.md): job fairs of a region, the employers that join them (with a
-- booth on site, first come first served), the published postings each brings, the persons who
-- sign up, and which applications were made through a fair.

CREATE TABLE job_fairs (
    id           BIGINT PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('on_site','online','both')),
    venue        TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    county       TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    starts_at    TIMESTAMP NOT NULL,
    ends_at      TIMESTAMP NOT NULL,
    signup_from  TIMESTAMP NOT NULL,
    signup_to    TIMESTAMP NOT NULL,
    booths       INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('draft','published','cancelled')),
    created_by   BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX job_fairs_list ON job_fairs (status, starts_at);
CREATE INDEX job_fairs_county ON job_fairs (county, starts_at);

-- One row per employer and fair; a booth number (on site) is held by one employer of a fair.
CREATE TABLE fair_employers (
    id           BIGINT PRIMARY KEY,
    fair_id      BIGINT NOT NULL REFERENCES job_fairs (id),
    employer_id  BIGINT NOT NULL REFERENCES organisations (id),
    booth        INTEGER,
    joined_at    TIMESTAMP NOT NULL,
    UNIQUE (fair_id, employer_id),
    UNIQUE (fair_id, booth)
);
CREATE INDEX fair_employers_employer ON fair_employers (employer_id, joined_at);

CREATE TABLE fair_postings (
    fair_id      BIGINT NOT NULL REFERENCES job_fairs (id),
    posting_id   BIGINT NOT NULL REFERENCES job_postings (id),
    employer_id  BIGINT NOT NULL REFERENCES organisations (id),
    added_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (fair_id, posting_id)
);
CREATE INDEX fair_postings_employer ON fair_postings (fair_id, employer_id);

CREATE TABLE fair_signups (
    id          BIGINT PRIMARY KEY,
    fair_id     BIGINT NOT NULL REFERENCES job_fairs (id),
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (fair_id, person_id)
);
CREATE INDEX fair_signups_person ON fair_signups (person_id, created_at);

-- An application made through a fair (the application itself is an ordinary job_applications row).
CREATE TABLE fair_applications (
    application_id  BIGINT PRIMARY KEY REFERENCES job_applications (id),
    fair_id         BIGINT NOT NULL REFERENCES job_fairs (id),
    person_id       BIGINT NOT NULL REFERENCES persons (id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX fair_applications_fair ON fair_applications (fair_id, person_id);

-- +goose Down
DROP TABLE fair_applications;
DROP TABLE fair_signups;
DROP TABLE fair_postings;
DROP TABLE fair_employers;
DROP TABLE job_fairs;
