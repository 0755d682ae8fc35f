-- +goose Up
-- 政策咨询 (issue 6): the policy library and FAQ, published by officers of a region, and the
-- character-bigram index of the published items that the Chinese full-text search reads.
-- Items follow the shortage-list pattern: a series of versions; a published version never
-- changes; publishing a revision supersedes the version before.

CREATE TABLE policies (
    id              BIGINT PRIMARY KEY,
    series_id       BIGINT NOT NULL,
    item_version    INTEGER NOT NULL CHECK (item_version >= 1),
    revised_from    BIGINT NOT NULL DEFAULT 0,
    region          TEXT NOT NULL,
    title           TEXT NOT NULL,
    issuer          TEXT NOT NULL,
    doc_number      TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL,
    body            TEXT NOT NULL,
    effective_from  TEXT NOT NULL,
    expires_on      TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('draft','published','superseded','withdrawn')),
    created_by      BIGINT NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    published_at    TIMESTAMP,
    withdrawn_at    TIMESTAMP,
    withdraw_reason TEXT NOT NULL DEFAULT '',
    superseded_by   BIGINT NOT NULL DEFAULT 0,
    version         BIGINT NOT NULL DEFAULT 1,
    UNIQUE (series_id, item_version)
);
CREATE INDEX policies_public ON policies (status, category, published_at);
CREATE INDEX policies_region ON policies (region, updated_at);
CREATE UNIQUE INDEX policies_one_draft ON policies (series_id) WHERE status = 'draft';

CREATE TABLE faqs (
    id              BIGINT PRIMARY KEY,
    series_id       BIGINT NOT NULL,
    item_version    INTEGER NOT NULL CHECK (item_version >= 1),
    revised_from    BIGINT NOT NULL DEFAULT 0,
    region          TEXT NOT NULL,
    question        TEXT NOT NULL,
    answer          TEXT NOT NULL,
    category        TEXT NOT NULL,
    policy_id       BIGINT NOT NULL DEFAULT 0,
    status          TEXT NOT NULL CHECK (status IN ('draft','published','superseded','withdrawn')),
    created_by      BIGINT NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    published_at    TIMESTAMP,
    withdrawn_at    TIMESTAMP,
    withdraw_reason TEXT NOT NULL DEFAULT '',
    superseded_by   BIGINT NOT NULL DEFAULT 0,
    version         BIGINT NOT NULL DEFAULT 1,
    UNIQUE (series_id, item_version)
);
CREATE INDEX faqs_public ON faqs (status, category, published_at);
CREATE INDEX faqs_region ON faqs (region, updated_at);
CREATE UNIQUE INDEX faqs_one_draft ON faqs (series_id) WHERE status = 'draft';

-- The search index of the published items: each distinct bigram (and single character) of
-- title + text, with how often it occurs; in_title marks grams of the title.
CREATE TABLE policy_grams (
    item_kind TEXT NOT NULL CHECK (item_kind IN ('policy','faq')),
    item_id   BIGINT NOT NULL,
    gram      TEXT NOT NULL,
    hits      INTEGER NOT NULL,
    in_title  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (gram, item_kind, item_id)
);
CREATE INDEX policy_grams_item ON policy_grams (item_kind, item_id);

-- +goose Down
DROP TABLE policy_grams;
DROP TABLE faqs;
DROP TABLE policies;
