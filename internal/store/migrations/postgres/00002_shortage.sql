-- +goose Up
-- 培: shortage-occupation lists (紧缺工种目录, SPEC §4.1) and their entries (issue 3). A list
-- belongs to a region (city or province) and to a series of versions; the times it was
-- published, superseded and withdrawn answer "which list was in force at instant T" exactly.

CREATE TABLE shortage_lists (
    id              BIGINT PRIMARY KEY,
    series_id       BIGINT NOT NULL,
    list_version    INTEGER NOT NULL CHECK (list_version >= 1),
    revised_from    BIGINT NOT NULL DEFAULT 0,
    region          TEXT NOT NULL,
    title           TEXT NOT NULL,
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft','published','superseded','withdrawn')),
    created_by      BIGINT NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    published_at    TIMESTAMPTZ,
    published_by    BIGINT NOT NULL DEFAULT 0,
    superseded_at   TIMESTAMPTZ,
    superseded_by   BIGINT NOT NULL DEFAULT 0,
    withdrawn_at    TIMESTAMPTZ,
    withdrawn_by    BIGINT NOT NULL DEFAULT 0,
    withdraw_reason TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    UNIQUE (series_id, list_version)
);
CREATE INDEX shortage_lists_region ON shortage_lists (region, status, period_from);
-- At most one draft per series: a second revision waits until the first is published.
CREATE UNIQUE INDEX shortage_lists_one_draft ON shortage_lists (series_id) WHERE status = 'draft';

CREATE TABLE shortage_entries (
    id              BIGINT PRIMARY KEY,
    list_id         BIGINT NOT NULL REFERENCES shortage_lists (id),
    occupation_code TEXT NOT NULL,
    level           TEXT NOT NULL REFERENCES skill_levels (code),
    degree          TEXT NOT NULL CHECK (degree IN ('mild','moderate','severe')),
    uplift_pct      INTEGER NOT NULL CHECK (uplift_pct BETWEEN 0 AND 30),
    sectors         TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (list_id, occupation_code, level)
);
CREATE INDEX shortage_entries_occupation ON shortage_entries (occupation_code, level);

-- +goose Down
DROP TABLE shortage_entries;
DROP TABLE shortage_lists;
