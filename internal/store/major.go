package store

import (
	"context"
	"time"

	"xiangpei"
)

// A technical school's majors (专业, migration 00030): the school's staff keep them; anyone
// reads the majors of a school (they are published with its enrolment plans).

const majorCols = `id, school_id, code, name, years, level, occupation, skill_level, active, version`

func scanMajor(r scanner) (xiangpei.Major, error) {
	var m xiangpei.Major
	var level string
	err := r.Scan(&m.ID, &m.SchoolID, &m.Code, &m.Name, &m.Years, &level, &m.Occupation, &m.SkillLevel, &m.Active, &m.Version)
	m.Level = xiangpei.MajorLevel(level)
	return m, err
}

func schoolOnly(s xiangpei.Scope) error {
	if s.OrgID <= 0 {
		return xiangpei.Errorf(xiangpei.Forbidden, "school.staff_only", "Only a school's staff can do this.")
	}
	return nil
}

// SaveMajor writes one of the school's majors: a new one when m.ID is 0, else major m.ID at
// version. The occupation must be a 细类 of the catalogue; the code is unique in the school.
func (tx *Tx) SaveMajor(s xiangpei.Scope, m xiangpei.Major, version int) (xiangpei.Major, error) {
	if err := schoolOnly(s); err != nil {
		return m, err
	}
	if err := tx.require(xiangpei.Errorf(xiangpei.Forbidden, "school.staff_only", "Only a school's staff can do this."),
		`SELECT 1 FROM organisations WHERE id = $1 AND kind = 'school'`, s.OrgID); err != nil {
		return m, err
	}
	m.SchoolID = s.OrgID
	m, err := m.Validate()
	if err != nil {
		return m, err
	}
	if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "major.occupation_unknown", "%s is not an occupation (细类) of the catalogue.", m.Occupation),
		`SELECT 1 FROM occupations WHERE code = $1 AND depth = 4`, m.Occupation); err != nil {
		return m, err
	}
	dup := xiangpei.Errorf(xiangpei.Conflict, "major.code_taken", "The school already has a major with the code %s.", m.Code)
	if err := tx.refuse(dup, `SELECT 1 FROM majors WHERE school_id = $1 AND code = $2 AND id <> $3`, m.SchoolID, m.Code, m.ID); err != nil {
		return m, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	if m.ID == 0 {
		m.ID, m.Active = xiangpei.NewID(), true
		if _, err := tx.exec(`INSERT INTO majors (id, school_id, code, name, years, level, occupation, skill_level, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $9)`, m.ID, m.SchoolID, m.Code, m.Name, m.Years, string(m.Level),
			m.Occupation, m.SkillLevel, now); err != nil {
			return m, mapError(err, "Major")
		}
	} else if err := tx.execVersioned("Major", `SELECT 1 FROM majors WHERE id = $1`, m.ID,
		`UPDATE majors SET code = $1, name = $2, years = $3, level = $4, occupation = $5, skill_level = $6, active = $7,
		updated_at = $8, version = version + 1 WHERE id = $9 AND school_id = $10 AND version = $11`,
		m.Code, m.Name, m.Years, string(m.Level), m.Occupation, m.SkillLevel, m.Active, now, m.ID, m.SchoolID, version); err != nil {
		return m, err
	}
	if err := tx.Audit("major.save", "major", m.ID, "", map[string]any{"code": m.Code, "name": m.Name, "active": m.Active}); err != nil {
		return m, err
	}
	return scanMajor(tx.tx.QueryRowContext(tx.ctx, `SELECT `+majorCols+` FROM majors WHERE id = $1`, m.ID))
}

// Majors lists a school's majors by code; activeOnly leaves out those taking no new students.
func (db *DB) Majors(ctx context.Context, schoolID int64, activeOnly bool) ([]xiangpei.Major, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+majorCols+` FROM majors WHERE school_id = $1 AND (NOT $2 OR active) ORDER BY code`,
		schoolID, activeOnly)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanMajor)
}

// Major reads one major.
func (db *DB) Major(ctx context.Context, id int64) (xiangpei.Major, error) {
	m, err := scanMajor(db.read.QueryRowContext(ctx, `SELECT `+majorCols+` FROM majors WHERE id = $1`, id))
	return m, mapError(err, "Major")
}
