package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"xiangpei"
)

// 补贴申领 — the evidence of claim lines, gathered set-wise: for the trainees of one class a
// fixed handful of queries (the roster rows, their certificates of the class's occupation, their
// other subsidised trainings of the year, their earlier subsidies of the occupation, their key
// groups), never a query per trainee. Each line is then computed by SubsidyRule.Compute.

// lineFilter selects the roster rows of class $1 that become lines: the completed subsidised
// trainees of an institution claim that no live line (a person's own claim) covers yet, or the one row ($2) of a person claim.
const (
	classLineRows = `r.class_id = $1 AND r.subsidised AND r.status = 'completed' AND CAST($2 AS BIGINT) = 0
		AND NOT EXISTS (SELECT 1 FROM claim_lines x WHERE x.trainee_id = r.id AND x.status NOT IN ('withdrawn','rejected','returned'))`
	personLineRows = `r.class_id = $1 AND r.id = $2`
)

// evidenceRow is a roster row with what the rule needs of the person.
type evidenceRow struct {
	traineeID, personID int64
	name                string
	id                  xiangpei.IDNumber
	attended            int
	status              xiangpei.TraineeStatus
}

type certRow struct {
	id, person        int64
	occupation, level string
	issued            string
	valid             bool
}

// sameOrHigher reports whether an earlier subsidy at level `before` is of the same or a higher
// level than `now` (graded levels by rank; special and completion only when equal).
func sameOrHigher(before, now string) bool {
	return before == now || xiangpei.LevelAtLeast(before, now)
}

// classLines computes the lines of class c for the roster rows the filter selects (see
// classLineRows, personLineRows). forcedCert, when not 0, is the certificate the line must use
// (a person claim names its certificate); otherwise each trainee's best certificate of the
// class's occupation is taken: valid, issued on or after the class's end, covering the level,
// the earliest such; failing that, the latest one, so the trace shows why it fails.
func classLines(ctx context.Context, q querier, c xiangpei.Class, filter string, traineeID, forcedCert int64,
	rule xiangpei.SubsidyRule, uplift int, today time.Time) ([]xiangpei.ClaimLine, error) {
	sel := ` FROM trainees r WHERE ` + filter
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.person_id, p.name, p.id_number, r.attended_minutes, r.status
		FROM trainees r JOIN persons p ON p.id = r.person_id WHERE `+filter+` ORDER BY p.name, r.id`, c.ID, traineeID)
	if err != nil {
		return nil, err
	}
	ers, err := collect(rows, func(r scanner) (evidenceRow, error) {
		var e evidenceRow
		var id, status string
		err := r.Scan(&e.traineeID, &e.personID, &e.name, &id, &e.attended, &status)
		e.id, e.status = xiangpei.IDNumber(id), xiangpei.TraineeStatus(status)
		return e, err
	})
	if err != nil || len(ers) == 0 {
		return nil, err
	}
	// certificates of the occupation
	rows, err = q.QueryContext(ctx, `SELECT c.id, c.person_id, c.occupation_code, c.level, c.issued_on, c.status = 'valid'
		FROM certificates c WHERE c.person_id IN (SELECT r.person_id`+sel+`) AND (c.occupation_code = $3 OR c.id = $4)
		ORDER BY c.issued_on, c.id`, c.ID, traineeID, c.OccupationCode, forcedCert)
	if err != nil {
		return nil, err
	}
	certs, err := collect(rows, func(r scanner) (certRow, error) {
		var x certRow
		err := r.Scan(&x.id, &x.person, &x.occupation, &x.level, &x.issued, &x.valid)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	yearly, earlier, groups, err := lineEvidence(ctx, q, c, sel, traineeID)
	if err != nil {
		return nil, err
	}

	end := xiangpei.ChinaDate(c.LastSession)
	planned := c.PlannedMinutes()
	out := make([]xiangpei.ClaimLine, 0, len(ers))
	for _, e := range ers {
		in := xiangpei.LineInput{Level: c.Level, OccupationCode: c.OccupationCode, AgeAtStart: e.id.AgeOn(c.FirstSession),
			AttendedPct: xiangpei.RatePct(e.attended, planned), Completed: e.status == xiangpei.TraineeCompleted,
			ClassEnd: end, ClaimDay: xiangpei.ChinaDate(today), SubsidisedThisYear: yearly[e.personID], UpliftPct: uplift,
			KeyGroups: groups[e.personID]}
		if len(earlier[e.personID]) > 0 {
			sort.Strings(earlier[e.personID])
			in.SameOrHigherBefore = earlier[e.personID][0]
		}
		cert := bestCert(certs, e.personID, forcedCert, end, c.Level)
		if cert != nil {
			in.CertLevel, in.CertOccupation, in.CertIssued, in.CertValid = cert.level, cert.occupation, cert.issued, cert.valid
		}
		res := rule.Compute(in)
		l := xiangpei.ClaimLine{PersonID: e.personID, PersonName: e.name, IDNumber: e.id, TraineeID: e.traineeID,
			OccupationCode: c.OccupationCode, Level: c.Level, AmountFen: res.AmountFen, Payable: res.Payable,
			Trace: normaliseTrace(res.Trace), RuleID: rule.ID, RuleVersion: rule.Version, Status: xiangpei.ClaimDraft}
		if cert != nil {
			l.CertificateID = cert.id
		}
		out = append(out, l)
	}
	return out, nil
}

// normaliseTrace passes a trace through JSON so that what is computed and what is read back
// from the database are the very same values (numbers become float64): the digest and the
// recomputation test compare them.
func normaliseTrace(t []xiangpei.TraceStep) []xiangpei.TraceStep {
	b, _ := json.Marshal(t)
	var out []xiangpei.TraceStep
	_ = json.Unmarshal(b, &out)
	return out
}

// bestCert picks the certificate a line uses (see classLines).
func bestCert(certs []certRow, person, forced int64, end, level string) *certRow {
	var good, last *certRow
	for i := range certs {
		x := &certs[i]
		if x.person != person {
			continue
		}
		if forced != 0 {
			if x.id == forced {
				return x
			}
			continue
		}
		if good == nil && x.valid && x.issued >= end && sameOrHigher(x.level, level) {
			good = x
		}
		last = x
	}
	if good != nil {
		return good
	}
	return last
}

// lineEvidence reads what the rule needs of the persons a claim line (or an eligibility check)
// is for, beside the roster and the certificates: each person's other subsidised trainings of
// the class's year, their earlier subsidies of the class's occupation at the same or a higher
// level (described "2025 4"), and their verified key groups. sel is " FROM … r WHERE …" with
// r.person_id and r.id, over the arguments $1 (the class id) and $2 (traineeID).
func lineEvidence(ctx context.Context, q querier, c xiangpei.Class, sel string, traineeID int64) (yearly map[int64]int,
	earlier map[int64][]string, groups map[int64][]string, err error) {
	// other subsidised completed trainings of the class's year
	year := c.FirstSession.In(xiangpei.ChinaTime).Year()
	yearly = map[int64]int{}
	// (with the subsidies the previous system paid that year, unless for a class whose roster
	// row is already counted here)
	rows, err := q.QueryContext(ctx, `SELECT x.person_id, COUNT(*) FROM (
		SELECT o.person_id FROM trainees o
		WHERE o.person_id IN (SELECT r.person_id`+sel+`) AND o.class_id <> $1 AND o.subsidised AND o.status = 'completed' AND o.year = $3
		UNION ALL
		SELECT s.person_id FROM prior_subsidies s
		WHERE s.person_id IN (SELECT r.person_id`+sel+`) AND s.year = $3 AND (s.class_id IS NULL OR s.class_id = $1
			OR NOT EXISTS (SELECT 1 FROM trainees t WHERE t.class_id = s.class_id AND t.person_id = s.person_id))
		) x GROUP BY x.person_id`, c.ID, traineeID, year)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := collect(rows, func(r scanner) (int, error) {
		var p int64
		var n int
		err := r.Scan(&p, &n)
		yearly[p] = n
		return n, err
	}); err != nil {
		return nil, nil, nil, err
	}
	// earlier subsidies of the occupation: subsidised completed trainings that started before
	// this class, payable lines of live person claims made before today, and the subsidies the
	// previous system paid (prior_subsidies, brought in by the history import)
	earlier = map[int64][]string{}
	rows, err = q.QueryContext(ctx, `SELECT o.person_id, o.level, o.year FROM trainees o JOIN classes k ON k.id = o.class_id
		WHERE o.person_id IN (SELECT r.person_id`+sel+`) AND o.class_id <> $1 AND o.subsidised AND o.status = 'completed'
		AND o.occupation_code = $3 AND k.first_session < $4
		UNION ALL
		SELECT l.person_id, l.level, 0 FROM claim_lines l JOIN claims m ON m.id = l.claim_id
		WHERE l.person_id IN (SELECT r.person_id`+sel+`) AND m.kind = 'person' AND l.payable AND l.occupation_code = $3
		AND l.status NOT IN ('withdrawn','rejected','returned') AND (l.trainee_id IS NULL OR l.trainee_id NOT IN (SELECT r.id`+sel+`))
		UNION ALL
		SELECT s.person_id, s.level, s.year FROM prior_subsidies s
		WHERE s.person_id IN (SELECT r.person_id`+sel+`) AND s.occupation_code = $3`,
		c.ID, traineeID, c.OccupationCode, c.FirstSession.UTC())
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := collect(rows, func(r scanner) (int, error) {
		var p int64
		var level string
		var y int
		if err := r.Scan(&p, &level, &y); err != nil {
			return 0, err
		}
		if sameOrHigher(level, c.Level) {
			d := level
			if y > 0 {
				d = fmt.Sprintf("%d %s", y, level)
			}
			earlier[p] = append(earlier[p], d)
		}
		return 0, nil
	}); err != nil {
		return nil, nil, nil, err
	}
	// verified key groups
	groups = map[int64][]string{}
	rows, err = q.QueryContext(ctx, `SELECT k.person_id, k.group_code FROM key_group_members k
		WHERE k.person_id IN (SELECT r.person_id`+sel+`) ORDER BY k.group_code`, c.ID, traineeID)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := collect(rows, func(r scanner) (int, error) {
		var p int64
		var g string
		err := r.Scan(&p, &g)
		groups[p] = append(groups[p], g)
		return 0, err
	}); err != nil {
		return nil, nil, nil, err
	}

	return yearly, earlier, groups, nil
}
