-- +goose Up
-- 补贴发放 (issue 5, payment slice): payment batches reserved against a program budget, their
-- items (one per claim line; a line is in at most one live item), the append-only double-entry
-- ledger in fen, and the bank's return files (the same file, by SHA-256, is taken once).

CREATE TABLE payment_batches (
    id          BIGINT PRIMARY KEY,
    budget_id   BIGINT NOT NULL REFERENCES budgets (id),
    region      TEXT NOT NULL,
    reissue     BOOLEAN NOT NULL DEFAULT FALSE,
    status      TEXT NOT NULL CHECK (status IN ('open','settled')),
    total_fen   BIGINT NOT NULL CHECK (total_fen > 0),
    item_count  INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX payment_batches_region ON payment_batches (region, created_at);
CREATE INDEX payment_batches_budget ON payment_batches (budget_id);

CREATE TABLE payment_items (
    id          BIGINT PRIMARY KEY,
    batch_id    BIGINT NOT NULL REFERENCES payment_batches (id),
    line_id     BIGINT NOT NULL REFERENCES claim_lines (id),
    claim_id    BIGINT NOT NULL REFERENCES claims (id),
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    payee_kind  TEXT NOT NULL CHECK (payee_kind IN ('institution','person')),
    payee_name  TEXT NOT NULL,
    payee_id    TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('in_payment','paid','payment_failed','clawback')),
    reason      TEXT NOT NULL DEFAULT '',
    settled_at  TIMESTAMP,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX payment_items_batch ON payment_items (batch_id, id);
-- a line is paid at most once: one live (not failed) item per line
CREATE UNIQUE INDEX payment_items_line_live ON payment_items (line_id) WHERE status <> 'payment_failed';

CREATE TABLE ledger_entries (
    id          BIGINT PRIMARY KEY,
    budget_id   BIGINT NOT NULL REFERENCES budgets (id),
    batch_id    BIGINT REFERENCES payment_batches (id),
    line_id     BIGINT REFERENCES claim_lines (id),
    movement    TEXT NOT NULL CHECK (movement IN ('reserve','pay','release','clawback')),
    debit       TEXT NOT NULL,
    credit      TEXT NOT NULL,
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    memo        TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    CHECK (debit <> credit)
);
CREATE INDEX ledger_entries_budget ON ledger_entries (budget_id, at);
CREATE INDEX ledger_entries_line ON ledger_entries (line_id);

CREATE TABLE bank_returns (
    id          BIGINT PRIMARY KEY,
    batch_id    BIGINT NOT NULL REFERENCES payment_batches (id),
    sha256      TEXT NOT NULL UNIQUE,
    file_name   TEXT NOT NULL DEFAULT '',
    paid_count  INTEGER NOT NULL,
    failed_count INTEGER NOT NULL,
    paid_fen    BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE bank_returns;
DROP TABLE ledger_entries;
DROP TABLE payment_items;
DROP TABLE payment_batches;
