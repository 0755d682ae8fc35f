-- +goose Up
-- 零工市场 (issue 6): day and hour gigs of verified employers, workers' sign-ups with check-in,
-- the wage confirmed by both sides, payment, ratings both ways, and the link of a wage-arrears
-- complaint to the sign-up it came from (docs/gigs.md).

CREATE TABLE gigs (
    id           BIGINT PRIMARY KEY,
    employer_id  BIGINT NOT NULL REFERENCES organisations (id),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    unit         TEXT NOT NULL CHECK (unit IN ('day','hour')),
    wage_fen     BIGINT NOT NULL,
    units        INTEGER NOT NULL,
    work_date    TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    county       TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    lat          DOUBLE PRECISION NOT NULL DEFAULT 0,
    lng          DOUBLE PRECISION NOT NULL DEFAULT 0,
    headcount    INTEGER NOT NULL CHECK (headcount >= 1),
    taken        INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    CHECK (taken <= headcount)
);
CREATE INDEX gigs_public ON gigs (status, work_date, county);
CREATE INDEX gigs_employer ON gigs (employer_id, work_date);

CREATE TABLE gig_signups (
    id                  BIGINT PRIMARY KEY,
    gig_id              BIGINT NOT NULL REFERENCES gigs (id),
    person_id           BIGINT NOT NULL REFERENCES persons (id),
    status              TEXT NOT NULL CHECK (status IN ('signed_up','cancelled','checked_in','completed','paid','unpaid_past_due','complaint')),
    checked_in_at       TIMESTAMP,
    check_lat           DOUBLE PRECISION NOT NULL DEFAULT 0,
    check_lng           DOUBLE PRECISION NOT NULL DEFAULT 0,
    check_metres        INTEGER NOT NULL DEFAULT 0,
    worker_fen          BIGINT NOT NULL DEFAULT 0,
    employer_fen        BIGINT NOT NULL DEFAULT 0,
    rating_of_employer  INTEGER NOT NULL DEFAULT 0 CHECK (rating_of_employer BETWEEN 0 AND 5),
    rating_of_worker    INTEGER NOT NULL DEFAULT 0 CHECK (rating_of_worker BETWEEN 0 AND 5),
    paid_at             TIMESTAMP,
    complaint_id        BIGINT NOT NULL DEFAULT 0,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
-- One live sign-up of a person for a gig; a cancelled one does not count.
CREATE UNIQUE INDEX gig_signups_live ON gig_signups (gig_id, person_id) WHERE status <> 'cancelled';
CREATE INDEX gig_signups_person ON gig_signups (person_id, created_at);

ALTER TABLE complaints ADD COLUMN gig_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN signup_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE complaints DROP COLUMN signup_id;
ALTER TABLE complaints DROP COLUMN gig_id;
DROP TABLE gig_signups;
DROP TABLE gigs;
