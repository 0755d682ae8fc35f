-- +goose Up
-- A saved-search alert's text message the sender refused is tried again later (docs/saved-searches.md
-- "Text messages"): up to 3 attempts, the next not before sms_retry_at; after the third it is failed.
ALTER TABLE search_alerts ADD COLUMN sms_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE search_alerts ADD COLUMN sms_retry_at TIMESTAMP;

-- +goose Down
ALTER TABLE search_alerts DROP COLUMN sms_retry_at;
ALTER TABLE search_alerts DROP COLUMN sms_attempts;
