package store

import (
	"context"
	"time"

	"xiangpei"
)

// 失信人员 — the person blacklist (migration 00015). An officer of the person's county or above
// holding the registry duty (or an administrator) records that a person is barred from
// subsidies for a period, with a reason and evidence; the entry is audited. A person whose
// blacklist is in force cannot make a person claim (CreatePersonClaim) and the roster
// eligibility lists it as a reason.

// PersonSanction is one blacklist entry of a person (SanctionEntry.OrgID is unused).
type PersonSanction struct {
	xiangpei.SanctionEntry
	PersonID int64
}

// AddPersonSanction records a blacklist entry for a person within the officer's scope.
func (tx *Tx) AddPersonSanction(s xiangpei.Scope, personID int64, e xiangpei.SanctionEntry) (PersonSanction, error) {
	if err := regOfficerOnly(s); err != nil {
		return PersonSanction{}, err
	}
	if tx.Actor.Role == xiangpei.RoleOfficer && !tx.Actor.Can(xiangpei.DutyRegistry) {
		return PersonSanction{}, xiangpei.Errorf(xiangpei.Forbidden, "registry.person_sanction_duty", "Only officers with the registry duty record a blacklist.")
	}
	e.Kind, e.OrgID = xiangpei.SanctionBlacklist, 0
	e, err := e.Validate()
	if err != nil {
		return PersonSanction{}, err
	}
	p, err := tx.Person(s, personID)
	if err != nil {
		return PersonSanction{}, err
	}
	e.ID, e.DecidedBy, e.CreatedAt = xiangpei.NewID(), tx.Actor.AccountID, tx.Now.UTC().Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO person_sanctions (id, person_id, kind, reason, evidence, starts_on, ends_on, decided_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.ID, p.ID, string(e.Kind), e.Reason, e.Evidence, e.StartsOn, e.EndsOn, e.DecidedBy, e.CreatedAt); err != nil {
		return PersonSanction{}, mapError(err, "Sanction")
	}
	if err := tx.Audit("person.sanction_add", "person", p.ID, p.County, map[string]any{
		"sanction": e.ID, "kind": e.Kind, "starts_on": e.StartsOn, "ends_on": e.EndsOn, "reason": e.Reason}); err != nil {
		return PersonSanction{}, err
	}
	return PersonSanction{SanctionEntry: e, PersonID: p.ID}, nil
}

const personSanctionCols = `x.id, x.person_id, x.kind, x.reason, x.evidence, x.starts_on, x.ends_on, x.decided_by, x.created_at`

func scanPersonSanction(r scanner) (PersonSanction, error) {
	var e PersonSanction
	var kind string
	err := r.Scan(&e.ID, &e.PersonID, &kind, &e.Reason, &e.Evidence, &e.StartsOn, &e.EndsOn, &e.DecidedBy, &e.CreatedAt)
	e.Kind, e.CreatedAt = xiangpei.Sanction(kind), e.CreatedAt.UTC()
	return e, err
}

// PersonSanctions lists the blacklist entries of a person within scope (another county's
// person is NotFound), newest start first.
func (db *DB) PersonSanctions(ctx context.Context, s xiangpei.Scope, personID int64) ([]PersonSanction, error) {
	if _, err := db.Person(ctx, s, personID); err != nil {
		return nil, err
	}
	return personSanctions(ctx, db.read, personID)
}

func personSanctions(ctx context.Context, q querier, personID int64) ([]PersonSanction, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+personSanctionCols+` FROM person_sanctions x WHERE x.person_id = $1
		ORDER BY x.starts_on DESC, x.created_at DESC, x.id`, personID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanPersonSanction)
}

// personBlocked reports the blacklist entry in force for a person at a moment, if any.
func personBlocked(ctx context.Context, q querier, personID int64, at time.Time) (bool, PersonSanction, error) {
	list, err := personSanctions(ctx, q, personID)
	if err != nil {
		return false, PersonSanction{}, err
	}
	for _, e := range list {
		r, err := e.Record()
		if err != nil {
			return false, PersonSanction{}, err
		}
		if _, blocked := xiangpei.BlockingSanction([]xiangpei.SanctionRecord{r}, at); blocked {
			return true, e, nil
		}
	}
	return false, PersonSanction{}, nil
}

// PersonBlocked reports whether a blacklist entry is in force for the person at a moment, and
// which. It is the rule the claiming and enrolment paths ask, so it takes no scope.
func (db *DB) PersonBlocked(ctx context.Context, personID int64, at time.Time) (bool, PersonSanction, error) {
	return personBlocked(ctx, db.read, personID, at)
}

// errPersonBlacklisted is the refusal of a blacklisted person's claim.
func errPersonBlacklisted(e PersonSanction) error {
	until := e.EndsOn
	if until == "" {
		until = "—"
	}
	return xiangpei.Errorf(xiangpei.Conflict, "claim.person_blacklisted",
		"This person is on the blacklist (失信人员) from %v to %v and cannot claim a subsidy.", e.StartsOn, until)
}
