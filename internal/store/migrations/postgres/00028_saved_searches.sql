-- +goose Up
-- Saved job searches and their alerts (issue 6, docs/saved-searches.md): a person keeps a
-- search of the job list; each newly published posting that matches reaches the person once —
-- an in-app message, and a text message when the person asked for one.

CREATE TABLE saved_searches (
    id          BIGINT PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    name        TEXT NOT NULL,
    occupation  TEXT NOT NULL DEFAULT '',
    county      TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    work_type   TEXT NOT NULL DEFAULT '',
    query       TEXT NOT NULL DEFAULT '',
    sms         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX saved_searches_person ON saved_searches (person_id);

-- One row per person and posting: the UNIQUE key is what makes an alert reach a person once,
-- however many of their searches match and however often the posting is published again.
-- search_id has no foreign key so that deleting a search keeps what it already sent.
CREATE TABLE search_alerts (
    id          BIGINT PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    posting_id  BIGINT NOT NULL REFERENCES job_postings (id),
    search_id   BIGINT NOT NULL,
    sms_status  TEXT NOT NULL DEFAULT 'none' CHECK (sms_status IN ('none','pending','sent','failed')),
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP,
    UNIQUE (person_id, posting_id)
);
CREATE INDEX search_alerts_sms ON search_alerts (sms_status, created_at);

-- +goose Down
DROP TABLE search_alerts;
DROP TABLE saved_searches;
