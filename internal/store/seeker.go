package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"xiangpei"
)

// 人岗匹配 — seekers' profiles (migration 00024, docs/matching.md "In the application"). A
// person keeps preferences (occupations, counties, a salary floor, work types, when they are
// available, optionally a place); the verified part of the profile is read from the record:
// valid certificates, completed classes, competition awards. Only persons who saved
// preferences are seekers (employers search them); the readers below build
// xiangpei.SeekerProfile values set-wise for loading the matching index, and one at a time for
// keeping it up to date.

// SeekerPrefs is a person's own job-seeking preferences.
type SeekerPrefs struct {
	PersonID      int64
	Occupations   []string
	Counties      []string
	WantFen       int64
	WantUnit      xiangpei.SalaryUnit
	WorkTypes     []xiangpei.WorkType
	Skills        []string // named by the person (not verified)
	AvailableFrom string   // a day, "" for now
	HasPlace      bool
	Lat, Lng      float64
	UpdatedAt     time.Time
	Version       int // 0: never saved
}

const prefCols = `person_id, occupations, counties, salary_fen, salary_unit, work_types, available_from, has_place, lat, lng, updated_at, version, skills`

func scanPrefs(r scanner) (SeekerPrefs, error) {
	var p SeekerPrefs
	var occ, counties, unit, wts, skills string
	if err := r.Scan(&p.PersonID, &occ, &counties, &p.WantFen, &unit, &wts, &p.AvailableFrom, &p.HasPlace, &p.Lat, &p.Lng,
		&p.UpdatedAt, &p.Version, &skills); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(skills), &p.Skills); err != nil {
		return p, err
	}
	p.WantUnit, p.UpdatedAt = xiangpei.SalaryUnit(unit), p.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(occ), &p.Occupations); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(counties), &p.Counties); err != nil {
		return p, err
	}
	return p, json.Unmarshal([]byte(wts), &p.WorkTypes)
}

// SeekerPrefsOf reads a person's preferences; a person who never saved any gets empty ones
// (Version 0).
func (db *DB) SeekerPrefsOf(ctx context.Context, personID int64) (SeekerPrefs, error) {
	p, err := scanPrefs(db.read.QueryRowContext(ctx, `SELECT `+prefCols+` FROM seeker_preferences WHERE person_id = $1`, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return SeekerPrefs{PersonID: personID, WantUnit: xiangpei.PerMonth}, nil
	}
	return p, err
}

// SaveSeekerPrefs writes the person's own preferences at version (0 for the first save).
func (tx *Tx) SaveSeekerPrefs(s xiangpei.Scope, p SeekerPrefs, version int) (SeekerPrefs, error) {
	if s.PersonID <= 0 {
		return p, xiangpei.Errorf(xiangpei.Forbidden, "matches.person_only", "Only the person themself can change their job-seeking preferences.")
	}
	p.PersonID = s.PersonID
	p.Occupations, p.Counties, p.Skills = cleanList(p.Occupations), cleanList(p.Counties), cleanList(p.Skills)
	if p.WantUnit == "" {
		p.WantUnit = xiangpei.PerMonth
	}
	switch {
	case !p.WantUnit.Valid():
		return p, xiangpei.Errorf(xiangpei.Invalid, "matches.bad_unit", "Choose month, day or hour for the salary.")
	case p.WantFen < 0:
		return p, xiangpei.Errorf(xiangpei.Invalid, "matches.bad_salary", "The salary floor cannot be negative.")
	case len(p.Occupations) > 10 || len(p.Counties) > 20:
		return p, xiangpei.Errorf(xiangpei.Invalid, "matches.too_many", "Name at most 10 occupations and 20 counties.")
	case len(p.Skills) > 20 || slices.ContainsFunc(p.Skills, func(x string) bool { return len([]rune(x)) > 20 }):
		return p, xiangpei.Errorf(xiangpei.Invalid, "matches.too_many_skills", "Name at most 20 skills, each in at most 20 characters.")
	case p.HasPlace && (p.Lat < -90 || p.Lat > 90 || p.Lng < -180 || p.Lng > 180):
		return p, xiangpei.Errorf(xiangpei.Invalid, "matches.bad_place", "The place is not a valid latitude and longitude.")
	}
	if p.AvailableFrom != "" {
		if _, err := time.Parse(time.DateOnly, p.AvailableFrom); err != nil {
			return p, xiangpei.Errorf(xiangpei.Invalid, "matches.bad_day", "Give the day you are available from as YYYY-MM-DD.")
		}
	}
	for _, w := range p.WorkTypes {
		if !w.Valid() {
			return p, xiangpei.Errorf(xiangpei.Invalid, "matches.bad_work_type", "Choose work types from the list.")
		}
	}
	for _, o := range p.Occupations {
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "matches.bad_occupation", "%s is not an occupation code of the catalogue.", o),
			`SELECT 1 FROM occupations WHERE code = $1`, o); err != nil {
			return p, err
		}
	}
	if !p.HasPlace {
		p.Lat, p.Lng = 0, 0
	}
	if p.WorkTypes == nil {
		p.WorkTypes = []xiangpei.WorkType{}
	}
	now := tx.Now.Truncate(time.Microsecond)
	args := []any{p.PersonID, jsonText(p.Occupations), jsonText(p.Counties), p.WantFen, string(p.WantUnit), jsonText(p.WorkTypes),
		p.AvailableFrom, p.HasPlace, p.Lat, p.Lng, now, jsonText(p.Skills)}
	if version == 0 {
		if err := tx.refuse(xiangpei.StaleVersion(), `SELECT 1 FROM seeker_preferences WHERE person_id = $1`, p.PersonID); err != nil {
			return p, err
		}
		if _, err := tx.exec(`INSERT INTO seeker_preferences (`+prefCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12)`,
			args...); err != nil {
			return p, mapError(err, "SeekerPrefs")
		}
	} else if err := tx.execVersioned("SeekerPrefs", `SELECT 1 FROM seeker_preferences WHERE person_id = $1`, p.PersonID,
		`UPDATE seeker_preferences SET occupations = $2, counties = $3, salary_fen = $4, salary_unit = $5, work_types = $6,
		available_from = $7, has_place = $8, lat = $9, lng = $10, updated_at = $11, skills = $12, version = version + 1
		WHERE person_id = $1 AND version = $13`, append(args, version)...); err != nil {
		return p, err
	}
	if err := tx.Audit("seeker.preferences", "person", p.PersonID, "", map[string]any{"occupations": p.Occupations,
		"counties": p.Counties, "skills": p.Skills}); err != nil {
		return p, err
	}
	return scanPrefs(tx.tx.QueryRowContext(tx.ctx, `SELECT `+prefCols+` FROM seeker_preferences WHERE person_id = $1`, p.PersonID))
}

// VerifiedCredential is one verified entry of a person's record that matching uses.
type VerifiedCredential struct {
	PersonID   int64
	Kind       string // certificate, class, award, diploma
	Name       string // certificate number, class name, competition and event
	Occupation string
	Level      string // certificates; "" otherwise
	Award      string // awards: first, second, third, merit
	On         string
}

// The verified credentials of the persons $1 selects (a condition on person_id).
const (
	credCertSQL = `SELECT c.person_id, 'certificate', c.number, c.occupation_code, c.level, '', c.issued_on FROM certificates c
		WHERE c.status = 'valid' AND c.person_id IN (SELECT person_id FROM seeker_preferences) AND (CAST($1 AS BIGINT) = 0 OR c.person_id = $1)
		ORDER BY c.person_id, c.issued_on DESC, c.id DESC`
	credClassSQL = `SELECT t.person_id, 'class', cl.name, cl.occupation_code, '', '', cl.last_session FROM trainees t JOIN classes cl ON cl.id = t.class_id
		WHERE t.status = 'completed' AND t.person_id IN (SELECT person_id FROM seeker_preferences) AND (CAST($1 AS BIGINT) = 0 OR t.person_id = $1)
		ORDER BY t.person_id, cl.last_session DESC, t.id DESC`
	credAwardSQL = `SELECT x.person_id, 'award', c.name || ' · ' || e.name, e.occupation_code, '', x.award, c.ends_on FROM competition_entries x
		JOIN competitions c ON c.id = x.competition_id JOIN competition_events e ON e.id = x.event_id
		WHERE x.award <> '' AND c.status = 'published' AND x.person_id IN (SELECT person_id FROM seeker_preferences)
		AND (CAST($1 AS BIGINT) = 0 OR x.person_id = $1) ORDER BY x.person_id, c.ends_on DESC, x.id DESC`
	// 教→用: a technical school's diploma (docs/schools.md) is verified education in the major's
	// occupation, treated like a completed class.
	credDiplomaSQL = `SELECT d.person_id, 'diploma', o.name || ' · ' || m.name, m.occupation, '', '', d.graduated_on FROM diplomas d
		JOIN majors m ON m.id = d.major_id JOIN organisations o ON o.id = d.school_id
		WHERE d.person_id IN (SELECT person_id FROM seeker_preferences) AND (CAST($1 AS BIGINT) = 0 OR d.person_id = $1)
		ORDER BY d.person_id, d.graduated_on DESC, d.id DESC`
	// The records of a person without preferences are read by credentialsOfPerson.
)

func scanCred(r scanner) (VerifiedCredential, error) {
	var c VerifiedCredential
	var on any
	if err := r.Scan(&c.PersonID, &c.Kind, &c.Name, &c.Occupation, &c.Level, &c.Award, &on); err != nil {
		return c, err
	}
	switch v := on.(type) {
	case time.Time:
		c.On = xiangpei.ChinaDate(v)
	case string:
		c.On = v
		if len(v) > 10 {
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				c.On = xiangpei.ChinaDate(t)
			} else {
				c.On = v[:10]
			}
		}
	case []byte:
		c.On = string(v)
		if len(c.On) > 10 {
			c.On = c.On[:10]
		}
	}
	return c, nil
}

func (db *DB) credentials(ctx context.Context, personID int64, onlySeekers bool) ([]VerifiedCredential, error) {
	var out []VerifiedCredential
	for _, q := range []string{credCertSQL, credClassSQL, credAwardSQL, credDiplomaSQL} {
		if !onlySeekers {
			q = strings.Replace(q, ` IN (SELECT person_id FROM seeker_preferences)`, ` IS NOT NULL`, 1)
		}
		rows, err := db.read.QueryContext(ctx, q, personID)
		if err != nil {
			return nil, err
		}
		cs, err := collect(rows, scanCred)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// VerifiedCredentials lists a person's valid certificates, completed classes and competition
// awards, each marked verified on the profile page.
func (db *DB) VerifiedCredentials(ctx context.Context, personID int64) ([]VerifiedCredential, error) {
	if personID <= 0 {
		return nil, nil
	}
	return db.credentials(ctx, personID, false)
}

// BuildSeekerProfile makes the matching profile of preferences and verified credentials:
// occupations verified first (certificates, completed classes, awards, in that order), then the
// wished ones; the level is the highest of the valid certificates; the certificates held are
// named by the certificate's occupation name (as a posting names the certificate it asks for,
// e.g. 焊工) and by its occupation code; the skills are the names of the verified occupations
// (a certified or trained 焊工 has the skill 焊工), then those the person names.
func BuildSeekerProfile(p SeekerPrefs, creds []VerifiedCredential, occNames map[string]string) xiangpei.SeekerProfile {
	s := xiangpei.SeekerProfile{PersonID: p.PersonID, Counties: p.Counties, Lat: p.Lat, Lng: p.Lng, HasPlace: p.HasPlace,
		WantFen: p.WantFen, WantUnit: p.WantUnit, WorkTypes: p.WorkTypes}
	add := func(list []string, v string) []string {
		if v == "" || slices.Contains(list, v) {
			return list
		}
		return append(list, v)
	}
	for _, kind := range []string{"certificate", "class", "diploma", "award"} { // a diploma counts like a completed class
		for _, c := range creds {
			if c.Kind != kind {
				continue
			}
			s.Occupations = add(s.Occupations, c.Occupation)
			s.Skills = add(s.Skills, occNames[c.Occupation]) // a verified occupation is a skill: 焊工, 电工
			if kind == "certificate" {
				if s.Level == "" || (c.Level != "" && c.Level < s.Level) { // "1" is the highest grade
					s.Level = c.Level
				}
				s.Certificates = add(s.Certificates, occNames[c.Occupation])
				s.Certificates = add(s.Certificates, c.Occupation)
			}
		}
	}
	for _, o := range p.Occupations {
		s.Occupations = add(s.Occupations, o)
	}
	for _, k := range p.Skills {
		s.Skills = add(s.Skills, k)
	}
	return s
}

func (db *DB) occupationNames(ctx context.Context) (map[string]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT code, name FROM occupations`)
	if err != nil {
		return nil, err
	}
	type pair struct{ code, name string }
	ps, err := collect(rows, func(r scanner) (pair, error) {
		var p pair
		return p, r.Scan(&p.code, &p.name)
	})
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.code] = p.name
	}
	return m, err
}

// SeekerProfiles builds the profile of every person who saved preferences, set-wise (four
// queries whatever their number), ordered by person id: what the matching index loads.
func (db *DB) SeekerProfiles(ctx context.Context) ([]xiangpei.SeekerProfile, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefCols+` FROM seeker_preferences ORDER BY person_id`)
	if err != nil {
		return nil, err
	}
	prefs, err := collect(rows, scanPrefs)
	if err != nil {
		return nil, err
	}
	creds, err := db.credentials(ctx, 0, true)
	if err != nil {
		return nil, err
	}
	names, err := db.occupationNames(ctx)
	if err != nil {
		return nil, err
	}
	by := map[int64][]VerifiedCredential{}
	for _, c := range creds {
		by[c.PersonID] = append(by[c.PersonID], c)
	}
	out := make([]xiangpei.SeekerProfile, 0, len(prefs))
	for _, p := range prefs {
		out = append(out, BuildSeekerProfile(p, by[p.PersonID], names))
	}
	return out, nil
}

// SeekerProfile builds one person's profile; ok is false when they saved no preferences (they
// are not a seeker employers can find, but can still see their own matches).
func (db *DB) SeekerProfile(ctx context.Context, personID int64) (profile xiangpei.SeekerProfile, ok bool, err error) {
	p, err := db.SeekerPrefsOf(ctx, personID)
	if err != nil {
		return profile, false, err
	}
	creds, err := db.VerifiedCredentials(ctx, personID)
	if err != nil {
		return profile, false, err
	}
	names, err := db.occupationNames(ctx)
	if err != nil {
		return profile, false, err
	}
	return BuildSeekerProfile(p, creds, names), p.Version > 0, nil
}

// openPostingCond selects the postings open today: published and not past their last day.
const openPostingCond = ` WHERE j.status = 'published' AND j.valid_to >= $1`

// OpenPostings reads every open posting (published, not expired), ordered by id: what the
// matching index loads.
func (db *DB) OpenPostings(ctx context.Context) ([]xiangpei.JobPosting, error) {
	now := db.Now()
	rows, err := db.read.QueryContext(ctx, `SELECT `+postingCols+postingFrom+openPostingCond+` ORDER BY j.id`, xiangpei.ChinaDate(now))
	if err != nil {
		return nil, err
	}
	ps, err := collect(rows, scanPostingAt(now))
	out := make([]xiangpei.JobPosting, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.JobPosting)
	}
	return out, err
}

// OpenPosting reads one posting for the index: ok is false when it is not open (a draft, under
// review, closed, expired or gone), and the index should drop it.
func (db *DB) OpenPosting(ctx context.Context, id int64) (xiangpei.JobPosting, bool, error) {
	now := db.Now()
	p, err := scanPostingAt(now)(db.read.QueryRowContext(ctx, `SELECT `+postingCols+postingFrom+openPostingCond+` AND j.id = $2`,
		xiangpei.ChinaDate(now), id))
	if errors.Is(err, sql.ErrNoRows) {
		return xiangpei.JobPosting{}, false, nil
	}
	if err != nil {
		return xiangpei.JobPosting{}, false, err
	}
	return p.JobPosting, p.Open(now), nil
}

// SeekerCard is what an employer sees of a matching seeker: the name and the masked ID number
// (the full number is never read here), the wished counties and the verified occupations.
type SeekerCard struct {
	PersonID int64
	Name     string
	MaskedID string
}

// SeekerCards reads the cards of the persons ids who saved preferences (others are left out).
func (db *DB) SeekerCards(ctx context.Context, ids []int64) (map[int64]SeekerCard, error) {
	out := map[int64]SeekerCard{}
	for _, chunk := range inChunks(ids, 0) {
		rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.name, p.id_number FROM persons p
			JOIN seeker_preferences sp ON sp.person_id = p.id WHERE p.id IN (`+inList(1)+`)`, chunk...)
		if err != nil {
			return nil, err
		}
		cs, err := collect(rows, func(r scanner) (SeekerCard, error) {
			var c SeekerCard
			var id string
			err := r.Scan(&c.PersonID, &c.Name, &id)
			c.MaskedID = xiangpei.IDNumber(id).Masked()
			return c, err
		})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[c.PersonID] = c
		}
	}
	return out, nil
}

// The seekers among the persons an event of the record touches: the candidates of an
// assessment plan, the trainees of a class, the entrants of a competition. When their record
// changes (results published, a class closed, awards published) their matching profiles are
// read again.
const (
	SeekersOfPlan        = `SELECT DISTINCT person_id FROM candidates WHERE plan_id = $1 AND person_id IN (SELECT person_id FROM seeker_preferences)`
	SeekersOfClass       = `SELECT DISTINCT person_id FROM trainees WHERE class_id = $1 AND person_id IN (SELECT person_id FROM seeker_preferences)`
	SeekersOfCompetition = `SELECT DISTINCT person_id FROM competition_entries WHERE competition_id = $1 AND person_id IN (SELECT person_id FROM seeker_preferences)`
)

// SeekersOf lists the seekers that one of the queries above selects for id.
func (db *DB) SeekersOf(ctx context.Context, query string, id int64) ([]int64, error) {
	switch query {
	case SeekersOfPlan, SeekersOfClass, SeekersOfCompetition:
	default:
		return nil, errors.New("store: SeekersOf takes one of the SeekersOf… queries")
	}
	rows, err := db.read.QueryContext(ctx, query, id)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (int64, error) {
		var id int64
		err := r.Scan(&id)
		return id, err
	})
}
