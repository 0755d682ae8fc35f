-- +goose Up
-- 教 (issue 7, docs/schools.md "Student registry and graduation"): status changes of student
-- records (学籍异动) requested by the school and decided by the city's officer, kept as
-- history; and the diplomas (毕业证书) a graduation gives.

-- One request: a change of one record (suspend, resume, transfer, withdraw), or the graduation
-- of a cohort (action graduate: major_id + entry_year, student_id NULL). student_version is
-- the record's version when requested: a record that changed meanwhile refuses the decision.
CREATE TABLE student_changes (
    id               BIGINT PRIMARY KEY,
    school_id        BIGINT NOT NULL REFERENCES organisations (id),
    county           TEXT NOT NULL,
    action           TEXT NOT NULL CHECK (action IN ('suspend','resume','transfer','withdraw','graduate')),
    student_id       BIGINT REFERENCES students (id),
    student_version  BIGINT NOT NULL DEFAULT 0,
    from_status      TEXT NOT NULL DEFAULT '',
    major_id         BIGINT REFERENCES majors (id),
    entry_year       INTEGER NOT NULL DEFAULT 0,
    to_school_id     BIGINT REFERENCES organisations (id),
    to_major_id      BIGINT REFERENCES majors (id),
    new_student_id   BIGINT REFERENCES students (id),
    reason           TEXT NOT NULL,
    effective_on     TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),
    requested_by     BIGINT NOT NULL DEFAULT 0,
    requested_at     TIMESTAMP NOT NULL,
    decided_by       BIGINT NOT NULL DEFAULT 0,
    decided_at       TIMESTAMP,
    decision_reason  TEXT NOT NULL DEFAULT '',
    affected         INTEGER NOT NULL DEFAULT 0,
    version          BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX student_changes_student ON student_changes (student_id);
CREATE INDEX student_changes_queue ON student_changes (status, county);
CREATE INDEX student_changes_school ON student_changes (school_id, requested_at);
CREATE UNIQUE INDEX student_changes_one_pending ON student_changes (student_id) WHERE status = 'pending';
CREATE UNIQUE INDEX student_changes_one_cohort ON student_changes (school_id, major_id, entry_year) WHERE status = 'pending' AND action = 'graduate';

-- A diploma (毕业证书): number = the graduation year + the student number, 20 digits (unique
-- because the student number is and a record graduates once).
CREATE TABLE diplomas (
    id            BIGINT PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    student_id    BIGINT NOT NULL UNIQUE REFERENCES students (id),
    person_id     BIGINT NOT NULL REFERENCES persons (id),
    school_id     BIGINT NOT NULL REFERENCES organisations (id),
    major_id      BIGINT NOT NULL REFERENCES majors (id),
    graduated_on  TEXT NOT NULL,
    change_id     BIGINT REFERENCES student_changes (id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX diplomas_person ON diplomas (person_id);

-- +goose Down
DROP TABLE diplomas;
DROP TABLE student_changes;
