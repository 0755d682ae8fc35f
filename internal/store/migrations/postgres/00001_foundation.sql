-- +goose Up
-- Foundation: reference data, registry, accounts, sessions, tokens, audit trail (issue 2).

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE regions (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('province','city','county')),
    parent     TEXT NOT NULL DEFAULT '',
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE occupations (
    id          BIGINT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    gbm         TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    depth       INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 4),
    parent      TEXT NOT NULL DEFAULT '',
    levels      TEXT NOT NULL DEFAULT '',
    deprecated  BOOLEAN NOT NULL DEFAULT FALSE,
    replaced_by TEXT NOT NULL DEFAULT '',
    edition     TEXT NOT NULL DEFAULT '2022',
    version     BIGINT NOT NULL DEFAULT 1,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX occupations_parent ON occupations (parent);

CREATE TABLE skill_levels (
    code       TEXT PRIMARY KEY,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    rank       INTEGER NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE key_groups (
    code       TEXT PRIMARY KEY,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    detail_zh  TEXT NOT NULL DEFAULT '',
    detail_en  TEXT NOT NULL DEFAULT '',
    sensitive  BOOLEAN NOT NULL DEFAULT FALSE,
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sectors (
    code       TEXT PRIMARY KEY,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE special_actions (
    id         BIGINT PRIMARY KEY,
    year       INTEGER NOT NULL,
    code       TEXT NOT NULL,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (year, code)
);

CREATE TABLE calendar_days (
    day        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday','workday')),
    name       TEXT NOT NULL DEFAULT '',
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE persons (
    id          BIGINT PRIMARY KEY,
    id_number   TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    sex         TEXT NOT NULL CHECK (sex IN ('M','F')),
    birth_date  TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    household   TEXT NOT NULL DEFAULT '' CHECK (household IN ('','urban','rural')),
    county      TEXT NOT NULL,
    employment  TEXT NOT NULL DEFAULT 'unknown' CHECK (employment IN ('unknown','employed','unemployed','student','retired')),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX persons_county ON persons (county, name);
CREATE INDEX persons_phone ON persons (phone);

CREATE TABLE key_group_members (
    id          BIGINT PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    group_code  TEXT NOT NULL REFERENCES key_groups (code),
    detail      TEXT NOT NULL DEFAULT '',
    evidence    TEXT NOT NULL,
    verified_by BIGINT NOT NULL,
    verified_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, group_code)
);

CREATE TABLE organisations (
    id          BIGINT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('institution','school','assessor','employer')),
    name        TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    code_status TEXT NOT NULL CHECK (code_status IN ('valid','pending','confirmed','rejected')),
    county      TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    contact     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    capacity    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX organisations_county ON organisations (county, kind);

CREATE TABLE org_scopes (
    id              BIGINT PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organisations (id),
    occupation_code TEXT NOT NULL,
    level           TEXT NOT NULL REFERENCES skill_levels (code),
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, occupation_code, level)
);

CREATE TABLE venues (
    id         BIGINT PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organisations (id),
    name       TEXT NOT NULL,
    address    TEXT NOT NULL,
    county     TEXT NOT NULL,
    lat        DOUBLE PRECISION NOT NULL,
    lng        DOUBLE PRECISION NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE teachers (
    id              BIGINT PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    id_number       TEXT NOT NULL,
    qualification   TEXT NOT NULL,
    occupation_code TEXT NOT NULL DEFAULT '',
    level           TEXT NOT NULL DEFAULT '',
    certificate_no  TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id_number)
);

CREATE TABLE sanctions (
    id         BIGINT PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organisations (id),
    kind       TEXT NOT NULL CHECK (kind IN ('interview','rectify','suspend','remove','blacklist')),
    reason     TEXT NOT NULL,
    evidence   TEXT NOT NULL DEFAULT '',
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL DEFAULT '',
    decided_by BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sanctions_org ON sanctions (org_id);

CREATE TABLE accounts (
    id                  BIGINT PRIMARY KEY,
    login               TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('person','institution','school','assessor','employer','officer','admin')),
    duties              TEXT NOT NULL DEFAULT '',
    region              TEXT NOT NULL DEFAULT '',
    org_id              BIGINT REFERENCES organisations (id),
    person_id           BIGINT REFERENCES persons (id),
    password_hash       TEXT NOT NULL,
    password_changed_at TIMESTAMPTZ NOT NULL,
    must_change         BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret         TEXT NOT NULL DEFAULT '',
    totp_enrolled       BOOLEAN NOT NULL DEFAULT FALSE,
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TIMESTAMPTZ,
    last_login_at       TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX accounts_person ON accounts (person_id);

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts (id),
    csrf          TEXT NOT NULL,
    second_factor BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen     TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE api_tokens (
    id           BIGINT PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);

CREATE TABLE sms_codes (
    id         BIGINT PRIMARY KEY,
    phone      TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sms_codes_phone ON sms_codes (phone, created_at);

CREATE TABLE messages (
    id         BIGINT PRIMARY KEY,
    channel    TEXT NOT NULL CHECK (channel IN ('sms','inbox')),
    account_id BIGINT,
    recipient  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ
);
CREATE INDEX messages_account ON messages (account_id, created_at);

CREATE TABLE idempotency_keys (
    account_id   BIGINT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    body         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, key)
);

CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    account_id   BIGINT NOT NULL,
    account_name TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    region       TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_region ON audit_log (region, seq);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE idempotency_keys;
DROP TABLE messages;
DROP TABLE sms_codes;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE accounts;
DROP TABLE sanctions;
DROP TABLE teachers;
DROP TABLE venues;
DROP TABLE org_scopes;
DROP TABLE organisations;
DROP TABLE key_group_members;
DROP TABLE persons;
DROP TABLE calendar_days;
DROP TABLE special_actions;
DROP TABLE sectors;
DROP TABLE key_groups;
DROP TABLE skill_levels;
DROP TABLE occupations;
DROP TABLE regions;
DROP TABLE settings;
