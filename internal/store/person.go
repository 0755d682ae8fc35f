package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// personCols are the columns scanPerson reads, in its order.
const personCols = `p.id, p.id_number, p.name, p.sex, p.birth_date, p.phone, p.household, p.county,
	p.employment, p.created_at, p.updated_at, p.version`

// personScope restricts persons p to a scope whose scopeArgs are passed as $2..$5: officers by
// county, a person only themself; organisation staff see no one through the registry (their
// view of people comes through their own rosters and applications).
const personScope = `($2 OR p.county LIKE $3) AND CAST($4 AS BIGINT) = 0 AND (CAST($5 AS BIGINT) = 0 OR p.id = $5)`

// scanner is a row or rows positioned on a row.

func scanPerson(r scanner) (xiangpei.Person, error) {
	var p xiangpei.Person
	var id, sex string
	err := r.Scan(&p.ID, &id, &p.Name, &sex, &p.BirthDate, &p.Phone, &p.Household, &p.County,
		&p.Employment, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	p.IDNumber, p.Sex = xiangpei.IDNumber(id), xiangpei.Sex(sex)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// personAudit is the audit detail of a person: masked values only, never a full ID number or phone.
func personAudit(p xiangpei.Person) map[string]any {
	return map[string]any{"id_number": p.MaskedID(), "name": xiangpei.MaskName(p.Name), "phone": p.MaskedPhone(), "county": p.County}
}

func errDuplicateID() error {
	return xiangpei.Errorf(xiangpei.Conflict, "person.duplicate_id", "This ID number is already registered, so there is no need to register again. Sign in, or look up the existing record.")
}

// CreatePerson registers a person validated by PersonInput.Validate. One person, one ID number:
// a second registration of the same number is a Conflict and writes nothing.
func (tx *Tx) CreatePerson(p xiangpei.Person) (xiangpei.Person, error) {
	id, err := xiangpei.ParseIDNumber(string(p.IDNumber), tx.Now)
	if err != nil {
		return xiangpei.Person{}, err
	}
	// Birth date and sex always come from the ID number.
	p.IDNumber, p.Sex, p.BirthDate = id, id.Sex(), id.Birth().Format(time.DateOnly)
	if p.Employment == "" {
		p.Employment = xiangpei.EmploymentUnknown
	}
	if p.Name == "" {
		return xiangpei.Person{}, xiangpei.Errorf(xiangpei.Invalid, "person.name", "Give the full name as written on the ID card: 2 to 30 Chinese characters or letters, with · between the parts of a foreign or minority name.")
	}
	c, err := xiangpei.PersonChange{Phone: p.Phone, Household: p.Household, County: p.County, Employment: p.Employment}.Validate(nil)
	if err != nil {
		return xiangpei.Person{}, err
	}
	p.Phone, p.Household, p.County, p.Employment = c.Phone, c.Household, c.County, c.Employment
	if err := tx.refuse(errDuplicateID(), `SELECT 1 FROM persons WHERE id_number = $1`, string(p.IDNumber)); err != nil {
		return xiangpei.Person{}, err
	}
	p.ID = xiangpei.NewID()
	now := tx.Now.Truncate(time.Microsecond)
	p.CreatedAt, p.UpdatedAt, p.Version = now, now, 1
	if _, err := tx.exec(`INSERT INTO persons (id, id_number, name, sex, birth_date, phone, household, county,
		employment, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		p.ID, string(p.IDNumber), p.Name, string(p.Sex), p.BirthDate, p.Phone, p.Household, p.County,
		p.Employment, p.CreatedAt, p.UpdatedAt, p.Version); err != nil {
		if xiangpei.IsKind(mapError(err, "Person"), xiangpei.Conflict) {
			return xiangpei.Person{}, errDuplicateID() // a concurrent registration won the race
		}
		return xiangpei.Person{}, err
	}
	if err := tx.Audit("person.create", "person", p.ID, p.County, personAudit(p)); err != nil {
		return xiangpei.Person{}, err
	}
	return p, nil
}

func personWhere(ctx context.Context, q querier, s xiangpei.Scope, cond string, arg any) (xiangpei.Person, error) {
	sa := scopeOf(s)
	p, err := scanPerson(q.QueryRowContext(ctx, `SELECT `+personCols+` FROM persons p WHERE `+cond+` AND `+personScope,
		arg, sa.all, sa.region, sa.org, sa.person))
	if err != nil {
		return xiangpei.Person{}, mapError(err, "Person")
	}
	return p, nil
}

// PersonByIDNumber finds the person with an ID number within scope; outside it, NotFound.
func (db *DB) PersonByIDNumber(ctx context.Context, s xiangpei.Scope, id xiangpei.IDNumber) (xiangpei.Person, error) {
	return personWhere(ctx, db.read, s, `p.id_number = $1`, string(id))
}

// Person reads a person within scope; another region's or another person's entry is NotFound.
func (db *DB) Person(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.Person, error) {
	return personWhere(ctx, db.read, s, `p.id = $1`, id)
}

// Person reads a person within scope inside the transaction.
func (tx *Tx) Person(s xiangpei.Scope, id int64) (xiangpei.Person, error) {
	return personWhere(tx.ctx, tx.tx, s, `p.id = $1`, id)
}

// regEscapeLike escapes the LIKE wildcards of s for use with ESCAPE '\'.
func regEscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// SearchPersons lists persons within scope whose name contains q, or whose ID number or phone
// is exactly q (after normalisation); an empty q lists everyone in scope. Ordered by name, id;
// the int is the total number of matches.
func (db *DB) SearchPersons(ctx context.Context, s xiangpei.Scope, q string, page Page) ([]xiangpei.Person, int, error) {
	q = strings.TrimSpace(q)
	idq, phone := strings.ToUpper(q), q
	if id, err := xiangpei.ParseIDNumber(q, db.Now()); err == nil {
		idq = string(id)
	}
	if m, err := xiangpei.ParseMobile(q); err == nil {
		phone = m
	}
	sa := scopeOf(s)
	const where = ` FROM persons p WHERE ($1 = '' OR lower(p.name) LIKE lower($6) ESCAPE '\' OR p.id_number = $7 OR p.phone = $8)
		AND ` + personScope
	args := []any{q, sa.all, sa.region, sa.org, sa.person, "%" + regEscapeLike(q) + "%", idq, phone}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+personCols+where+` ORDER BY p.name, p.id LIMIT $9 OFFSET $10`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanPerson)
	return out, total, err
}

// UpdatePerson changes the phone, household type, county and employment status of a person
// within scope, if nobody changed it since version.
func (tx *Tx) UpdatePerson(s xiangpei.Scope, id, version int64, phone, household, county, employment string) (xiangpei.Person, error) {
	cur, err := tx.Person(s, id)
	if err != nil {
		return xiangpei.Person{}, err
	}
	c, err := xiangpei.PersonChange{Phone: phone, Household: household, County: county, Employment: employment}.Validate(nil)
	if err != nil {
		return xiangpei.Person{}, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	sa := scopeOf(s)
	if err := tx.execVersioned("Person", `SELECT 1 FROM persons WHERE id = $1`, id,
		`UPDATE persons SET phone = $6, household = $7, county = $8, employment = $9, updated_at = $10, version = version + 1
		WHERE id = $1 AND version = $11 AND id IN (SELECT p.id FROM persons p WHERE p.id = $1 AND `+personScope+`)`,
		id, sa.all, sa.region, sa.org, sa.person, c.Phone, c.Household, c.County, c.Employment, now, version); err != nil {
		return xiangpei.Person{}, err
	}
	changed := map[string]any{"id_number": cur.MaskedID()}
	if c.Phone != cur.Phone {
		changed["phone"] = xiangpei.MaskPhone(c.Phone)
	}
	if c.Household != cur.Household {
		changed["household"] = c.Household
	}
	if c.County != cur.County {
		changed["county"], changed["county_from"] = c.County, cur.County
	}
	if c.Employment != cur.Employment {
		changed["employment"] = c.Employment
	}
	if err := tx.Audit("person.update", "person", id, c.County, changed); err != nil {
		return xiangpei.Person{}, err
	}
	cur.Phone, cur.Household, cur.County, cur.Employment = c.Phone, c.Household, c.County, c.Employment
	cur.UpdatedAt, cur.Version = now, version+1
	return cur, nil
}

// AddKeyGroup records, with its evidence, that a person within scope belongs to a key group;
// the verifier is the transaction's actor.
func (tx *Tx) AddKeyGroup(s xiangpei.Scope, m xiangpei.KeyGroupMembership) (xiangpei.KeyGroupMembership, error) {
	m, err := m.Validate()
	if err != nil {
		return m, err
	}
	p, err := tx.Person(s, m.PersonID)
	if err != nil {
		return m, err
	}
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT sensitive FROM key_groups WHERE code = $1`, m.Group).Scan(&m.Sensitive); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return m, xiangpei.Errorf(xiangpei.Invalid, "keygroup.unknown", "There is no such key group: choose one from the list.")
		}
		return m, err
	}
	dup := xiangpei.Errorf(xiangpei.Conflict, "keygroup.duplicate", "This person is already recorded in this key group.")
	if err := tx.refuse(dup, `SELECT 1 FROM key_group_members WHERE person_id = $1 AND group_code = $2`, m.PersonID, m.Group); err != nil {
		return m, err
	}
	m.ID, m.VerifiedBy, m.VerifiedAt = xiangpei.NewID(), tx.Actor.AccountID, tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO key_group_members (id, person_id, group_code, detail, evidence, verified_by, verified_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, m.ID, m.PersonID, m.Group, m.Detail, m.Evidence, m.VerifiedBy, m.VerifiedAt); err != nil {
		if xiangpei.IsKind(mapError(err, "Key group membership"), xiangpei.Conflict) {
			return m, dup
		}
		return m, err
	}
	// Evidence and detail may quote certificate numbers (a disability certificate number
	// contains the ID number), so the audit records only which group and which entry.
	if err := tx.Audit("person.key_group_add", "person", p.ID, p.County,
		map[string]any{"id_number": p.MaskedID(), "group": m.Group, "membership": m.ID}); err != nil {
		return m, err
	}
	return m, nil
}

// KeyGroups lists the key groups of a person within scope; a person outside it is NotFound.
func (db *DB) KeyGroups(ctx context.Context, s xiangpei.Scope, personID int64) ([]xiangpei.KeyGroupMembership, error) {
	if _, err := db.Person(ctx, s, personID); err != nil {
		return nil, err
	}
	sa := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.person_id, m.group_code, m.detail, m.evidence, m.verified_by,
		m.verified_at, g.sensitive
		FROM key_group_members m JOIN persons p ON p.id = m.person_id JOIN key_groups g ON g.code = m.group_code
		WHERE m.person_id = $1 AND `+personScope+` ORDER BY m.group_code`,
		personID, sa.all, sa.region, sa.org, sa.person)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (xiangpei.KeyGroupMembership, error) {
		var m xiangpei.KeyGroupMembership
		if err := r.Scan(&m.ID, &m.PersonID, &m.Group, &m.Detail, &m.Evidence, &m.VerifiedBy, &m.VerifiedAt, &m.Sensitive); err != nil {
			return m, err
		}
		m.VerifiedAt = m.VerifiedAt.UTC()
		return m, nil
	})
}

// RemoveKeyGroup removes a key-group membership of a person within scope, with a reason that
// goes into the audit trail.
func (tx *Tx) RemoveKeyGroup(s xiangpei.Scope, personID, membershipID int64, reason string) error {
	if err := xiangpei.CheckRemovalReason(reason); err != nil {
		return err
	}
	p, err := tx.Person(s, personID)
	if err != nil {
		return err
	}
	tx.changed = true
	var group string
	if err := tx.tx.QueryRowContext(tx.ctx, `DELETE FROM key_group_members WHERE id = $1 AND person_id = $2 RETURNING group_code`,
		membershipID, personID).Scan(&group); err != nil {
		return mapError(err, "Key group membership")
	}
	return tx.Audit("person.key_group_remove", "person", p.ID, p.County,
		map[string]any{"id_number": p.MaskedID(), "group": group, "membership": membershipID, "reason": strings.TrimSpace(reason)})
}

// LogUnmask records that the actor is shown a person's full ID number or phone, and why, and
// returns the person unmasked; the caller shows the value once.
func (tx *Tx) LogUnmask(s xiangpei.Scope, personID int64, field, reason string) (xiangpei.Person, error) {
	if err := xiangpei.CheckUnmaskReason(field, reason); err != nil {
		return xiangpei.Person{}, err
	}
	p, err := tx.Person(s, personID)
	if err != nil {
		return xiangpei.Person{}, err
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 500 {
		reason = string([]rune(reason)[:500])
	}
	if err := tx.Audit("person.unmask", "person", p.ID, p.County,
		map[string]any{"id_number": p.MaskedID(), "field": field, "reason": reason}); err != nil {
		return xiangpei.Person{}, err
	}
	return p, nil
}
