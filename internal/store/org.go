package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// orgCols are the columns scanOrg reads, in its order.
const orgCols = `o.id, o.kind, o.name, o.credit_code, o.code_status, o.county, o.address, o.contact, o.phone,
	o.capacity, o.created_at, o.updated_at, o.version`

// orgScope restricts organisations o to a scope whose scopeArgs are passed as $2..$5: officers
// by county, staff only their own organisation, persons none (they see organisations through
// public listings, not the registry).
const orgScope = `($2 OR o.county LIKE $3) AND (CAST($4 AS BIGINT) = 0 OR o.id = $4) AND CAST($5 AS BIGINT) = 0`

func scanOrg(r scanner) (xiangpei.Organisation, error) {
	var o xiangpei.Organisation
	var kind, code, status string
	err := r.Scan(&o.ID, &kind, &o.Name, &code, &status, &o.County, &o.Address, &o.Contact, &o.Phone,
		&o.Capacity, &o.CreatedAt, &o.UpdatedAt, &o.Version)
	o.Kind, o.CreditCode, o.CodeStatus = xiangpei.OrgKind(kind), xiangpei.CreditCode(code), xiangpei.CodeStatus(status)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// regOfficerOnly refuses decisions that belong to the bureau (approved scope, sanctions, credit
// codes) when the scope is an organisation's staff or a person, whatever the caller checked.
func regOfficerOnly(s xiangpei.Scope) error {
	if s.OrgID != 0 || s.PersonID != 0 || (!s.All && s.Region == "") {
		return xiangpei.Errorf(xiangpei.Forbidden, "org.officer_only", "Only bureau officers can do this.")
	}
	return nil
}

// regOrgInput turns an organisation back into the input its fields are validated as.
func regOrgInput(o xiangpei.Organisation) xiangpei.OrgInput {
	return xiangpei.OrgInput{Kind: string(o.Kind), Name: o.Name, CreditCode: string(o.CreditCode), County: o.County,
		Address: o.Address, Contact: o.Contact, Phone: o.Phone, Capacity: o.Capacity}
}

func errDuplicateCode() error {
	return xiangpei.Errorf(xiangpei.Conflict, "org.duplicate_code", "This unified social credit code is already registered, so there is no need to register it again. Look up the existing organisation.")
}

// CreateOrg registers an organisation validated by OrgInput.Validate. One organisation, one
// credit code: a second registration is a Conflict and writes nothing.
func (tx *Tx) CreateOrg(o xiangpei.Organisation) (xiangpei.Organisation, error) {
	v, err := regOrgInput(o).Validate(nil)
	if err != nil {
		return xiangpei.Organisation{}, err
	}
	// The status follows the check character; an officer's confirmation comes later, here.
	o.Kind, o.CreditCode, o.CodeStatus = v.Kind, v.CreditCode, v.CodeStatus
	o.Name, o.County, o.Address, o.Contact, o.Phone, o.Capacity = v.Name, v.County, v.Address, v.Contact, v.Phone, v.Capacity
	if err := tx.refuse(errDuplicateCode(), `SELECT 1 FROM organisations WHERE credit_code = $1`,
		string(o.CreditCode)); err != nil {
		return xiangpei.Organisation{}, err
	}
	o.ID = xiangpei.NewID()
	now := tx.Now.Truncate(time.Microsecond)
	o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
	if _, err := tx.exec(`INSERT INTO organisations (id, kind, name, credit_code, code_status, county, address, contact,
		phone, capacity, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		o.ID, string(o.Kind), o.Name, string(o.CreditCode), string(o.CodeStatus), o.County, o.Address, o.Contact,
		o.Phone, int64(o.Capacity), o.CreatedAt, o.UpdatedAt, o.Version); err != nil {
		if xiangpei.IsKind(mapError(err, "Organisation"), xiangpei.Conflict) {
			return xiangpei.Organisation{}, errDuplicateCode()
		}
		return xiangpei.Organisation{}, err
	}
	if err := tx.Audit("org.create", "organisation", o.ID, o.County, map[string]any{
		"kind": o.Kind, "name": o.Name, "credit_code": o.CreditCode, "code_status": o.CodeStatus}); err != nil {
		return xiangpei.Organisation{}, err
	}
	return o, nil
}

func orgByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.Organisation, error) {
	sa := scopeOf(s)
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgCols+` FROM organisations o WHERE o.id = $1 AND `+orgScope,
		id, sa.all, sa.region, sa.org, sa.person))
	if err != nil {
		return xiangpei.Organisation{}, mapError(err, "Organisation")
	}
	return o, nil
}

// Org reads an organisation within scope; outside it, NotFound.
func (db *DB) Org(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.Organisation, error) {
	return orgByID(ctx, db.read, s, id)
}

// Org reads an organisation within scope inside the transaction.
func (tx *Tx) Org(s xiangpei.Scope, id int64) (xiangpei.Organisation, error) {
	return orgByID(tx.ctx, tx.tx, s, id)
}

// SearchOrgs lists organisations within scope of a kind ("" any) and credit-code status
// ("" any) whose name contains q or whose credit code is q; ordered by name, id, with the total.
func (db *DB) SearchOrgs(ctx context.Context, s xiangpei.Scope, kind, q, status string, page Page) ([]xiangpei.Organisation, int, error) {
	q = strings.TrimSpace(q)
	sa := scopeOf(s)
	where := ` FROM organisations o WHERE ($1 = '' OR lower(o.name) LIKE lower($6) ESCAPE '\' OR o.credit_code = $7)
		AND ($8 = '' OR o.kind = $8) AND ($9 = '' OR o.code_status = $9) AND ` + orgScope
	args := []any{q, sa.all, sa.region, sa.org, sa.person, "%" + regEscapeLike(q) + "%", strings.ToUpper(q), kind, status}
	return db.listOrgs(ctx, where, ` ORDER BY o.name, o.id`, args, page)
}

// PendingCodes lists the organisations within scope whose credit code waits for an officer's
// confirmation, oldest first, with the total.
func (db *DB) PendingCodes(ctx context.Context, s xiangpei.Scope, page Page) ([]xiangpei.Organisation, int, error) {
	sa := scopeOf(s)
	where := ` FROM organisations o WHERE o.code_status = $1 AND ` + orgScope
	args := []any{string(xiangpei.CodePending), sa.all, sa.region, sa.org, sa.person}
	return db.listOrgs(ctx, where, ` ORDER BY o.created_at, o.id`, args, page)
}

func (db *DB) listOrgs(ctx context.Context, where, order string, args []any, page Page) ([]xiangpei.Organisation, int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	n := len(args)
	rows, err := db.read.QueryContext(ctx, `SELECT `+orgCols+where+order+` LIMIT `+regPlaceholder(n+1)+` OFFSET `+regPlaceholder(n+2),
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanOrg)
	return out, total, err
}

// regPlaceholder returns the positional parameter $n.
func regPlaceholder(n int) string { return "$" + strconv.Itoa(n) }

// UpdateOrg changes the editable fields of an organisation within scope (name, county, address,
// contact, phone, capacity), if nobody changed it since version; kind and credit code stay.
func (tx *Tx) UpdateOrg(s xiangpei.Scope, o xiangpei.Organisation, version int64) (xiangpei.Organisation, error) {
	cur, err := tx.Org(s, o.ID)
	if err != nil {
		return xiangpei.Organisation{}, err
	}
	next, err := cur.Edit(regOrgInput(o), nil)
	if err != nil {
		return xiangpei.Organisation{}, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	sa := scopeOf(s)
	if err := tx.execVersioned("Organisation", `SELECT 1 FROM organisations WHERE id = $1`, o.ID,
		`UPDATE organisations SET name = $6, county = $7, address = $8, contact = $9, phone = $10, capacity = $11,
		updated_at = $12, version = version + 1
		WHERE id = $1 AND version = $13 AND id IN (SELECT o.id FROM organisations o WHERE o.id = $1 AND `+orgScope+`)`,
		o.ID, sa.all, sa.region, sa.org, sa.person, next.Name, next.County, next.Address, next.Contact, next.Phone,
		int64(next.Capacity), now, version); err != nil {
		return xiangpei.Organisation{}, err
	}
	changed := map[string]any{}
	for k, v := range map[string][2]string{"name": {cur.Name, next.Name}, "county": {cur.County, next.County},
		"address": {cur.Address, next.Address}, "contact": {cur.Contact, next.Contact},
		"phone": {xiangpei.MaskPhone(cur.Phone), xiangpei.MaskPhone(next.Phone)}} {
		if v[0] != v[1] {
			changed[k] = v[1]
		}
	}
	if cur.Capacity != next.Capacity {
		changed["capacity"] = next.Capacity
	}
	if next.County != cur.County {
		changed["county_from"] = cur.County
	}
	if err := tx.Audit("org.update", "organisation", o.ID, next.County, changed); err != nil {
		return xiangpei.Organisation{}, err
	}
	next.UpdatedAt, next.Version = now, version+1
	return next, nil
}

// ConfirmCreditCode records an officer's decision on a credit code that failed its check
// character: accepted, it becomes confirmed; refused, rejected. Only pending codes are decided.
func (tx *Tx) ConfirmCreditCode(s xiangpei.Scope, orgID, version int64, accept bool, reason string) (xiangpei.Organisation, error) {
	if err := regOfficerOnly(s); err != nil {
		return xiangpei.Organisation{}, err
	}
	if err := xiangpei.CheckCodeDecision(reason); err != nil {
		return xiangpei.Organisation{}, err
	}
	cur, err := tx.Org(s, orgID)
	if err != nil {
		return xiangpei.Organisation{}, err
	}
	if cur.CodeStatus != xiangpei.CodePending {
		return xiangpei.Organisation{}, xiangpei.Errorf(xiangpei.Conflict, "org.code_not_pending", "This organisation's credit code is not waiting for confirmation.")
	}
	status, action := xiangpei.CodeConfirmed, "org.code_confirm"
	if !accept {
		status, action = xiangpei.CodeRejected, "org.code_reject"
	}
	now := tx.Now.Truncate(time.Microsecond)
	if err := tx.execVersioned("Organisation", `SELECT 1 FROM organisations WHERE id = $1`, orgID,
		`UPDATE organisations SET code_status = $2, updated_at = $3, version = version + 1
		WHERE id = $1 AND version = $4 AND code_status = $5`,
		orgID, string(status), now, version, string(xiangpei.CodePending)); err != nil {
		return xiangpei.Organisation{}, err
	}
	if err := tx.Audit(action, "organisation", orgID, cur.County, map[string]any{
		"credit_code": cur.CreditCode, "code_status": status, "reason": strings.TrimSpace(reason)}); err != nil {
		return xiangpei.Organisation{}, err
	}
	cur.CodeStatus, cur.UpdatedAt, cur.Version = status, now, version+1
	return cur, nil
}

// checkOccupation checks that an occupation is a current detailed entry (细类) of the catalogue
// and, when level is not empty, that the skill level exists and, for a graded level (5 to 1),
// that the occupation has that level.
func (tx *Tx) checkOccupation(code, level string) error {
	var levels string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT levels FROM occupations WHERE code = $1 AND depth = 4 AND deprecated = $2`,
		code, false).Scan(&levels)
	if errors.Is(err, sql.ErrNoRows) {
		return xiangpei.Errorf(xiangpei.Invalid, "scope.unknown_occupation", "This occupation is not in the catalogue, or it is not a most detailed entry: choose again.")
	}
	if err != nil || level == "" {
		return err
	}
	if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "scope.unknown_level", "There is no such skill level: choose one from the list."),
		`SELECT 1 FROM skill_levels WHERE code = $1`, level); err != nil {
		return err
	}
	graded := len(level) == 1 && level >= "1" && level <= "5"
	if graded && strings.TrimSpace(levels) != "" && !slices.Contains(strings.Split(strings.ReplaceAll(levels, " ", ""), ","), level) {
		return xiangpei.Errorf(xiangpei.Invalid, "scope.level_not_offered", "This occupation has no such skill level: choose one of its levels.")
	}
	return nil
}

// AddScope adds an occupation and level to the approved scope of an organisation within scope.
// The approved scope is the bureau's decision, so only officers add to it.
func (tx *Tx) AddScope(s xiangpei.Scope, e xiangpei.ScopeEntry) (xiangpei.ScopeEntry, error) {
	if err := regOfficerOnly(s); err != nil {
		return e, err
	}
	e, err := e.Validate()
	if err != nil {
		return e, err
	}
	o, err := tx.Org(s, e.OrgID)
	if err != nil {
		return e, err
	}
	if o.Kind == xiangpei.OrgEmployer {
		return e, xiangpei.Errorf(xiangpei.Invalid, "org.not_training", "An employer has no training or assessment scope to add to.")
	}
	if err := tx.checkOccupation(e.OccupationCode, e.Level); err != nil {
		return e, err
	}
	dup := xiangpei.Errorf(xiangpei.Conflict, "scope.duplicate", "This occupation and level are already in the organisation's scope.")
	if err := tx.refuse(dup, `SELECT 1 FROM org_scopes WHERE org_id = $1 AND occupation_code = $2 AND level = $3`,
		e.OrgID, e.OccupationCode, e.Level); err != nil {
		return e, err
	}
	e.ID = xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO org_scopes (id, org_id, occupation_code, level, created_at) VALUES ($1, $2, $3, $4, $5)`,
		e.ID, e.OrgID, e.OccupationCode, e.Level, tx.Now.Truncate(time.Microsecond)); err != nil {
		if xiangpei.IsKind(mapError(err, "Scope entry"), xiangpei.Conflict) {
			return e, dup
		}
		return e, err
	}
	if err := tx.Audit("org.scope_add", "organisation", o.ID, o.County, map[string]any{
		"entry": e.ID, "occupation": e.OccupationCode, "level": e.Level}); err != nil {
		return e, err
	}
	return e, nil
}

// RemoveScope removes an entry from the approved scope of an organisation within scope, with a
// reason that goes into the audit trail.
func (tx *Tx) RemoveScope(s xiangpei.Scope, orgID, entryID int64, reason string) error {
	if err := regOfficerOnly(s); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 4 || n > 500 {
		return xiangpei.Errorf(xiangpei.Invalid, "scope.remove_reason", "Say why this occupation is removed from the scope (4 to 500 characters). This is recorded.")
	}
	o, err := tx.Org(s, orgID)
	if err != nil {
		return err
	}
	tx.changed = true
	var occupation, level string
	if err := tx.tx.QueryRowContext(tx.ctx, `DELETE FROM org_scopes WHERE id = $1 AND org_id = $2 RETURNING occupation_code, level`,
		entryID, orgID).Scan(&occupation, &level); err != nil {
		return mapError(err, "Scope entry")
	}
	return tx.Audit("org.scope_remove", "organisation", o.ID, o.County, map[string]any{
		"entry": entryID, "occupation": occupation, "level": level, "reason": reason})
}

// Scopes lists the approved scope of an organisation within scope, by occupation and level.
func (db *DB) Scopes(ctx context.Context, s xiangpei.Scope, orgID int64) ([]xiangpei.ScopeEntry, error) {
	sa := scopeOf(s)
	rows, err := db.orgChildren(ctx, s, orgID, `SELECT x.id, x.org_id, x.occupation_code, x.level
		FROM org_scopes x JOIN organisations o ON o.id = x.org_id
		WHERE x.org_id = $1 AND `+orgScope+` ORDER BY x.occupation_code, x.level`,
		orgID, sa.all, sa.region, sa.org, sa.person)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (xiangpei.ScopeEntry, error) {
		var e xiangpei.ScopeEntry
		if err := r.Scan(&e.ID, &e.OrgID, &e.OccupationCode, &e.Level); err != nil {
			return e, err
		}
		return e, nil
	})
}

// orgChildren checks that the organisation is within scope (NotFound otherwise) and runs a
// query listing its rows; the query repeats the scope so that it stands on its own.
func (db *DB) orgChildren(ctx context.Context, s xiangpei.Scope, orgID int64, query string, args ...any) (*sql.Rows, error) {
	if _, err := db.Org(ctx, s, orgID); err != nil {
		return nil, err
	}
	return db.read.QueryContext(ctx, query, args...)
}

// AddVenue adds a venue to an organisation within scope.
func (tx *Tx) AddVenue(s xiangpei.Scope, v xiangpei.Venue) (xiangpei.Venue, error) {
	v, err := v.Validate(nil)
	if err != nil {
		return v, err
	}
	o, err := tx.Org(s, v.OrgID)
	if err != nil {
		return v, err
	}
	v.ID = xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO venues (id, org_id, name, address, county, lat, lng, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		v.ID, v.OrgID, v.Name, v.Address, v.County, v.Lat, v.Lng, tx.Now.Truncate(time.Microsecond)); err != nil {
		return v, mapError(err, "Venue")
	}
	if err := tx.Audit("org.venue_add", "organisation", o.ID, o.County, map[string]any{
		"venue": v.ID, "name": v.Name, "address": v.Address, "county": v.County, "lat": v.Lat, "lng": v.Lng}); err != nil {
		return v, err
	}
	return v, nil
}

// Venues lists the venues of an organisation within scope, by name.
func (db *DB) Venues(ctx context.Context, s xiangpei.Scope, orgID int64) ([]xiangpei.Venue, error) {
	sa := scopeOf(s)
	rows, err := db.orgChildren(ctx, s, orgID, `SELECT v.id, v.org_id, v.name, v.address, v.county, v.lat, v.lng
		FROM venues v JOIN organisations o ON o.id = v.org_id
		WHERE v.org_id = $1 AND `+orgScope+` ORDER BY v.name, v.id`,
		orgID, sa.all, sa.region, sa.org, sa.person)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (xiangpei.Venue, error) {
		var v xiangpei.Venue
		if err := r.Scan(&v.ID, &v.OrgID, &v.Name, &v.Address, &v.County, &v.Lat, &v.Lng); err != nil {
			return v, err
		}
		return v, nil
	})
}

// AddTeacher adds a teacher to an organisation within scope; the ID number is parsed, and one
// teacher is registered once per organisation.
func (tx *Tx) AddTeacher(s xiangpei.Scope, t xiangpei.Teacher) (xiangpei.Teacher, error) {
	t, err := t.Validate(tx.Now)
	if err != nil {
		return t, err
	}
	o, err := tx.Org(s, t.OrgID)
	if err != nil {
		return t, err
	}
	if t.OccupationCode != "" {
		if err := tx.checkOccupation(t.OccupationCode, t.Level); err != nil {
			return t, err
		}
	}
	dup := xiangpei.Errorf(xiangpei.Conflict, "teacher.duplicate", "This teacher is already registered with this organisation.")
	if err := tx.refuse(dup, `SELECT 1 FROM teachers WHERE org_id = $1 AND id_number = $2`,
		t.OrgID, string(t.IDNumber)); err != nil {
		return t, err
	}
	t.ID = xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO teachers (id, org_id, name, id_number, qualification, occupation_code, level,
		certificate_no, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		t.ID, t.OrgID, t.Name, string(t.IDNumber), t.Qualification, t.OccupationCode, t.Level, t.CertificateNo,
		tx.Now.Truncate(time.Microsecond)); err != nil {
		if xiangpei.IsKind(mapError(err, "Teacher"), xiangpei.Conflict) {
			return t, dup
		}
		return t, err
	}
	if err := tx.Audit("org.teacher_add", "organisation", o.ID, o.County, map[string]any{
		"teacher": t.ID, "name": xiangpei.MaskName(t.Name), "id_number": t.MaskedID(),
		"occupation": t.OccupationCode, "level": t.Level}); err != nil {
		return t, err
	}
	return t, nil
}

// Teachers lists the teachers of an organisation within scope, by name. ID numbers are full:
// the caller shows them masked.
func (db *DB) Teachers(ctx context.Context, s xiangpei.Scope, orgID int64) ([]xiangpei.Teacher, error) {
	sa := scopeOf(s)
	rows, err := db.orgChildren(ctx, s, orgID, `SELECT t.id, t.org_id, t.name, t.id_number, t.qualification,
		t.occupation_code, t.level, t.certificate_no
		FROM teachers t JOIN organisations o ON o.id = t.org_id
		WHERE t.org_id = $1 AND `+orgScope+` ORDER BY t.name, t.id`,
		orgID, sa.all, sa.region, sa.org, sa.person)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (xiangpei.Teacher, error) {
		var t xiangpei.Teacher
		var id string
		if err := r.Scan(&t.ID, &t.OrgID, &t.Name, &id, &t.Qualification, &t.OccupationCode, &t.Level, &t.CertificateNo); err != nil {
			return t, err
		}
		t.IDNumber = xiangpei.IDNumber(id)
		return t, nil
	})
}

// AddSanction records a sanction decided by the transaction's actor on an organisation within
// scope. Sanctions are the bureau's decision, so only officers record them.
func (tx *Tx) AddSanction(s xiangpei.Scope, e xiangpei.SanctionEntry) (xiangpei.SanctionEntry, error) {
	if err := regOfficerOnly(s); err != nil {
		return e, err
	}
	e, err := e.Validate()
	if err != nil {
		return e, err
	}
	o, err := tx.Org(s, e.OrgID)
	if err != nil {
		return e, err
	}
	e.ID, e.DecidedBy, e.CreatedAt = xiangpei.NewID(), tx.Actor.AccountID, tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO sanctions (id, org_id, kind, reason, evidence, starts_on, ends_on, decided_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.ID, e.OrgID, string(e.Kind), e.Reason, e.Evidence, e.StartsOn, e.EndsOn, e.DecidedBy, e.CreatedAt); err != nil {
		return e, mapError(err, "Sanction")
	}
	if err := tx.Audit("org.sanction_add", "organisation", o.ID, o.County, map[string]any{
		"sanction": e.ID, "kind": e.Kind, "starts_on": e.StartsOn, "ends_on": e.EndsOn, "reason": e.Reason}); err != nil {
		return e, err
	}
	return e, nil
}

const sanctionCols = `x.id, x.org_id, x.kind, x.reason, x.evidence, x.starts_on, x.ends_on, x.decided_by, x.created_at`

func scanSanctions(rows *sql.Rows) ([]xiangpei.SanctionEntry, error) {
	return collect(rows, func(r scanner) (xiangpei.SanctionEntry, error) {
		var e xiangpei.SanctionEntry
		var kind string
		if err := r.Scan(&e.ID, &e.OrgID, &kind, &e.Reason, &e.Evidence, &e.StartsOn, &e.EndsOn, &e.DecidedBy, &e.CreatedAt); err != nil {
			return e, err
		}
		e.Kind, e.CreatedAt = xiangpei.Sanction(kind), e.CreatedAt.UTC()
		return e, nil
	})
}

// Sanctions lists the sanctions of an organisation within scope, newest start first.
func (db *DB) Sanctions(ctx context.Context, s xiangpei.Scope, orgID int64) ([]xiangpei.SanctionEntry, error) {
	sa := scopeOf(s)
	rows, err := db.orgChildren(ctx, s, orgID, `SELECT `+sanctionCols+`
		FROM sanctions x JOIN organisations o ON o.id = x.org_id
		WHERE x.org_id = $1 AND `+orgScope+` ORDER BY x.starts_on DESC, x.created_at DESC, x.id`,
		orgID, sa.all, sa.region, sa.org, sa.person)
	if err != nil {
		return nil, err
	}
	return scanSanctions(rows)
}

// OrgBlocked reports whether a sanction that forbids filing classes and claiming (suspension,
// removal, blacklist) is in force for the organisation at a moment, and which. It is the
// rule the filing and claiming paths ask, so it takes no scope.
func (db *DB) OrgBlocked(ctx context.Context, orgID int64, at time.Time) (bool, xiangpei.SanctionEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sanctionCols+` FROM sanctions x WHERE x.org_id = $1
		ORDER BY x.starts_on DESC, x.created_at DESC, x.id`, orgID)
	if err != nil {
		return false, xiangpei.SanctionEntry{}, err
	}
	list, err := scanSanctions(rows)
	if err != nil {
		return false, xiangpei.SanctionEntry{}, err
	}
	for _, e := range list {
		r, err := e.Record()
		if err != nil {
			return false, xiangpei.SanctionEntry{}, err
		}
		if _, blocked := xiangpei.BlockingSanction([]xiangpei.SanctionRecord{r}, at); blocked {
			return true, e, nil
		}
	}
	return false, xiangpei.SanctionEntry{}, nil
}
