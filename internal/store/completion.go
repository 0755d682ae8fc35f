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

// 培 — completion (结业, SPEC §4.5): closing a class decides for every trainee whether they
// completed it; the last-day quality rating; a person's classes for their lifelong record.

// CompletionLine is one trainee's outcome when a class closes.
type CompletionLine struct {
	Trainee xiangpei.Trainee
	RatePct int
	Outcome xiangpei.TraineeStatus // completed, not_completed, or withdrawn (unchanged)
}

// completionOutcome is the state a trainee ends in when the class closes.
func completionOutcome(t xiangpei.Trainee, planned int, r xiangpei.Rules) xiangpei.TraineeStatus {
	if t.Status == xiangpei.TraineeWithdrawn {
		return t.Status
	}
	if xiangpei.Completes(t.AttendedMinutes, planned, r) {
		return xiangpei.TraineeCompleted
	}
	return xiangpei.TraineeNotCompleted
}

// CompletionPreview says what closing the class would decide for each trainee, without
// changing anything.
func (db *DB) CompletionPreview(ctx context.Context, s xiangpei.Scope, classID int64) (xiangpei.Class, []CompletionLine, error) {
	c, err := db.Class(ctx, s, classID)
	if err != nil {
		return c, nil, err
	}
	ts, err := db.TraineesOf(ctx, s, c)
	if err != nil {
		return c, nil, err
	}
	return c, completionLines(c, ts, db.Rules()), nil
}

func completionLines(c xiangpei.Class, ts []xiangpei.Trainee, r xiangpei.Rules) []CompletionLine {
	planned := c.PlannedMinutes()
	out := make([]CompletionLine, 0, len(ts))
	for _, t := range ts {
		out = append(out, CompletionLine{Trainee: t, RatePct: xiangpei.RatePct(t.AttendedMinutes, planned),
			Outcome: completionOutcome(t, planned, r)})
	}
	return out
}

// CloseClass closes a class of the institution within scope at the given version (结业): the
// class must be in progress and its last session over; every trainee on the roster becomes
// completed or not_completed by their attendance against the threshold (withdrawn trainees
// stay withdrawn), all in one transaction with the class's history and the audit trail.
func (tx *Tx) CloseClass(s xiangpei.Scope, classID, version int64) (xiangpei.Class, []CompletionLine, error) {
	c, err := tx.Class(s, classID)
	if err != nil {
		return c, nil, err
	}
	if s.OrgID == 0 || s.OrgID != c.OrgID {
		return c, nil, xiangpei.Errorf(xiangpei.Forbidden, "class.institution_only", "Only the institution that files the class can do this.")
	}
	if c.Version != version {
		return c, nil, xiangpei.StaleVersion()
	}
	next, err := c.Status.Next(xiangpei.ClassClose)
	if err != nil {
		return c, nil, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	if now.Before(c.LastSession) {
		return c, nil, xiangpei.Errorf(xiangpei.Conflict, "completion.too_early",
			"A class closes after its last session has ended, on %v.", c.LastSession.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"))
	}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+traineeCols+` FROM trainees r JOIN persons p ON p.id = r.person_id
		WHERE r.class_id = $1 ORDER BY p.name, r.id`, classID)
	if err != nil {
		return c, nil, err
	}
	ts, err := collect(rows, scanTrainee)
	if err != nil {
		return c, nil, err
	}
	lines := completionLines(c, ts, tx.db.Rules())
	counts := map[xiangpei.TraineeStatus]int{}
	for i, l := range lines {
		counts[l.Outcome]++
		if l.Outcome == l.Trainee.Status {
			continue
		}
		if _, err := tx.exec(`UPDATE trainees SET status = $2, updated_at = $3, version = version + 1 WHERE id = $1`,
			l.Trainee.ID, string(l.Outcome), now); err != nil {
			return c, nil, err
		}
		lines[i].Trainee.Status, lines[i].Trainee.Version = l.Outcome, l.Trainee.Version+1
	}
	if err := tx.execVersioned("Class", `SELECT 1 FROM classes WHERE id = $1`, classID,
		`UPDATE classes SET status = $3, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2`,
		classID, version, string(next), now); err != nil {
		return c, nil, err
	}
	if err := tx.classHistory(classID, string(xiangpei.ClassClose), ""); err != nil {
		return c, nil, err
	}
	if err := tx.Audit("class.close", "class", classID, c.County, map[string]any{"from": c.Status, "to": next,
		"completed": counts[xiangpei.TraineeCompleted], "not_completed": counts[xiangpei.TraineeNotCompleted],
		"withdrawn": counts[xiangpei.TraineeWithdrawn], "planned_minutes": c.PlannedMinutes()}); err != nil {
		return c, nil, err
	}
	c.Status, c.UpdatedAt, c.Version = next, now, version+1
	return c, lines, nil
}

// recomputeCompletion decides completion again for trainees of a closed class after their
// hours changed (an approved amendment). It returns how many changed state.
func (tx *Tx) recomputeCompletion(c xiangpei.Class, personIDs ...int64) (int, error) {
	if c.Status != xiangpei.ClassClosed {
		return 0, nil
	}
	planned, r := c.PlannedMinutes(), tx.db.Rules()
	changed := 0
	for _, pid := range personIDs {
		t, err := scanTrainee(tx.tx.QueryRowContext(tx.ctx, `SELECT `+traineeCols+` FROM trainees r JOIN persons p ON p.id = r.person_id
			WHERE r.class_id = $1 AND r.person_id = $2`, c.ID, pid))
		if err != nil {
			return changed, mapError(err, "Trainee")
		}
		if t.Status != xiangpei.TraineeCompleted && t.Status != xiangpei.TraineeNotCompleted {
			continue
		}
		next := completionOutcome(t, planned, r)
		if next == t.Status {
			continue
		}
		if _, err := tx.exec(`UPDATE trainees SET status = $2, updated_at = $3, version = version + 1 WHERE id = $1`,
			t.ID, string(next), tx.Now.Truncate(time.Microsecond)); err != nil {
			return changed, err
		}
		changed++
	}
	return changed, nil
}

// ---- the last-day rating ----

// RatingDays is how long after a class's end its trainees may still give or change a rating.
const RatingDays = 7

// RatingWindow is when a class's trainees may rate it: from the start of its last session until
// RatingDays days after it ends.
func RatingWindow(c xiangpei.Class) (opens, closes time.Time) {
	for _, x := range c.Sessions {
		if x.Starts.After(opens) {
			opens = x.Starts
		}
	}
	if opens.IsZero() {
		opens = c.LastSession
	}
	return opens, c.LastSession.AddDate(0, 0, RatingDays)
}

// RatingSummary is the published average of a class's or an institution's ratings.
type RatingSummary struct {
	Count   int
	Average float64 // 0 when nobody has rated
}

func ratingSummary(row *sql.Row) (RatingSummary, error) {
	var r RatingSummary
	var sum int64
	if err := row.Scan(&r.Count, &sum); err != nil {
		return r, err
	}
	if r.Count > 0 {
		r.Average = float64(sum) / float64(r.Count)
	}
	return r, nil
}

// RatingSummary is the average rating its trainees gave a class, and how many gave one. It is
// public: no person can be told apart in it.
func (db *DB) RatingSummary(ctx context.Context, classID int64) (RatingSummary, error) {
	return ratingSummary(db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(rating), 0) FROM trainees
		WHERE class_id = $1 AND rating > 0`, classID))
}

// OrgRatingSummary is the average rating over every class of an institution. It is public.
func (db *DB) OrgRatingSummary(ctx context.Context, orgID int64) (RatingSummary, error) {
	return ratingSummary(db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(r.rating), 0) FROM trainees r
		JOIN classes c ON c.id = r.class_id WHERE c.org_id = $1 AND r.rating > 0`, orgID))
}

// RatingInput is a trainee's rating of a class.
type RatingInput struct {
	Rating  int
	Comment string
	Version int64 // of the trainee's roster row
}

// RateClass records the signed-in trainee's rating (1–5, with an optional short comment) of a
// class they are on, while the rating window is open; they may change it until it closes.
func (tx *Tx) RateClass(s xiangpei.Scope, classID int64, in RatingInput) (xiangpei.Trainee, error) {
	if s.PersonID <= 0 {
		return xiangpei.Trainee{}, xiangpei.Errorf(xiangpei.Forbidden, "rating.trainee_only", "Only the class's trainees rate it.")
	}
	c, err := tx.Class(s, classID)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	t, err := scanTrainee(tx.tx.QueryRowContext(tx.ctx, `SELECT `+traineeCols+` FROM trainees r JOIN persons p ON p.id = r.person_id
		WHERE r.class_id = $1 AND r.person_id = $2`, classID, s.PersonID))
	if err != nil {
		return t, mapError(err, "Trainee")
	}
	if err := ratingAllowed(c, t, tx.Now); err != nil {
		return t, err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if in.Rating < 1 || in.Rating > 5 {
		return t, xiangpei.Errorf(xiangpei.Invalid, "rating.value", "Choose from 1 to 5 stars.")
	}
	if utf8.RuneCountInString(in.Comment) > 200 {
		return t, xiangpei.Errorf(xiangpei.Invalid, "rating.comment_long", "Keep the comment to 200 characters.")
	}
	now := tx.Now.Truncate(time.Microsecond)
	if err := tx.execVersioned("Trainee", `SELECT 1 FROM trainees WHERE id = $1`, t.ID,
		`UPDATE trainees SET rating = $3, rating_comment = $4, updated_at = $5, version = version + 1 WHERE id = $1 AND version = $2`,
		t.ID, in.Version, in.Rating, in.Comment, now); err != nil {
		return t, err
	}
	if err := tx.Audit("class.rating", "class", classID, c.County, map[string]any{"trainee": t.ID, "rating": in.Rating,
		"changed": t.Rating > 0, "comment": in.Comment != ""}); err != nil {
		return t, err
	}
	t.Rating, t.RatingComment, t.Version = in.Rating, in.Comment, t.Version+1
	return t, nil
}

// ratingAllowed says whether the trainee may rate the class at now.
func ratingAllowed(c xiangpei.Class, t xiangpei.Trainee, now time.Time) error {
	if t.Status == xiangpei.TraineeWithdrawn || c.Status == xiangpei.ClassCancelled {
		return xiangpei.Errorf(xiangpei.Conflict, "rating.withdrawn", "You are no longer on this class's roster, so there is nothing to rate.")
	}
	opens, closes := RatingWindow(c)
	if now.Before(opens) {
		return xiangpei.Errorf(xiangpei.Conflict, "rating.not_yet", "You can rate the class from the start of its last session, on %v.",
			opens.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"))
	}
	if now.After(closes) {
		return xiangpei.Errorf(xiangpei.Conflict, "rating.closed", "Ratings of this class closed on %v.", closes.In(xiangpei.ChinaTime).Format("2006-01-02"))
	}
	return nil
}

// RatingOpen reports whether the trainee may rate the class now, and if not, why.
func RatingOpen(c xiangpei.Class, t xiangpei.Trainee, now time.Time) error {
	return ratingAllowed(c, t, now)
}

// ---- the lifelong record's training section ----

// TrainingLine is one class on a person's lifelong record.
type TrainingLine struct {
	ClassID         int64
	ClassName       string
	OrgID           int64
	OrgName         string
	OccupationCode  string
	Occupation      string
	Level           string
	LevelZh         string
	LevelEn         string
	FirstSession    time.Time
	LastSession     time.Time
	ClassStatus     xiangpei.ClassStatus
	Status          xiangpei.TraineeStatus
	AttendedMinutes int
	PlannedMinutes  int
	RatePct         int
	Rating          int
	RatingComment   string
	RatingOpen      bool // the person may rate (or change their rating) now
	Version         int64
}

// PersonTraining lists the classes a person has been on, the latest first, within scope (a
// person sees their own; staff only their own institution's classes; officers their region's).
func (db *DB) PersonTraining(ctx context.Context, s xiangpei.Scope, personID int64) ([]TrainingLine, error) {
	sa := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.name, c.org_id, o.name, c.occupation_code, COALESCE(oc.name, ''),
		c.level, COALESCE(l.name_zh, ''), COALESCE(l.name_en, ''), c.first_session, c.last_session, c.status,
		r.status, r.attended_minutes, r.rating, r.rating_comment, r.version
		FROM trainees r JOIN classes c ON c.id = r.class_id JOIN organisations o ON o.id = c.org_id
		LEFT JOIN occupations oc ON oc.code = c.occupation_code LEFT JOIN skill_levels l ON l.code = c.level
		WHERE r.person_id = $1 AND (CAST($5 AS BIGINT) = 0 OR r.person_id = $5) AND `+classScope+`
		ORDER BY c.first_session DESC, c.id`, personID, sa.all, sa.region, sa.org, sa.person)
	if err != nil {
		return nil, err
	}
	lines, err := collect(rows, func(r scanner) (TrainingLine, error) {
		var l TrainingLine
		var cst, st string
		err := r.Scan(&l.ClassID, &l.ClassName, &l.OrgID, &l.OrgName, &l.OccupationCode, &l.Occupation, &l.Level, &l.LevelZh,
			&l.LevelEn, &l.FirstSession, &l.LastSession, &cst, &st, &l.AttendedMinutes, &l.Rating, &l.RatingComment, &l.Version)
		l.ClassStatus, l.Status = xiangpei.ClassStatus(cst), xiangpei.TraineeStatus(st)
		l.FirstSession, l.LastSession = l.FirstSession.UTC(), l.LastSession.UTC()
		return l, err
	})
	if err != nil {
		return nil, err
	}
	now := db.Now()
	for i := range lines {
		l := &lines[i]
		c := xiangpei.Class{ID: l.ClassID, Status: l.ClassStatus, LastSession: l.LastSession}
		if c.Sessions, err = classSessions(ctx, db.read, l.ClassID); err != nil {
			return nil, err
		}
		l.PlannedMinutes = c.PlannedMinutes()
		l.RatePct = xiangpei.RatePct(l.AttendedMinutes, l.PlannedMinutes)
		l.RatingOpen = ratingAllowed(c, xiangpei.Trainee{Status: l.Status}, now) == nil
	}
	return lines, nil
}

// lastCompletedTraining finds a person's latest completed training of an occupation (a trainee
// is completed only when the class has closed): its roster row and class, zeros when there is
// none. Assessments take the class's teachers from it; a person's claim claims for it.
func (tx *Tx) lastCompletedTraining(personID int64, occupation string) (traineeID, classID int64, err error) {
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT t.id, t.class_id FROM trainees t JOIN classes cl ON cl.id = t.class_id
		WHERE t.person_id = $1 AND t.status = 'completed' AND cl.occupation_code = $2 ORDER BY cl.last_session DESC, t.id DESC LIMIT 1`,
		personID, occupation).Scan(&traineeID, &classID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	return traineeID, classID, err
}
