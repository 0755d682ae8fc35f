-- +goose Up
-- 教 (issue 7, docs/schools.md): enrolment plans (招生计划) with quotas per major, applications
-- to them with the majors chosen in order, and admissions. A quota row counts the places
-- taken (admitted): admitting is a conditional UPDATE of that counter (admitted < places), so
-- two staff admitting at once never exceed the quota.

CREATE TABLE enrol_plans (
    id           BIGINT PRIMARY KEY,
    school_id    BIGINT NOT NULL REFERENCES organisations (id),
    county       TEXT NOT NULL,
    year         INTEGER NOT NULL,
    title        TEXT NOT NULL,
    opens_on     TEXT NOT NULL,
    closes_on    TEXT NOT NULL,
    max_choices  INTEGER NOT NULL DEFAULT 3 CHECK (max_choices BETWEEN 1 AND 6),
    status       TEXT NOT NULL CHECK (status IN ('draft','submitted','approved','returned')),
    reason       TEXT NOT NULL DEFAULT '',
    published    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX enrol_plans_school ON enrol_plans (school_id, year);
CREATE INDEX enrol_plans_county ON enrol_plans (county, status);
-- Only one approved plan per school and year.
CREATE UNIQUE INDEX enrol_plans_approved ON enrol_plans (school_id, year) WHERE status = 'approved';

CREATE TABLE enrol_quotas (
    plan_id   BIGINT NOT NULL REFERENCES enrol_plans (id),
    major_id  BIGINT NOT NULL REFERENCES majors (id),
    places    INTEGER NOT NULL CHECK (places > 0),
    admitted  INTEGER NOT NULL DEFAULT 0 CHECK (admitted >= 0 AND admitted <= places),
    PRIMARY KEY (plan_id, major_id)
);

CREATE TABLE school_apps (
    id          BIGINT PRIMARY KEY,
    plan_id     BIGINT NOT NULL REFERENCES enrol_plans (id),
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    school_id   BIGINT NOT NULL REFERENCES organisations (id),
    county      TEXT NOT NULL,
    education   TEXT NOT NULL CHECK (education IN ('junior_middle','senior_high','secondary_vocational','social')),
    documents   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('applied','admitted','rejected','withdrawn','declined','enrolled')),
    major_id    BIGINT REFERENCES majors (id),
    reason      TEXT NOT NULL DEFAULT '',
    student_id  BIGINT,
    applied_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    UNIQUE (plan_id, person_id)
);
CREATE INDEX school_apps_person ON school_apps (person_id);
CREATE INDEX school_apps_plan ON school_apps (plan_id, status);

CREATE TABLE school_app_choices (
    app_id    BIGINT NOT NULL REFERENCES school_apps (id),
    pos       INTEGER NOT NULL,
    major_id  BIGINT NOT NULL REFERENCES majors (id),
    PRIMARY KEY (app_id, pos),
    UNIQUE (app_id, major_id)
);
CREATE INDEX school_app_choices_major ON school_app_choices (major_id);

-- +goose Down
DROP TABLE school_app_choices;
DROP TABLE school_apps;
DROP TABLE enrol_quotas;
DROP TABLE enrol_plans;
