-- +goose Up
-- 补 (issue 5): payee bank accounts (收款账户) — an institution's settlement account and a
-- person's own account — snapshotted into each payment item when a batch is built; staged
-- payment per program budget (stage1_pct < 100: the first part on completion and certificate,
-- the rest held in the ledger's `payable` account until employment within 6 months of the
-- class end is verified); the employment verifications; payment items per stage.

CREATE TABLE bank_accounts (
    id           BIGINT PRIMARY KEY,
    owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('institution','person')),
    org_id       BIGINT REFERENCES organisations (id),
    person_id    BIGINT REFERENCES persons (id),
    account_name TEXT NOT NULL,
    bank_name    TEXT NOT NULL,
    branch       TEXT NOT NULL,
    account_no   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    CHECK ((owner_kind = 'institution' AND org_id IS NOT NULL AND person_id IS NULL)
        OR (owner_kind = 'person' AND person_id IS NOT NULL AND org_id IS NULL))
);
CREATE UNIQUE INDEX bank_accounts_org ON bank_accounts (org_id) WHERE org_id IS NOT NULL;
CREATE UNIQUE INDEX bank_accounts_person ON bank_accounts (person_id) WHERE person_id IS NOT NULL;

ALTER TABLE payment_items ADD COLUMN account_no TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_items ADD COLUMN bank_name TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_items ADD COLUMN branch TEXT NOT NULL DEFAULT '';
-- 0: the whole line; 1: the first stage; 2: the second stage
ALTER TABLE payment_items ADD COLUMN stage INTEGER NOT NULL DEFAULT 0 CHECK (stage IN (0, 1, 2));
DROP INDEX payment_items_line_live;
CREATE UNIQUE INDEX payment_items_line_live ON payment_items (line_id, stage) WHERE status <> 'payment_failed';

-- lines of the region left out of a batch because their payee has no bank account
ALTER TABLE payment_batches ADD COLUMN left_out INTEGER NOT NULL DEFAULT 0;
-- a batch of second stages (staged payment)
ALTER TABLE payment_batches ADD COLUMN stage2 BOOLEAN NOT NULL DEFAULT FALSE;
-- stage1_pct 100: not staged
ALTER TABLE budgets ADD COLUMN stage1_pct INTEGER NOT NULL DEFAULT 100 CHECK (stage1_pct BETWEEN 1 AND 100);

-- the second stage of a staged line: waiting (for employment), payable (verified), in_payment, paid,
-- cancelled (the line was clawed back before the second stage was paid)
CREATE TABLE payment_stages (
    line_id      BIGINT PRIMARY KEY REFERENCES claim_lines (id),
    budget_id    BIGINT NOT NULL REFERENCES budgets (id),
    person_id    BIGINT NOT NULL REFERENCES persons (id),
    county       TEXT NOT NULL,
    stage2_fen   BIGINT NOT NULL CHECK (stage2_fen > 0),
    class_end    TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('waiting','payable','in_payment','paid','cancelled')),
    source       TEXT NOT NULL DEFAULT '' CHECK (source IN ('','insurance','officer','employment')),
    evidence_id  BIGINT NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    verified_by  TEXT NOT NULL DEFAULT '',
    verified_at  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX payment_stages_status ON payment_stages (status, county);

-- new movements: hold (budget → payable), release_held (payable → reserved), rehold (reserved → payable),
-- unhold (payable → budget)
CREATE TABLE ledger_entries_new (
    id          BIGINT PRIMARY KEY,
    budget_id   BIGINT NOT NULL REFERENCES budgets (id),
    batch_id    BIGINT REFERENCES payment_batches (id),
    line_id     BIGINT REFERENCES claim_lines (id),
    movement    TEXT NOT NULL CHECK (movement IN ('reserve','pay','release','clawback','hold','release_held','rehold','unhold')),
    debit       TEXT NOT NULL,
    credit      TEXT NOT NULL,
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    memo        TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    CHECK (debit <> credit)
);
INSERT INTO ledger_entries_new SELECT id, budget_id, batch_id, line_id, movement, debit, credit, amount_fen, memo, actor, at FROM ledger_entries;
DROP TABLE ledger_entries;
ALTER TABLE ledger_entries_new RENAME TO ledger_entries;
CREATE INDEX ledger_entries_budget ON ledger_entries (budget_id, at);
CREATE INDEX ledger_entries_line ON ledger_entries (line_id);

-- +goose Down
CREATE TABLE ledger_entries_old (
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
INSERT INTO ledger_entries_old SELECT * FROM ledger_entries WHERE movement IN ('reserve','pay','release','clawback');
DROP TABLE ledger_entries;
ALTER TABLE ledger_entries_old RENAME TO ledger_entries;
CREATE INDEX ledger_entries_budget ON ledger_entries (budget_id, at);
CREATE INDEX ledger_entries_line ON ledger_entries (line_id);
DROP TABLE payment_stages;
ALTER TABLE budgets DROP COLUMN stage1_pct;
ALTER TABLE payment_batches DROP COLUMN stage2;
ALTER TABLE payment_batches DROP COLUMN left_out;
DROP INDEX payment_items_line_live;
DELETE FROM payment_items WHERE stage = 2;
ALTER TABLE payment_items DROP COLUMN stage;
ALTER TABLE payment_items DROP COLUMN branch;
ALTER TABLE payment_items DROP COLUMN bank_name;
ALTER TABLE payment_items DROP COLUMN account_no;
CREATE UNIQUE INDEX payment_items_line_live ON payment_items (line_id) WHERE status <> 'payment_failed';
DROP TABLE bank_accounts;
