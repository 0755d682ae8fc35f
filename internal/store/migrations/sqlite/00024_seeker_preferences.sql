-- +goose Up
-- 人岗匹配 (issue 6): a person's job-seeking preferences; the verified part of a seeker's
-- profile (certificates, completed classes, competition awards) is read from the record.

CREATE TABLE seeker_preferences (
    person_id       BIGINT PRIMARY KEY REFERENCES persons (id),
    occupations     TEXT NOT NULL DEFAULT '[]',
    counties        TEXT NOT NULL DEFAULT '[]',
    salary_fen      BIGINT NOT NULL DEFAULT 0,
    salary_unit     TEXT NOT NULL DEFAULT 'month' CHECK (salary_unit IN ('month','day','hour')),
    work_types      TEXT NOT NULL DEFAULT '[]',
    available_from  TEXT NOT NULL DEFAULT '',
    has_place       BOOLEAN NOT NULL DEFAULT FALSE,
    lat             REAL NOT NULL DEFAULT 0,
    lng             REAL NOT NULL DEFAULT 0,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);

-- +goose Down
DROP TABLE seeker_preferences;
