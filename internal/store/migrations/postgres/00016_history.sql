-- +goose Up
-- 历史数据迁入 (issue 5): what a province brings from its previous system.
-- external_refs keeps each imported row's original id beside the id it got here, so a second
-- import finds what the first one wrote and an officer can trace a record to its source.
CREATE TABLE external_refs (
    id           BIGINT PRIMARY KEY,
    source       TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('organisation','person','class','session','trainee','attendance','certificate','insurance','subsidy')),
    ext_id       TEXT NOT NULL,
    internal_id  BIGINT NOT NULL,
    import_id    BIGINT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (source, kind, ext_id)
);
CREATE INDEX external_refs_internal ON external_refs (kind, internal_id);

-- prior_subsidies are subsidies the previous system already paid: the duplicate and yearly
-- checks (enrolment eligibility and the claims audit) count them beside this platform's lines.
CREATE TABLE prior_subsidies (
    id               BIGINT PRIMARY KEY,
    person_id        BIGINT NOT NULL REFERENCES persons (id),
    occupation_code  TEXT NOT NULL,
    level            TEXT NOT NULL REFERENCES skill_levels (code),
    year             INTEGER NOT NULL,
    paid_on          TEXT NOT NULL,
    amount_fen       BIGINT NOT NULL CHECK (amount_fen > 0),
    payee            TEXT NOT NULL DEFAULT '',
    class_id         BIGINT REFERENCES classes (id),
    import_id        BIGINT NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX prior_subsidies_person ON prior_subsidies (person_id, occupation_code);

-- imported certificates keep their original numbers and come from 'history'.
ALTER TABLE certificates DROP CONSTRAINT certificates_source_check;
ALTER TABLE certificates ADD CONSTRAINT certificates_source_check CHECK (source IN ('assessment','competition','history'));

-- +goose Down
DROP TABLE prior_subsidies;
DROP TABLE external_refs;
