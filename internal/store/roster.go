package store

import (
	"context"
	"time"

	"xiangpei"
)

// 培 — the roster of a class (学员名册): who is on it, added one by one, by import or by
// enrolling themselves.

const traineeCols = `r.id, r.class_id, r.person_id, p.name, p.id_number, p.phone, r.source, r.status, r.subsidised,
	r.attended_minutes, r.rating, r.rating_comment, r.added_at, r.version`

func scanTrainee(r scanner) (xiangpei.Trainee, error) {
	var t xiangpei.Trainee
	var id, status string
	err := r.Scan(&t.ID, &t.ClassID, &t.PersonID, &t.Name, &id, &t.Phone, &t.Source, &status, &t.Subsidised,
		&t.AttendedMinutes, &t.Rating, &t.RatingComment, &t.AddedAt, &t.Version)
	t.IDNumber, t.Status, t.AddedAt = xiangpei.IDNumber(id), xiangpei.TraineeStatus(status), t.AddedAt.UTC()
	return t, err
}

// Trainees lists the roster of a class within scope (a person in scope sees only their own
// row), ordered by name.
func (db *DB) Trainees(ctx context.Context, s xiangpei.Scope, classID int64) ([]xiangpei.Trainee, error) {
	if _, err := db.Class(ctx, s, classID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+traineeCols+` FROM trainees r JOIN persons p ON p.id = r.person_id
		WHERE r.class_id = $1 AND (CAST($2 AS BIGINT) = 0 OR r.person_id = $2) ORDER BY p.name, r.id`, classID, s.PersonID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanTrainee)
}

// insertTrainee writes a roster row for a person already found eligible, and counts it on the
// class. The class's capacity is enforced here, in the same statement that counts, so that two
// enrolments at the same moment cannot both take the last seat.
func (tx *Tx) insertTrainee(c xiangpei.Class, personID int64, source string) (xiangpei.Trainee, error) {
	now := tx.Now.Truncate(time.Microsecond)
	r, err := tx.exec(`UPDATE classes SET enrolled = enrolled + 1 WHERE id = $1 AND enrolled < capacity`, c.ID)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return xiangpei.Trainee{}, xiangpei.Errorf(xiangpei.Conflict, "roster.full", "The class is full: all %v places are taken.", c.Capacity)
	}
	t := xiangpei.Trainee{ID: xiangpei.NewID(), ClassID: c.ID, PersonID: personID, Source: source,
		Status: xiangpei.TraineeEnrolled, Subsidised: c.Subsidised(), AddedAt: now, Version: 1}
	if _, err := tx.exec(`INSERT INTO trainees (id, class_id, person_id, source, status, subsidised, occupation_code, level,
		year, added_by, added_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		t.ID, c.ID, personID, source, string(t.Status), t.Subsidised, c.OccupationCode, c.Level,
		c.FirstSession.In(chinaTime).Year(), tx.Actor.AccountID, now, now, int64(1)); err != nil {
		if xiangpei.IsKind(mapError(err, "Trainee"), xiangpei.Conflict) {
			return t, xiangpei.Errorf(xiangpei.Conflict, "roster.duplicate", "This person is already on the roster.")
		}
		return t, err
	}
	return t, nil
}

// AddTrainee puts a person on the roster of a class within scope. The class must still take
// trainees (from draft until its last session has begun). Eligibility is checked by the roster
// rules before the row is written.
func (tx *Tx) AddTrainee(s xiangpei.Scope, classID, personID int64, source string) (xiangpei.Trainee, error) {
	c, err := tx.Class(s, classID)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	switch c.Status {
	case xiangpei.ClassDraft, xiangpei.ClassReturned, xiangpei.ClassFiled, xiangpei.ClassApproved, xiangpei.ClassInProgress:
	default:
		return xiangpei.Trainee{}, xiangpei.Errorf(xiangpei.Conflict, "roster.closed", "This class no longer takes trainees.")
	}
	t, err := tx.insertTrainee(c, personID, source)
	if err != nil {
		return t, err
	}
	if err := tx.Audit("roster.add", "class", c.ID, c.County, map[string]any{"trainee": t.ID, "person": personID, "source": source}); err != nil {
		return t, err
	}
	return t, nil
}
