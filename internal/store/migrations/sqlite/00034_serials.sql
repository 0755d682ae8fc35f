-- +goose Up
-- The number counters are shared: certificate series (00009) and student numbers (00030) take
-- their serials from one locked counter row per prefix (store.nextSerial), so the table is named
-- for what it holds.
ALTER TABLE cert_serials RENAME TO serials;

-- +goose Down
ALTER TABLE serials RENAME TO cert_serials;
