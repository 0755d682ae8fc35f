-- +goose Up
-- 培: class filings with their timetables and change filings, rosters, attendance terminals,
-- attendance events and the hours derived from them, late amendments (issue 3).

CREATE TABLE classes (
    id              BIGINT PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organisations (id),
    county          TEXT NOT NULL,
    name            TEXT NOT NULL,
    occupation_code TEXT NOT NULL,
    level           TEXT NOT NULL REFERENCES skill_levels (code),
    special_action  TEXT NOT NULL DEFAULT '',
    funding         TEXT NOT NULL CHECK (funding IN ('subsidised','self')),
    key_groups      TEXT NOT NULL DEFAULT '',
    sector          TEXT NOT NULL DEFAULT '',
    theory_hours    INTEGER NOT NULL,
    practice_hours  INTEGER NOT NULL,
    venue_id        BIGINT NOT NULL REFERENCES venues (id),
    capacity        INTEGER NOT NULL CHECK (capacity > 0),
    self_enrol      BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT NOT NULL CHECK (status IN ('draft','filed','returned','approved','in_progress','closed','cancelled')),
    return_reason   TEXT NOT NULL DEFAULT '',
    first_session   TIMESTAMP NOT NULL,
    last_session    TIMESTAMP NOT NULL,
    filed_at        TIMESTAMP,
    late            BOOLEAN NOT NULL DEFAULT FALSE,
    enrolled        INTEGER NOT NULL DEFAULT 0 CHECK (enrolled >= 0),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX classes_org ON classes (org_id, status, first_session);
CREATE INDEX classes_county ON classes (county, status, first_session);
CREATE INDEX classes_catalogue ON classes (status, first_session);

CREATE TABLE class_teachers (
    class_id   BIGINT NOT NULL REFERENCES classes (id),
    teacher_id BIGINT NOT NULL REFERENCES teachers (id),
    PRIMARY KEY (class_id, teacher_id)
);

CREATE TABLE class_sessions (
    id         BIGINT PRIMARY KEY,
    class_id   BIGINT NOT NULL REFERENCES classes (id),
    seq        INTEGER NOT NULL,
    starts_at  TIMESTAMP NOT NULL,
    ends_at    TIMESTAMP NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('theory','practice')),
    venue_id   BIGINT NOT NULL REFERENCES venues (id),
    teacher_id BIGINT NOT NULL REFERENCES teachers (id),
    makeup     BOOLEAN NOT NULL DEFAULT FALSE,
    qr_key     TEXT NOT NULL,
    UNIQUE (class_id, seq)
);
CREATE INDEX class_sessions_teacher ON class_sessions (teacher_id, starts_at);
CREATE INDEX class_sessions_time ON class_sessions (starts_at);

CREATE TABLE class_changes (
    id            BIGINT PRIMARY KEY,
    class_id      BIGINT NOT NULL REFERENCES classes (id),
    status        TEXT NOT NULL CHECK (status IN ('filed','approved','returned')),
    reason        TEXT NOT NULL,
    before_json   TEXT NOT NULL,
    after_json    TEXT NOT NULL,
    return_reason TEXT NOT NULL DEFAULT '',
    filed_by      BIGINT NOT NULL,
    filed_at      TIMESTAMP NOT NULL,
    decided_by    BIGINT,
    decided_at    TIMESTAMP,
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX class_changes_class ON class_changes (class_id, filed_at);
CREATE INDEX class_changes_status ON class_changes (status, filed_at);

CREATE TABLE class_history (
    id       BIGINT PRIMARY KEY,
    class_id BIGINT NOT NULL REFERENCES classes (id),
    action   TEXT NOT NULL,
    reason   TEXT NOT NULL DEFAULT '',
    actor    TEXT NOT NULL,
    at       TIMESTAMP NOT NULL
);
CREATE INDEX class_history_class ON class_history (class_id, at);

CREATE TABLE trainees (
    id               BIGINT PRIMARY KEY,
    class_id         BIGINT NOT NULL REFERENCES classes (id),
    person_id        BIGINT NOT NULL REFERENCES persons (id),
    source           TEXT NOT NULL CHECK (source IN ('manual','import','self')),
    status           TEXT NOT NULL CHECK (status IN ('enrolled','withdrawn','completed','not_completed')),
    subsidised       BOOLEAN NOT NULL,
    occupation_code  TEXT NOT NULL,
    level            TEXT NOT NULL,
    year             INTEGER NOT NULL,
    attended_minutes INTEGER NOT NULL DEFAULT 0,
    rating           INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    rating_comment   TEXT NOT NULL DEFAULT '',
    added_by         BIGINT NOT NULL,
    added_at         TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    UNIQUE (class_id, person_id)
);
CREATE INDEX trainees_person ON trainees (person_id, year);

CREATE TABLE terminals (
    id           BIGINT PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organisations (id),
    venue_id     BIGINT NOT NULL REFERENCES venues (id),
    name         TEXT NOT NULL,
    secret       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('active','revoked')),
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP
);
CREATE INDEX terminals_org ON terminals (org_id);

CREATE TABLE terminal_nonces (
    terminal_id BIGINT NOT NULL,
    nonce       TEXT NOT NULL,
    seen_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (terminal_id, nonce)
);
CREATE INDEX terminal_nonces_seen ON terminal_nonces (seen_at);

CREATE TABLE attendance_events (
    id         BIGINT PRIMARY KEY,
    session_id BIGINT NOT NULL,
    class_id   BIGINT NOT NULL,
    person_id  BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    source     TEXT NOT NULL,
    device     TEXT NOT NULL DEFAULT '',
    terminal   BOOLEAN NOT NULL DEFAULT FALSE,
    lat        DOUBLE PRECISION,
    lng        DOUBLE PRECISION,
    event_key  TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attendance_events_session ON attendance_events (session_id, person_id, at);
CREATE INDEX attendance_events_class ON attendance_events (class_id, person_id);

CREATE TABLE attendance_hours (
    session_id BIGINT NOT NULL,
    person_id  BIGINT NOT NULL,
    class_id   BIGINT NOT NULL,
    minutes    INTEGER NOT NULL,
    first_in   TIMESTAMP,
    last_out   TIMESTAMP,
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX attendance_hours_class ON attendance_hours (class_id, person_id);

CREATE TABLE attendance_amendments (
    id            BIGINT PRIMARY KEY,
    class_id      BIGINT NOT NULL REFERENCES classes (id),
    session_id    BIGINT NOT NULL REFERENCES class_sessions (id),
    person_id     BIGINT NOT NULL REFERENCES persons (id),
    kind          TEXT NOT NULL CHECK (kind IN ('in','out')),
    at            TIMESTAMP NOT NULL,
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),
    filed_by      BIGINT NOT NULL,
    filed_at      TIMESTAMP NOT NULL,
    decided_by    BIGINT,
    decided_at    TIMESTAMP,
    decision_note TEXT NOT NULL DEFAULT '',
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX attendance_amendments_class ON attendance_amendments (class_id, status);

-- +goose Down
DROP TABLE attendance_amendments;
DROP TABLE attendance_hours;
DROP TABLE attendance_events;
DROP TABLE terminal_nonces;
DROP TABLE terminals;
DROP TABLE trainees;
DROP TABLE class_history;
DROP TABLE class_changes;
DROP TABLE class_sessions;
DROP TABLE class_teachers;
DROP TABLE classes;
