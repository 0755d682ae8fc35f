-- +goose Up
-- 教 (issue 7, docs/schools.md): a technical school's majors (专业) and the student registry
-- (学籍). Enrolment plans, applications and admissions come in 00031; status changes,
-- diplomas and graduation in 00032.

CREATE TABLE majors (
    id           BIGINT PRIMARY KEY,
    school_id    BIGINT NOT NULL REFERENCES organisations (id),
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    years        INTEGER NOT NULL CHECK (years BETWEEN 2 AND 6),
    level        TEXT NOT NULL CHECK (level IN ('intermediate','advanced','technician')),
    occupation   TEXT NOT NULL,
    skill_level  TEXT NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    UNIQUE (school_id, code)
);

-- One row per record at one school. A transfer closes the old record (transferred) and opens
-- a new one at the other school whose transferred_from names it. admission_id names the
-- admission (00031) that enrolled the student; it has no foreign key because admissions are
-- created by a later migration.
CREATE TABLE students (
    id                BIGINT PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    person_id         BIGINT NOT NULL REFERENCES persons (id),
    school_id         BIGINT NOT NULL REFERENCES organisations (id),
    major_id          BIGINT NOT NULL REFERENCES majors (id),
    county            TEXT NOT NULL,
    entry_year        INTEGER NOT NULL,
    serial            INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('enrolled','suspended','resumed','transferred','withdrawn','graduated')),
    enrolled_on       TEXT NOT NULL,
    left_on           TEXT NOT NULL DEFAULT '',
    admission_id      BIGINT,
    transferred_from  BIGINT REFERENCES students (id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    UNIQUE (county, entry_year, serial)
);
CREATE INDEX students_school ON students (school_id, status, entry_year);
CREATE INDEX students_person ON students (person_id);
CREATE UNIQUE INDEX students_admission ON students (admission_id);

-- +goose Down
DROP TABLE students;
DROP TABLE majors;
