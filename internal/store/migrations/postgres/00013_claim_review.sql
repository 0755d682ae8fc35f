-- +goose Up
-- 补贴审核与公示 (issue 5, review slice): review decisions of the county (step 1) and the city
-- (step 2), one per line or claim and step; the public notice (公示) of a claim; objections.

CREATE TABLE claim_decisions (
    id           BIGINT PRIMARY KEY,
    claim_id     BIGINT NOT NULL REFERENCES claims (id),
    line_id      BIGINT REFERENCES claim_lines (id),  -- NULL: a decision on the whole claim
    step         INTEGER NOT NULL CHECK (step IN (1, 2)),
    decision     TEXT NOT NULL CHECK (decision IN ('approve','reduce','reject','return','pass')),
    reason       TEXT NOT NULL DEFAULT '',
    amount_fen   BIGINT NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    account_id   BIGINT NOT NULL,
    account_name TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX claim_decisions_claim ON claim_decisions (claim_id, step);
-- one decision per line and step, and one whole-claim decision per claim and step
CREATE UNIQUE INDEX claim_decisions_line_step ON claim_decisions (line_id, step) WHERE line_id IS NOT NULL;
CREATE UNIQUE INDEX claim_decisions_claim_step ON claim_decisions (claim_id, step) WHERE line_id IS NULL;

CREATE TABLE claim_notices (
    id         BIGINT PRIMARY KEY,
    claim_id   BIGINT NOT NULL UNIQUE REFERENCES claims (id),
    county     TEXT NOT NULL,
    starts     TIMESTAMPTZ NOT NULL,
    ends       TIMESTAMPTZ NOT NULL,
    workdays   INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open','closed')),
    created_at TIMESTAMPTZ NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX claim_notices_open ON claim_notices (status, ends);
CREATE INDEX claim_notices_county ON claim_notices (county, starts);

CREATE TABLE claim_objections (
    id            BIGINT PRIMARY KEY,
    notice_id     BIGINT NOT NULL REFERENCES claim_notices (id),
    line_id       BIGINT NOT NULL REFERENCES claim_lines (id),
    text          TEXT NOT NULL,
    contact       TEXT NOT NULL DEFAULT '',
    ip_hash       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open','upheld','dismissed')),
    resolution    TEXT NOT NULL DEFAULT '',
    resolver      TEXT NOT NULL DEFAULT '',
    resolved_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX claim_objections_line ON claim_objections (line_id, status);
CREATE INDEX claim_objections_notice ON claim_objections (notice_id, created_at);

-- +goose Down
DROP TABLE claim_objections;
DROP TABLE claim_notices;
DROP TABLE claim_decisions;
