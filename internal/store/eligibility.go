package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"xiangpei"
)

// 培 — what the eligibility rules (xiangpei.Eligibility) need to know about a person: their
// registry entry, their key groups and their other trainings. These reads are the rules' own:
// they look at the person's trainings at every institution, and only the reasons they lead to
// are ever shown, never the other trainings themselves.

// TraineeInput is a person as an institution types them onto a roster (the add form or a
// row of an imported file).
type TraineeInput struct {
	IDNumber string
	Name     string
	Phone    string // needed only to register a person the registry does not know yet
	Note     string // 备注: kept with the roster row
}

// personByIDNumber reads the registry entry of a normalised ID number, whoever asks: nil when
// it is not registered.
func personByIDNumber(ctx context.Context, q querier, id xiangpei.IDNumber) (*xiangpei.Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, `SELECT `+personCols+` FROM persons p WHERE p.id_number = $1`, string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// personByID reads a registry entry by id, whoever asks.
func personByID(ctx context.Context, q querier, id int64) (xiangpei.Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, `SELECT `+personCols+` FROM persons p WHERE p.id = $1`, id))
	return p, mapError(err, "Person")
}

// personKeyGroups lists the key-group codes recorded for a person.
func personKeyGroups(ctx context.Context, q querier, personID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT group_code FROM key_group_members WHERE person_id = $1 ORDER BY group_code`, personID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (string, error) {
		var g string
		err := r.Scan(&g)
		return g, err
	})
}

// otherTrainings reads the person's roster rows in classes other than c, with what the rules
// need of each class, in two queries on the trainees_person index: the rows, and the sessions
// of those rows (not withdrawn) that fall within c's first and last session — the only ones
// that can overlap c's.
func otherTrainings(ctx context.Context, q querier, personID int64, c xiangpei.Class) ([]xiangpei.OtherTraining, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.class_id, r.occupation_code, r.level, r.subsidised, r.status, c.status, r.year,
		c.first_session FROM trainees r JOIN classes c ON c.id = r.class_id
		WHERE r.person_id = $1 AND r.class_id <> $2 ORDER BY c.first_session, r.class_id`, personID, c.ID)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(r scanner) (xiangpei.OtherTraining, error) {
		var o xiangpei.OtherTraining
		var status, classStatus string
		err := r.Scan(&o.ClassID, &o.OccupationCode, &o.Level, &o.Subsidised, &status, &classStatus, &o.Year, &o.Starts)
		o.Status, o.ClassStatus, o.Starts = xiangpei.TraineeStatus(status), xiangpei.ClassStatus(classStatus), o.Starts.UTC()
		return o, err
	})
	if err != nil {
		return nil, err
	}
	if out, err = priorSubsidies(ctx, q, personID, out); err != nil {
		return nil, err
	}
	if len(out) == 0 || c.FirstSession.IsZero() {
		return out, nil
	}
	srows, err := q.QueryContext(ctx, `SELECT x.class_id, x.starts_at, x.ends_at FROM trainees r
		JOIN class_sessions x ON x.class_id = r.class_id
		WHERE r.person_id = $1 AND r.class_id <> $2 AND r.status <> 'withdrawn' AND x.starts_at < $3 AND x.ends_at > $4
		ORDER BY x.starts_at`, personID, c.ID, c.LastSession.UTC(), c.FirstSession.UTC())
	if err != nil {
		return nil, err
	}
	type window struct {
		class int64
		s     xiangpei.Session
	}
	ws, err := collect(srows, func(r scanner) (window, error) {
		var w window
		err := r.Scan(&w.class, &w.s.Starts, &w.s.Ends)
		w.s.Starts, w.s.Ends = w.s.Starts.UTC(), w.s.Ends.UTC()
		return w, err
	})
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		for i := range out {
			if out[i].ClassID == w.class {
				out[i].Sessions = append(out[i].Sessions, w.s)
			}
		}
	}
	return out, nil
}

// priorSubsidies adds to a person's other trainings the subsidies the previous system paid
// (prior_subsidies, brought in by the history import), each as a completed subsidised training
// of its occupation, level and year, started the day it was paid. A subsidy of an imported
// class the person is on the roster of is that roster row already, and is not counted twice.
func priorSubsidies(ctx context.Context, q querier, personID int64, out []xiangpei.OtherTraining) ([]xiangpei.OtherTraining, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.occupation_code, s.level, s.year, s.paid_on FROM prior_subsidies s
		WHERE s.person_id = $1 AND (s.class_id IS NULL OR NOT EXISTS (SELECT 1 FROM trainees t
			WHERE t.class_id = s.class_id AND t.person_id = s.person_id)) ORDER BY s.paid_on, s.id`, personID)
	if err != nil {
		return nil, err
	}
	prior, err := collect(rows, func(r scanner) (xiangpei.OtherTraining, error) {
		o := xiangpei.OtherTraining{Subsidised: true, Status: xiangpei.TraineeCompleted, ClassStatus: xiangpei.ClassClosed}
		var paid string
		if err := r.Scan(&o.OccupationCode, &o.Level, &o.Year, &paid); err != nil {
			return o, err
		}
		o.Starts, _ = time.ParseInLocation(time.DateOnly, paid, xiangpei.ChinaTime)
		return o, nil
	})
	return append(out, prior...), err
}

// applicant finds what the registry knows about a typed ID number: the person (nil when not
// registered, or when the number is not valid) and their key groups.
func applicant(ctx context.Context, q querier, in TraineeInput, today time.Time) (xiangpei.Applicant, error) {
	a := xiangpei.Applicant{IDNumber: strings.TrimSpace(in.IDNumber), Name: strings.TrimSpace(in.Name)}
	id, err := xiangpei.ParseIDNumber(a.IDNumber, today)
	if err != nil {
		return a, nil // Eligibility reports the number's fault
	}
	if a.Person, err = personByIDNumber(ctx, q, id); err != nil || a.Person == nil {
		return a, err
	}
	a.KeyGroups, err = personKeyGroups(ctx, q, a.Person.ID)
	return a, err
}

// registeredApplicant is a registered person as the rules see them when nothing was typed.
func registeredApplicant(ctx context.Context, q querier, p xiangpei.Person) (xiangpei.Applicant, error) {
	a := xiangpei.Applicant{IDNumber: string(p.IDNumber), Person: &p}
	var err error
	a.KeyGroups, err = personKeyGroups(ctx, q, p.ID)
	return a, err
}

// eligibility runs the rules for an applicant and class: the person's other trainings are read
// when the person is registered (someone not yet registered has none).
func eligibility(ctx context.Context, q querier, rules xiangpei.Rules, today time.Time, a xiangpei.Applicant, c xiangpei.Class) ([]*xiangpei.Error, error) {
	var others []xiangpei.OtherTraining
	if a.Person != nil {
		var err error
		if others, err = otherTrainings(ctx, q, a.Person.ID, c); err != nil {
			return nil, err
		}
	}
	out := xiangpei.Eligibility(rules, today, a, c, others)
	if a.Person != nil {
		// 失信人员: a blacklist in force on the class's first day (or today, before sessions exist)
		at := today
		if !c.FirstSession.IsZero() {
			at = c.FirstSession
		}
		blocked, e, err := personBlocked(ctx, q, a.Person.ID, at)
		if err != nil {
			return nil, err
		}
		if blocked {
			until := e.EndsOn
			if until == "" {
				until = "—"
			}
			out = append(out, xiangpei.Errorf(xiangpei.Conflict, "registry.person_blacklisted",
				"This person is on the blacklist (失信人员) from %v to %v.", e.StartsOn, until))
		}
	}
	return out, nil
}

// newPersonReasons are the reasons a person the registry does not know cannot be registered
// from what was typed: a mobile number is needed to register them.
func newPersonReasons(in TraineeInput) []*xiangpei.Error {
	if strings.TrimSpace(in.Phone) == "" {
		return []*xiangpei.Error{xiangpei.Errorf(xiangpei.Invalid, "roster.phone_for_new", "This person is not registered yet: give their mobile number so that they can be registered.")}
	}
	if _, err := xiangpei.ParseMobile(in.Phone); err != nil {
		return xiangpei.Reasons(err)
	}
	return nil
}
