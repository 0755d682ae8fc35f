-- +goose Up
-- 补: the versioned subsidy rule table (SPEC §8) and program budgets (issue 5, first slice).
-- A rule version is never edited or deleted: a change is a new version of the region with a
-- later effective_from. The values (standards, uplift cap, key-group additions, cap, limits) are
-- one JSON document, so a new kind of value needs no migration; each claim line will record the
-- id of the version that produced its amount.

CREATE TABLE subsidy_rules (
    id             BIGINT PRIMARY KEY,
    region         TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    effective_from TEXT NOT NULL,
    rule_values    TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    created_by_id  BIGINT NOT NULL DEFAULT 0,
    UNIQUE (region, version),
    UNIQUE (region, effective_from)
);

-- A program's budget for a region and a year; program is a special-action code, or '' for the
-- general training-subsidy budget. The ledger that reserves and posts against it comes later.
CREATE TABLE budgets (
    id          BIGINT PRIMARY KEY,
    region      TEXT NOT NULL,
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    program     TEXT NOT NULL DEFAULT '',
    amount_fen  BIGINT NOT NULL CHECK (amount_fen >= 0),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 1,
    UNIQUE (region, year, program)
);
CREATE INDEX budgets_year ON budgets (year, region);

-- +goose Down
DROP TABLE budgets;
DROP TABLE subsidy_rules;
