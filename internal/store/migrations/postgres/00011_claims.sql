-- +goose Up
-- 补贴申领 (issue 5, first slice): claims and their computed lines. Each line records the rule
-- version and its trace, and a digest over what it decided so that a hand-edited row shows.

CREATE TABLE claims (
    id             BIGINT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('institution','person')),
    org_id         BIGINT REFERENCES organisations (id),
    person_id      BIGINT REFERENCES persons (id),
    class_id       BIGINT REFERENCES classes (id),
    certificate_id BIGINT REFERENCES certificates (id),
    county         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('draft','submitted','review_1','review_2','notice','approved',
                       'in_payment','paid','returned','rejected','withdrawn')),
    total_fen      BIGINT NOT NULL DEFAULT 0,
    line_count     INTEGER NOT NULL DEFAULT 0,
    payable_count  INTEGER NOT NULL DEFAULT 0,
    rule_id        BIGINT NOT NULL DEFAULT 0,
    rule_version   INTEGER NOT NULL DEFAULT 0,
    submitted_at   TIMESTAMPTZ,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    CHECK ((kind = 'institution' AND org_id IS NOT NULL AND class_id IS NOT NULL)
        OR (kind = 'person' AND person_id IS NOT NULL AND certificate_id IS NOT NULL))
);
CREATE INDEX claims_org ON claims (org_id, created_at);
CREATE INDEX claims_county ON claims (county, status, created_at);
CREATE INDEX claims_person ON claims (person_id);
-- a class is claimed by at most one live claim; a certificate by at most one live person claim
CREATE UNIQUE INDEX claims_class_live ON claims (class_id) WHERE kind = 'institution' AND status NOT IN ('withdrawn','rejected','returned');
CREATE UNIQUE INDEX claims_cert_live ON claims (certificate_id) WHERE kind = 'person' AND status NOT IN ('withdrawn','rejected','returned');

CREATE TABLE claim_lines (
    id              BIGINT PRIMARY KEY,
    claim_id        BIGINT NOT NULL REFERENCES claims (id),
    person_id       BIGINT NOT NULL REFERENCES persons (id),
    trainee_id      BIGINT REFERENCES trainees (id),
    certificate_id  BIGINT REFERENCES certificates (id),
    occupation_code TEXT NOT NULL,
    level           TEXT NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen >= 0),
    payable         BOOLEAN NOT NULL,
    trace           TEXT NOT NULL,
    rule_id         BIGINT NOT NULL DEFAULT 0,
    rule_version    INTEGER NOT NULL DEFAULT 0,
    audit           TEXT NOT NULL DEFAULT '' CHECK (audit IN ('','pass','flag','fail')),
    audit_reasons   TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL CHECK (status IN ('draft','submitted','review_1','review_2','notice','approved',
                        'in_payment','paid','returned','rejected','withdrawn','objection','payment_failed','clawback')),
    reduced_fen     BIGINT NOT NULL DEFAULT 0,
    reduce_reason   TEXT NOT NULL DEFAULT '',
    digest          TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX claim_lines_claim ON claim_lines (claim_id, id);
CREATE INDEX claim_lines_person ON claim_lines (person_id);
-- a trainee's line is in at most one live claim
CREATE UNIQUE INDEX claim_lines_trainee_live ON claim_lines (trainee_id) WHERE trainee_id IS NOT NULL AND status NOT IN ('withdrawn','rejected','returned');

-- +goose Down
DROP TABLE claim_lines;
DROP TABLE claims;
