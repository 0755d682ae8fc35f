-- +goose Up
-- 评 and 赛 (issue 4): assessment plans with their examiners and candidates, certificates with
-- their number series, and skills competitions with events, entries and the honours they grant.

CREATE TABLE assessment_plans (
    id              BIGINT PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organisations (id),
    county          TEXT NOT NULL,
    occupation_code TEXT NOT NULL,
    level           TEXT NOT NULL REFERENCES skill_levels (code),
    mode            TEXT NOT NULL CHECK (mode IN ('class','open')),
    class_id        BIGINT REFERENCES classes (id),
    exam_at         TIMESTAMPTZ NOT NULL,
    venue           TEXT NOT NULL,
    capacity        INTEGER NOT NULL CHECK (capacity > 0),
    pass_theory     INTEGER NOT NULL CHECK (pass_theory BETWEEN 0 AND 1000),
    pass_practical  INTEGER NOT NULL CHECK (pass_practical BETWEEN 0 AND 1000),
    status          TEXT NOT NULL CHECK (status IN ('draft','open','published','cancelled')),
    published_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX assessment_plans_org ON assessment_plans (org_id, exam_at);
CREATE INDEX assessment_plans_county ON assessment_plans (county, status, exam_at);
CREATE INDEX assessment_plans_class ON assessment_plans (class_id);

CREATE TABLE plan_examiners (
    id        BIGINT PRIMARY KEY,
    plan_id   BIGINT NOT NULL REFERENCES assessment_plans (id),
    name      TEXT NOT NULL,
    id_number TEXT NOT NULL,
    UNIQUE (plan_id, id_number)
);

CREATE TABLE candidates (
    id             BIGINT PRIMARY KEY,
    plan_id        BIGINT NOT NULL REFERENCES assessment_plans (id),
    person_id      BIGINT NOT NULL REFERENCES persons (id),
    class_id       BIGINT REFERENCES classes (id),
    source         TEXT NOT NULL CHECK (source IN ('class','self','body')),
    status         TEXT NOT NULL CHECK (status IN ('registered','accepted','rejected','withdrawn')),
    reason         TEXT NOT NULL DEFAULT '',
    theory         INTEGER CHECK (theory BETWEEN 0 AND 1000),
    practical      INTEGER CHECK (practical BETWEEN 0 AND 1000),
    result         TEXT NOT NULL DEFAULT '' CHECK (result IN ('','pass','fail','absent')),
    certificate_id BIGINT,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    UNIQUE (plan_id, person_id)
);
CREATE INDEX candidates_person ON candidates (person_id);

CREATE TABLE cert_serials (
    prefix TEXT PRIMARY KEY,
    next   BIGINT NOT NULL
);

CREATE TABLE certificates (
    id              BIGINT PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('skill','special','training')),
    person_id       BIGINT NOT NULL REFERENCES persons (id),
    county          TEXT NOT NULL,
    occupation_code TEXT NOT NULL,
    level           TEXT NOT NULL REFERENCES skill_levels (code),
    issuer_org_id   BIGINT REFERENCES organisations (id),
    issuer_name     TEXT NOT NULL,
    issued_on       TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('assessment','competition')),
    source_id       BIGINT NOT NULL,
    basis           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('valid','revoked')),
    revoked_at      TIMESTAMPTZ,
    revoked_reason  TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    UNIQUE (source, source_id, person_id)
);
CREATE INDEX certificates_person ON certificates (person_id, occupation_code);
CREATE INDEX certificates_issuer ON certificates (issuer_org_id, created_at);
CREATE INDEX certificates_county ON certificates (county, created_at);

CREATE TABLE competitions (
    id         BIGINT PRIMARY KEY,
    region     TEXT NOT NULL,
    name       TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('city','province','national')),
    year       INTEGER NOT NULL,
    rules      TEXT NOT NULL DEFAULT '',
    reg_opens  TEXT NOT NULL,
    reg_closes TEXT NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('draft','open','closed','published','cancelled')),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX competitions_region ON competitions (region, year);
CREATE INDEX competitions_status ON competitions (status, year);

CREATE TABLE competition_events (
    id              BIGINT PRIMARY KEY,
    competition_id  BIGINT NOT NULL REFERENCES competitions (id),
    seq             INTEGER NOT NULL,
    occupation_code TEXT NOT NULL,
    name            TEXT NOT NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('individual','team')),
    team_size       INTEGER NOT NULL DEFAULT 1 CHECK (team_size BETWEEN 1 AND 10),
    min_level       TEXT NOT NULL DEFAULT '',
    region          TEXT NOT NULL DEFAULT '',
    min_age         INTEGER NOT NULL DEFAULT 0,
    max_age         INTEGER NOT NULL DEFAULT 0,
    first_prizes    INTEGER NOT NULL DEFAULT 0,
    second_prizes   INTEGER NOT NULL DEFAULT 0,
    third_prizes    INTEGER NOT NULL DEFAULT 0,
    merit_prizes    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (competition_id, seq)
);

CREATE TABLE competition_entries (
    id             BIGINT PRIMARY KEY,
    competition_id BIGINT NOT NULL REFERENCES competitions (id),
    event_id       BIGINT NOT NULL REFERENCES competition_events (id),
    person_id      BIGINT NOT NULL REFERENCES persons (id),
    team_name      TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('registered','accepted','rejected','withdrawn')),
    reason         TEXT NOT NULL DEFAULT '',
    score          INTEGER CHECK (score BETWEEN 0 AND 1000),
    rank           INTEGER,
    award          TEXT NOT NULL DEFAULT '' CHECK (award IN ('','first','second','third','merit')),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    UNIQUE (event_id, person_id)
);
CREATE INDEX competition_entries_person ON competition_entries (person_id);

CREATE TABLE entry_members (
    entry_id  BIGINT NOT NULL REFERENCES competition_entries (id),
    person_id BIGINT NOT NULL REFERENCES persons (id),
    PRIMARY KEY (entry_id, person_id)
);
CREATE INDEX entry_members_person ON entry_members (person_id);

CREATE TABLE competition_honours (
    id             BIGINT PRIMARY KEY,
    entry_id       BIGINT NOT NULL REFERENCES competition_entries (id),
    person_id      BIGINT NOT NULL REFERENCES persons (id),
    kind           TEXT NOT NULL CHECK (kind IN ('promotion','title')),
    level          TEXT NOT NULL DEFAULT '',
    title          TEXT NOT NULL DEFAULT '',
    basis          TEXT NOT NULL,
    certificate_id BIGINT REFERENCES certificates (id),
    granted_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (entry_id, person_id, kind)
);
CREATE INDEX competition_honours_person ON competition_honours (person_id);

-- +goose Down
DROP TABLE competition_honours;
DROP TABLE entry_members;
DROP TABLE competition_entries;
DROP TABLE competition_events;
DROP TABLE competitions;
DROP TABLE certificates;
DROP TABLE cert_serials;
DROP TABLE candidates;
DROP TABLE plan_examiners;
DROP TABLE assessment_plans;
