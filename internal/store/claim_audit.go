package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 自动审核 — the automatic audit of claim lines (SPEC §9), set-wise: every check is one query
// (or a few) over all lines of a selection — one claim, or a region and year — joined to the
// evidence, returning (line, claim, detail); never a query per line. Decisions that are not
// plain SQL comparisons (check digits, ages, dates, digests, attendance anomalies) are made by
// the pure helpers of the root package over the rows of one query. Findings are sorted by line
// and code, so the same data always gives the same findings in the same order.

// AuditSelection is what a run audits: one claim (ClaimID), or every live claim of a region
// (a county, city or province code) created in Year (China time).
type AuditSelection struct {
	ClaimID int64
	Region  string
	Year    int
}

func (s AuditSelection) args() []any {
	from, to := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if s.Year > 0 {
		from, to = xiangpei.ChinaYear(s.Year)
	}
	pattern := "%"
	if s.Region != "" {
		pattern = xiangpei.RegionPrefix(s.Region) + "%"
	}
	return []any{s.ClaimID, pattern, from, to}
}

// auditFrom and auditWhere select the lines of a selection ($1 claim or 0, $2 county pattern,
// $3–$4 creation interval of the claim); the lines of drafts and of closed-off claims are not
// audited.
const (
	auditFrom  = ` FROM claim_lines l JOIN claims k ON k.id = l.claim_id`
	auditWhere = ` l.status NOT IN ('draft','withdrawn','rejected','returned') AND (CAST($1 AS BIGINT) = 0 OR l.claim_id = $1)
		AND k.county LIKE $2 AND k.created_at >= $3 AND k.created_at < $4`
	// auditClass joins the line's roster row and class (lines without one drop out of class checks)
	auditClass = ` JOIN trainees t ON t.id = l.trainee_id JOIN classes c ON c.id = t.class_id`
	liveLine   = `('draft','withdrawn','rejected','returned')`
)

// sqlChecks are the checks that are one SQL condition each: the query returns line id, claim id
// and one detail value; $5 is the check's parameter (see auditParam).
var sqlChecks = []struct{ code, join, cond string }{
	{xiangpei.CheckTwiceInClaim, ``, `EXISTS (SELECT 1 FROM claim_lines o WHERE o.claim_id = l.claim_id AND o.person_id = l.person_id AND o.id <> l.id)`},
	{xiangpei.CheckTraineeOverlap, auditClass + ` JOIN class_sessions x ON x.class_id = t.class_id
		JOIN trainees t2 ON t2.person_id = t.person_id AND t2.class_id <> t.class_id AND t2.status <> 'withdrawn'
		JOIN class_sessions y ON y.class_id = t2.class_id AND y.starts_at < x.ends_at AND y.ends_at > x.starts_at`, `1 = 1`},
	{xiangpei.CheckBelowThreshold, auditClass, `t.attended_minutes * 100 < $5 * (c.theory_hours + c.practice_hours) * 60`},
	{xiangpei.CheckCertMissing, ``, `l.certificate_id IS NULL`},
	{xiangpei.CheckSharedPhone, ` JOIN persons p ON p.id = l.person_id`, `p.phone <> '' AND EXISTS (SELECT 1 FROM claim_lines o
		JOIN persons q ON q.id = o.person_id WHERE o.claim_id = l.claim_id AND o.person_id <> l.person_id AND q.phone = p.phone)`},
	{xiangpei.CheckOwnStaff, auditClass + ` JOIN persons p ON p.id = l.person_id`, `EXISTS (SELECT 1 FROM teachers te
		WHERE te.org_id = c.org_id AND te.id_number = p.id_number)`},
}

// sqlDetail is the detail value each SQL check returns.
var sqlDetail = map[string]string{
	xiangpei.CheckTraineeOverlap: `CAST(t2.class_id AS TEXT)`,
	xiangpei.CheckBelowThreshold: `CAST(t.attended_minutes AS TEXT)`,
	xiangpei.CheckCertMismatch:   `ce.occupation_code || ' ' || ce.level`,
	xiangpei.CheckCertUnknown:    `ce.number`,
	xiangpei.CheckCertRevoked:    `ce.number`,
	xiangpei.CheckSharedPhone:    `p.phone`,
	xiangpei.CheckOwnStaff:       `CAST(c.org_id AS TEXT)`,
}

func auditParam(code string, r xiangpei.Rules) any {
	switch code {
	case xiangpei.CheckYearlyCount:
		return r.YearlySubsidies
	case xiangpei.CheckBelowThreshold:
		return r.AttendancePct
	}
	return 0
}

func detailJSON(kv ...any) string {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// auditor runs the checks of one selection over a querier.
type auditor struct {
	ctx   context.Context
	q     querier
	db    *DB
	sel   AuditSelection
	rules xiangpei.Rules
	out   []xiangpei.AuditFinding
	lines map[int64]int64 // line → claim, every line of the selection
	info  map[int64]lineInfo
	// noData lists the checks that had no data to look at
	noData []string
}

func (a *auditor) add(line, claim int64, code, detail string) {
	c, _ := xiangpei.AuditCheckOf(code)
	a.out = append(a.out, xiangpei.AuditFinding{LineID: line, ClaimID: claim, Code: code, Severity: c.Severity, Detail: detail})
}

// lineInfo is what the later steps need of each line of the selection: its claim, its roster
// row's class (0 without one) and its person.
type lineInfo struct{ claim, class, person int64 }

// auditStep is one step of a run: a name (for the benchmark's timings) and its work.
type auditStep struct {
	name string
	run  func() error
}

// steps lists the checks as steps of a run; the line facts come first (the later steps use the
// lines' classes and persons).
func (a *auditor) steps() []auditStep {
	steps := []auditStep{{"line facts (id, age, digest)", a.lineFacts},
		{"already_subsidised + over_yearly_count", a.duplicates}}
	for i := range sqlChecks {
		steps = append(steps, auditStep{sqlChecks[i].code, func() error { return a.sqlCheck(i) }})
	}
	return append(steps, auditStep{"class facts (scope, filing, capacity)", a.classFacts}, auditStep{"teacher_two_places", a.teacherOverlap},
		auditStep{"certificates (mismatch, unknown, revoked, timing, evaluation_signal)", a.certificates},
		auditStep{"sanctioned", a.sanctioned}, auditStep{"employed_elsewhere", a.employedElsewhere},
		auditStep{"attendance anomalies", a.attendance}, auditStep{"name_registry", a.nameRegistry})
}

// lineFacts: one query over the selection's lines for identity (check digit, age) and
// integrity (digest), and the list of lines the run covers.
func (a *auditor) lineFacts() error {
	rows, err := a.q.QueryContext(a.ctx, `SELECT l.id, l.claim_id, l.person_id, p.id_number, l.amount_fen, l.rule_id, l.trace, l.digest,
		c.first_session, c.id`+auditFrom+` JOIN persons p ON p.id = l.person_id LEFT JOIN trainees t ON t.id = l.trainee_id
		LEFT JOIN classes c ON c.id = t.class_id WHERE`+auditWhere+` ORDER BY l.id`, a.sel.args()...)
	if err != nil {
		return err
	}
	a.lines, a.info = map[int64]int64{}, map[int64]lineInfo{}
	_, err = collect(rows, func(r scanner) (int, error) {
		var line, claim, person, amount, rule int64
		var id, trace, digest string
		var start sql.NullTime
		var class sql.NullInt64
		if err := r.Scan(&line, &claim, &person, &id, &amount, &rule, &trace, &digest, &start, &class); err != nil {
			return 0, err
		}
		a.lines[line] = claim
		a.info[line] = lineInfo{claim, class.Int64, person}
		if !xiangpei.IDDigitOK(xiangpei.IDNumber(id)) {
			a.add(line, claim, xiangpei.CheckIDDigit, detailJSON("id", xiangpei.IDNumber(id).Masked()))
		}
		if start.Valid && xiangpei.IDDigitOK(xiangpei.IDNumber(id)) {
			if age := xiangpei.IDNumber(id).AgeOn(start.Time); xiangpei.AgeOutOfRange(age, a.rules) {
				a.add(line, claim, xiangpei.CheckAge, detailJSON("age", age, "min", a.rules.LabourAgeMin, "max", a.rules.LabourAgeMax))
			}
		}
		var steps []xiangpei.TraceStep
		if json.Unmarshal([]byte(trace), &steps) != nil || xiangpei.LineDigest(claim, person, amount, rule, steps) != digest {
			a.add(line, claim, xiangpei.CheckDigest, detailJSON())
		}
		return 0, nil
	})
	return err
}

func (a *auditor) sqlCheck(i int) error { return a.sqlCondition(sqlChecks[i]) }

// sqlCondition runs one check that is one SQL condition over the selection's lines.
func (a *auditor) sqlCondition(ch struct{ code, join, cond string }) error {
	detail := sqlDetail[ch.code]
	if detail == "" {
		detail = `''`
	}
	args := append(a.sel.args(), auditParam(ch.code, a.rules))
	cond := ch.cond
	if !strings.Contains(cond, "$5") {
		cond += ` AND CAST($5 AS BIGINT) = CAST($5 AS BIGINT)`
	}
	rows, err := a.q.QueryContext(a.ctx, `SELECT l.id, l.claim_id, `+detail+auditFrom+ch.join+` WHERE`+auditWhere+` AND `+cond, args...)
	if err != nil {
		return fmt.Errorf("audit %s: %w", ch.code, err)
	}
	_, err = collect(rows, func(r scanner) (int, error) {
		var line, claim int64
		var d string
		if err := r.Scan(&line, &claim, &d); err != nil {
			return 0, err
		}
		if d == "" {
			a.add(line, claim, ch.code, detailJSON())
		} else {
			a.add(line, claim, ch.code, detailJSON("value", d))
		}
		return 0, nil
	})
	return err
}

// auditLevelCovers is the level rule of already_subsidised: the same level, or, for two one-character
// levels (5 is the lowest, 1 the highest), an earlier one in character order — what
// "o.level = l.level OR (LENGTH(o.level) = 1 AND LENGTH(l.level) = 1 AND o.level < l.level)" says.
func auditLevelCovers(other, level string) bool {
	return other == level || (utf8.RuneCountInString(other) == 1 && utf8.RuneCountInString(level) == 1 && other < level)
}

// duplicates decides already_subsidised and over_yearly_count (see the checks' table in
// docs/claim-audit.md) in one pass grouped by person: one query reads every line of the
// selection's persons (with its roster row's year), one their prior subsidies, and each
// selection line is judged against its person's rows in Go — instead of two correlated
// subqueries per line. Same rules as plainDuplicateChecks (TestClaimAuditDuplicatesPlain).
func (a *auditor) duplicates() error {
	type pline struct {
		id, claim     int64
		occ, level    string
		created       int64 // Unix nanoseconds
		payable, live bool
		year          int
		roster        bool
	}
	type prior struct {
		occ, level string
		year       int
	}
	persons := `SELECT l.person_id` + auditFrom + ` WHERE` + auditWhere
	// the creation time as text, read by eventNanos (the driver's general time parsing was most of
	// this read's cost on SQLite)
	rows, err := a.q.QueryContext(a.ctx, `SELECT o.id, o.claim_id, o.person_id, o.occupation_code, o.level, CAST(o.created_at AS TEXT), o.payable,
		CASE WHEN o.status NOT IN `+liveLine+` THEN 1 ELSE 0 END, COALESCE(ot.year, 0), CASE WHEN ot.id IS NULL THEN 0 ELSE 1 END
		FROM claim_lines o LEFT JOIN trainees ot ON ot.id = o.trainee_id WHERE o.person_id IN (`+persons+`)`, a.sel.args()...)
	if err != nil {
		return fmt.Errorf("audit duplicates: %w", err)
	}
	byPerson := map[int64][]pline{}
	if _, err := collect(rows, func(r scanner) (int, error) {
		var x pline
		var person int64
		var live, roster int
		var created sql.RawBytes
		if err := r.Scan(&x.id, &x.claim, &person, &x.occ, &x.level, &created, &x.payable, &live, &x.year, &roster); err != nil {
			return 0, err
		}
		var ok bool
		if x.created, ok = eventNanos(created); !ok {
			return 0, fmt.Errorf("audit duplicates: line %d: creation time %q", x.id, created)
		}
		x.live, x.roster = live == 1, roster == 1
		byPerson[person] = append(byPerson[person], x)
		return 0, nil
	}); err != nil {
		return err
	}
	rows, err = a.q.QueryContext(a.ctx, `SELECT ps.person_id, ps.occupation_code, ps.level, ps.year FROM prior_subsidies ps
		WHERE ps.person_id IN (`+persons+`)`, a.sel.args()...)
	if err != nil {
		return fmt.Errorf("audit duplicates: %w", err)
	}
	priors := map[int64][]prior{}
	if _, err := collect(rows, func(r scanner) (int, error) {
		var x prior
		var person int64
		err := r.Scan(&person, &x.occ, &x.level, &x.year)
		priors[person] = append(priors[person], x)
		return 0, err
	}); err != nil {
		return err
	}
	for person, ls := range byPerson {
		for _, l := range ls {
			if _, ok := a.lines[l.id]; !ok {
				continue // a line of the person outside the selection
			}
			already := false
			for _, o := range ls {
				if o.payable && o.live && o.claim != l.claim && o.occ == l.occ && auditLevelCovers(o.level, l.level) &&
					(o.created < l.created || (o.created == l.created && o.id < l.id)) {
					already = true
					break
				}
			}
			for _, ps := range priors[person] {
				already = already || (ps.occ == l.occ && auditLevelCovers(ps.level, l.level))
			}
			if already {
				a.add(l.id, l.claim, xiangpei.CheckAlreadySubsidised, detailJSON())
			}
			if !l.roster {
				continue
			}
			n := 0
			for _, o := range ls {
				if o.payable && o.live && o.roster && o.year == l.year {
					n++
				}
			}
			for _, ps := range priors[person] {
				if ps.year == l.year {
					n++
				}
			}
			if n > a.rules.YearlySubsidies {
				a.add(l.id, l.claim, xiangpei.CheckYearlyCount, detailJSON())
			}
		}
	}
	return nil
}

// classLines lists the lines of each class of the selection (lines with a roster row), by id.
func (a *auditor) classLines() map[int64][]int64 {
	out := map[int64][]int64{}
	for line, x := range a.info {
		if x.class != 0 {
			out[x.class] = append(out[x.class], line)
		}
	}
	for _, ls := range out {
		slices.Sort(ls)
	}
	return out
}

// auditClasses selects the classes of the selection's lines.
const auditClasses = `SELECT t.class_id` + auditFrom + ` JOIN trainees t ON t.id = l.trainee_id WHERE` + auditWhere

// classFacts: the checks of a line's class, one query over the selection's classes (not over
// its lines), each class found a finding of every line of the class —
// outside_scope: no approved scope of the class's institution for its occupation and level;
// class_filing: filed late, never filed, or not approved;
// over_capacity: more roster rows not withdrawn than the class's capacity.
func (a *auditor) classFacts() error {
	rows, err := a.q.QueryContext(a.ctx, `SELECT c.id, c.occupation_code || ' ' || c.level, c.capacity,
		CASE WHEN EXISTS (SELECT 1 FROM org_scopes s WHERE s.org_id = c.org_id AND s.occupation_code = c.occupation_code
			AND s.level = c.level) THEN 0 ELSE 1 END,
		CASE WHEN c.late OR c.filed_at IS NULL OR c.status NOT IN ('approved','in_progress','closed') THEN 1 ELSE 0 END,
		(SELECT COUNT(*) FROM trainees r WHERE r.class_id = c.id AND r.status <> 'withdrawn')
		FROM classes c WHERE c.id IN (`+auditClasses+`)`, a.sel.args()...)
	if err != nil {
		return err
	}
	lines := a.classLines()
	_, err = collect(rows, func(r scanner) (int, error) {
		var class int64
		var level string
		var capacity, noScope, filing, roster int
		if err := r.Scan(&class, &level, &capacity, &noScope, &filing, &roster); err != nil {
			return 0, err
		}
		for _, l := range lines[class] {
			if noScope == 1 {
				a.add(l, a.lines[l], xiangpei.CheckOutsideScope, detailJSON("value", level))
			}
			if filing == 1 {
				a.add(l, a.lines[l], xiangpei.CheckClassFiling, detailJSON())
			}
			if roster > capacity {
				a.add(l, a.lines[l], xiangpei.CheckOverCapacity, detailJSON("value", strconv.Itoa(capacity)))
			}
		}
		return 0, nil
	})
	return err
}

// teacherOverlap (teacher_two_places): a session of the line's class and a session of another
// class with the same teacher at another venue overlap in time. The sessions of the teachers of
// the selection's classes are read once (one query, by the (teacher, start) index) and swept in
// start order per teacher, so the cost is the number of those sessions, not a self-join.
func (a *auditor) teacherOverlap() error {
	rows, err := a.q.QueryContext(a.ctx, `SELECT y.class_id, y.teacher_id, y.venue_id, y.starts_at, y.ends_at FROM class_sessions y
		WHERE y.teacher_id IN (SELECT x.teacher_id FROM class_sessions x WHERE x.class_id IN (`+auditClasses+`))`, a.sel.args()...)
	if err != nil {
		return err
	}
	type sess struct {
		class, venue int64
		starts, ends time.Time
	}
	byTeacher := map[int64][]sess{}
	if _, err := collect(rows, func(r scanner) (int, error) {
		var x sess
		var teacher, venue sql.NullInt64
		if err := r.Scan(&x.class, &teacher, &venue, &x.starts, &x.ends); err != nil {
			return 0, err
		}
		if teacher.Valid && venue.Valid { // NULLs never match in the rule's comparisons
			x.venue = venue.Int64
			byTeacher[teacher.Int64] = append(byTeacher[teacher.Int64], x)
		}
		return 0, nil
	}); err != nil {
		return err
	}
	lines := a.classLines()
	type pair struct{ class, other int64 }
	pairs := map[pair]bool{}
	for _, ss := range byTeacher {
		slices.SortFunc(ss, func(p, q sess) int { return p.starts.Compare(q.starts) })
		for i, x := range ss {
			for _, y := range ss[i+1:] {
				if !y.starts.Before(x.ends) {
					break
				}
				if y.class != x.class && y.venue != x.venue && y.ends.After(x.starts) && x.ends.After(y.starts) {
					pairs[pair{x.class, y.class}], pairs[pair{y.class, x.class}] = true, true
				}
			}
		}
	}
	for p := range pairs {
		for _, l := range lines[p.class] {
			a.add(l, a.lines[l], xiangpei.CheckTeacherOverlap, detailJSON("value", strconv.FormatInt(p.other, 10)))
		}
	}
	return nil
}

// certificates: one join of the selection's lines with their certificates (and roster class)
// decides cert_mismatch, cert_unknown, cert_revoked and cert_timing, and gives evaluation_signal
// its rows — the rules of plainCertChecks, certTiming and evaluation, read once
// (TestClaimAuditCertificatesPlain).
func (a *auditor) certificates() error {
	rows, err := a.q.QueryContext(a.ctx, `SELECT l.id, l.claim_id, l.occupation_code, l.level, ce.id, ce.number, ce.occupation_code, ce.level,
		ce.status, ce.issued_on, COALESCE(ce.issuer_org_id, 0), CASE WHEN ce.source = 'assessment' AND ce.source_id <> 0
		AND NOT EXISTS (SELECT 1 FROM candidates d WHERE d.id = ce.source_id AND d.person_id = ce.person_id) THEN 1 ELSE 0 END,
		c.last_session`+auditFrom+` JOIN certificates ce ON ce.id = l.certificate_id LEFT JOIN trainees t ON t.id = l.trainee_id
		LEFT JOIN classes c ON c.id = t.class_id WHERE`+auditWhere, a.sel.args()...)
	if err != nil {
		return fmt.Errorf("audit certificates: %w", err)
	}
	var rs []evalRow
	if _, err := collect(rows, func(r scanner) (int, error) {
		var x evalRow
		var occ, level, number, status string
		var unknown int
		var last sql.NullTime
		if err := r.Scan(&x.line, &x.claim, &occ, &level, &x.cert, &number, &x.occ, &x.level, &status, &x.issued, &x.org, &unknown,
			&last); err != nil {
			return 0, err
		}
		value := func(v string) string {
			if v == "" {
				return detailJSON()
			}
			return detailJSON("value", v)
		}
		if x.occ != occ || (x.level != level && !(utf8.RuneCountInString(x.level) == 1 && utf8.RuneCountInString(level) == 1 && x.level < level)) {
			a.add(x.line, x.claim, xiangpei.CheckCertMismatch, value(x.occ+" "+x.level))
		}
		if unknown == 1 {
			a.add(x.line, x.claim, xiangpei.CheckCertUnknown, value(number))
		}
		if status == "revoked" {
			a.add(x.line, x.claim, xiangpei.CheckCertRevoked, value(number))
		}
		if last.Valid {
			a.timing(x.line, x.claim, x.issued, last.Time)
		}
		rs = append(rs, x)
		return 0, nil
	}); err != nil {
		return err
	}
	return a.evaluationOf(rs)
}

// timing is cert_timing's rule for one line: issued before the class's last day or more than
// CertificateDays after it.
func (a *auditor) timing(line, claim int64, issued string, last time.Time) {
	end := xiangpei.ChinaDate(last)
	latest := last.In(xiangpei.ChinaTime).AddDate(0, 0, a.rules.CertificateDays).Format(time.DateOnly)
	if issued < end || issued > latest {
		a.add(line, claim, xiangpei.CheckCertTiming, detailJSON("issued", issued, "class_end", end, "latest", latest))
	}
}

// sanctioned: a suspension or blacklisting of the class's institution (sanctions), or a
// blacklisting of the line's trainee (person_sanctions), in force on any day of the class; the
// detail says whose ("institution" or "person").
func (a *auditor) sanctioned() error {
	rows, err := a.q.QueryContext(a.ctx, `SELECT l.id, l.claim_id, c.first_session, c.last_session, 'institution', sa.kind, sa.starts_on, sa.ends_on`+
		auditFrom+auditClass+` JOIN sanctions sa ON sa.org_id = c.org_id AND sa.kind IN ('suspend','blacklist','remove')
		WHERE`+auditWhere+`
		UNION ALL SELECT l.id, l.claim_id, c.first_session, c.last_session, 'person', ps.kind, ps.starts_on, ps.ends_on`+
		auditFrom+auditClass+` JOIN person_sanctions ps ON ps.person_id = l.person_id AND ps.kind = 'blacklist'
		WHERE`+auditWhere, a.sel.args()...)
	if err != nil {
		return err
	}
	_, err = collect(rows, func(r scanner) (int, error) {
		var line, claim int64
		var first, last time.Time
		var who, kind, from, to string
		if err := r.Scan(&line, &claim, &first, &last, &who, &kind, &from, &to); err != nil {
			return 0, err
		}
		if from <= xiangpei.ChinaDate(last) && (to == "" || to >= xiangpei.ChinaDate(first)) {
			a.add(line, claim, xiangpei.CheckSanctioned, detailJSON("who", who, "kind", kind, "from", from, "to", to))
		}
		return 0, nil
	})
	return err
}

// employedElsewhere: a full-time social-insurance record with another employer covering a day
// of the class (sessions are day-time). No data while the table is empty.
func (a *auditor) employedElsewhere() error {
	var n int
	if err := a.q.QueryRowContext(a.ctx, `SELECT COUNT(*) FROM insurance_records`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		a.noData = append(a.noData, xiangpei.CheckEmployedElsewhere)
		return nil
	}
	rows, err := a.q.QueryContext(a.ctx, `SELECT l.id, l.claim_id, c.first_session, c.last_session, ir.employer, ir.starts_on, ir.ends_on`+
		auditFrom+auditClass+` JOIN insurance_records ir ON ir.person_id = l.person_id AND ir.full_time
		WHERE`+auditWhere+` ORDER BY l.id, ir.starts_on`, a.sel.args()...)
	if err != nil {
		return err
	}
	_, err = collect(rows, func(r scanner) (int, error) {
		var line, claim int64
		var first, last time.Time
		var employer, from, to string
		if err := r.Scan(&line, &claim, &first, &last, &employer, &from, &to); err != nil {
			return 0, err
		}
		if from <= xiangpei.ChinaDate(last) && (to == "" || to >= xiangpei.ChinaDate(first)) {
			a.add(line, claim, xiangpei.CheckEmployedElsewhere, detailJSON("employer", employer, "from", from, "to", to))
		}
		return 0, nil
	})
	return err
}

// nameRegistry: there is no household-registry data to compare names with yet.
func (a *auditor) nameRegistry() error {
	a.noData = append(a.noData, xiangpei.CheckNameRegistry)
	return nil
}

// evalRow is a line's certificate as evaluation_signal looks at it.
type evalRow struct {
	line, claim, cert, org int64
	occ, level, issued     string
}

// evaluationOf finds the evaluation signals concerning the lines' certificates.
func (a *auditor) evaluationOf(rs []evalRow) error {
	if len(rs) == 0 {
		return nil
	}
	var err error
	signals := map[int][]EvaluationSignal{}
	for _, x := range rs {
		var y int
		fmt.Sscanf(x.issued, "%d", &y)
		if _, ok := signals[y]; ok || y == 0 {
			continue
		}
		if signals[y], err = a.db.EvaluationSignals(a.ctx, xiangpei.Scope{All: true}, y); err != nil {
			return err
		}
	}
	for _, x := range rs {
		var y int
		fmt.Sscanf(x.issued, "%d", &y)
		for _, s := range signals[y] {
			hit := false
			switch s.Code {
			case SignalCertBurst:
				hit = s.OrgID == x.org && (s.EarlyBurst || s.WindowBurst)
			case SignalPassRateOutlier:
				hit = s.OrgID == x.org && s.OccupationCode == x.occ && s.Level == x.level
			case SignalExaminerTeacher:
				hit = slices.Contains(s.CertificateIDs, x.cert)
			}
			if hit {
				a.add(x.line, x.claim, xiangpei.CheckEvalSignal, detailJSON("signal", s.Code, "body", s.OrgName))
			}
		}
	}
	return nil
}

// attendance: the anomaly rules of anomaly.go (FindAnomalies, the single definition) judge the
// classes of the selection whose events could hold an anomaly; an anomaly concerning a line's
// trainee is a finding of the line, with the anomaly's code. Which classes could is decided
// set-wise first, without reading the events into Go (attendanceCandidates): a class none of
// whose sessions has an event outside its window, a placed event off its venue, a personal
// device used by several people, a check-in second shared by several people, events at places
// farther apart than the geofence, or trainees with events in another class, has none of the
// five anomalies, so its events need not be read. TestClaimAuditAttendanceCandidates compares
// this path with judging every class.
func (a *auditor) attendance() error {
	sessions, err := a.selectionSessions()
	if err != nil || len(sessions.byClass) == 0 {
		return err
	}
	classes, err := a.attendanceCandidates(sessions)
	if err != nil {
		return err
	}
	return a.judgeAttendance(sessions, classes)
}

// auditSessions are the sessions of the selection's classes, the venues they name, and the
// interval they span.
type auditSessions struct {
	byClass  map[int64]map[int64]xiangpei.Session
	byID     map[int64]xiangpei.Session
	venues   map[int64]xiangpei.Venue
	from, to time.Time
}

func (a *auditor) selectionSessions() (auditSessions, error) {
	s := auditSessions{byClass: map[int64]map[int64]xiangpei.Session{}, byID: map[int64]xiangpei.Session{}}
	classes := auditClasses
	rows, err := a.q.QueryContext(a.ctx, `SELECT `+sessionCols+` FROM class_sessions x WHERE x.class_id IN (`+classes+`)`, a.sel.args()...)
	if err != nil {
		return s, err
	}
	sessions, err := collect(rows, scanSession)
	if err != nil {
		return s, err
	}
	venueIDs := map[int64]bool{}
	for _, x := range sessions {
		m := s.byClass[x.ClassID]
		if m == nil {
			m = map[int64]xiangpei.Session{}
			s.byClass[x.ClassID] = m
		}
		m[x.ID], s.byID[x.ID] = x, x
		venueIDs[x.VenueID] = true
		if s.from.IsZero() || x.Starts.Before(s.from) {
			s.from = x.Starts
		}
		if x.Ends.After(s.to) {
			s.to = x.Ends
		}
	}
	s.venues, err = venuesOf(a.ctx, a.q, venueIDs)
	return s, err
}

// eventNanos reads a stored time given as text — "2026-03-02 00:50:00+00:00" (SQLite),
// "2026-03-02 00:50:00+00" (PostgreSQL), with or without fractions of a second, "T" or "Z" — as
// Unix nanoseconds, without the general parser; anything else goes to time.Parse.
func eventNanos(b []byte) (int64, bool) {
	num := func(i, n int) (int64, bool) {
		var v int64
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int64(c-'0')
		}
		return v, true
	}
	if len(b) >= 19 && b[4] == '-' && b[7] == '-' && (b[10] == ' ' || b[10] == 'T') && b[13] == ':' && b[16] == ':' {
		y, ok1 := num(0, 4)
		mo, ok2 := num(5, 2)
		d, ok3 := num(8, 2)
		h, ok4 := num(11, 2)
		mi, ok5 := num(14, 2)
		sec, ok6 := num(17, 2)
		i, nanos := 19, int64(0)
		if i < len(b) && b[i] == '.' {
			scale := int64(100000000)
			for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
				nanos += int64(b[i]-'0') * scale
				scale /= 10
			}
		}
		offset, okOff := int64(0), true
		switch {
		case i == len(b) || (b[i] == 'Z' && i+1 == len(b)):
		case (b[i] == '+' || b[i] == '-') && (len(b)-i == 3 || (len(b)-i == 6 && b[i+3] == ':')):
			oh, ok7 := num(i+1, 2)
			om, ok8 := int64(0), true
			if len(b)-i == 6 {
				om, ok8 = num(i+4, 2)
			}
			offset, okOff = (oh*60+om)*60, ok7 && ok8
			if b[i] == '-' {
				offset = -offset
			}
		default:
			okOff = false
		}
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && okOff && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && sec < 60 {
			// days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil)
			if mo <= 2 {
				y--
			}
			era := y / 400
			yoe := y - era*400
			mp := (mo + 9) % 12
			doy := (153*mp+2)/5 + d - 1
			doe := yoe*365 + yoe/4 - yoe/100 + doy
			days := era*146097 + doe - 719468
			return ((days*86400+h*3600+mi*60+sec)-offset)*1e9 + nanos, true
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999-07", "2006-01-02 15:04:05.999999999"} {
		if x, err := time.Parse(layout, string(b)); err == nil {
			return x.UnixNano(), true
		}
	}
	return 0, false
}

// spanMetres bounds from above the distance between any two points of a latitude/longitude box:
// the north–south side plus the widest east–west side (any two points are joined by a parallel
// and a meridian inside the box).
func spanMetres(minLat, maxLat, minLng, maxLng float64) float64 {
	widest := minLat
	switch {
	case minLat <= 0 && maxLat >= 0:
		widest = 0
	case minLat > 0:
		widest = minLat
	default:
		widest = maxLat
	}
	return xiangpei.DistanceMetres(minLat, minLng, maxLat, minLng) + xiangpei.DistanceMetres(widest, minLng, widest, maxLng)
}

// attendanceCandidates lists, sorted, the classes of the selection whose events could hold an
// anomaly (see attendance). One read of the selection's events, streamed once in Go (only the
// columns the rules look at; nothing kept per event), decides which classes could hold an
// outside_window, outside_geofence, shared_device, copied_times or in-class impossible_travel
// anomaly; one aggregate query finds the classes whose trainees have events in other classes.
// Each class left out provably has no anomaly under the rules of anomaly.go.
func (a *auditor) attendanceCandidates(s auditSessions) ([]int64, error) {
	classes := auditClasses
	args := a.sel.args()
	cand := map[int64]bool{}
	// per session what the stream compares with: its class, its window with the grace (Unix
	// nanoseconds), its venue's place, and its check-ins as (second, person)
	type secondPerson struct{ second, person int64 }
	type sessionFacts struct {
		class, from, to    int64
		venueOK            bool
		venueLat, venueLng float64
		ins                []secondPerson
	}
	facts := make(map[int64]*sessionFacts, len(s.byID))
	for id, x := range s.byID {
		f := &sessionFacts{class: x.ClassID, from: x.Starts.Add(-xiangpei.WindowGrace).UnixNano(), to: x.Ends.Add(xiangpei.WindowGrace).UnixNano()}
		if v, ok := s.venues[x.VenueID]; ok {
			f.venueOK, f.venueLat, f.venueLng = true, v.Lat, v.Lng
		}
		facts[id] = f
	}
	type box struct{ minLat, maxLat, minLng, maxLng float64 }
	type deviceKey struct {
		class  int64
		device string
	}
	places := map[int64]*box{}
	devices := map[deviceKey][]int64{}              // personal devices only: the persons, up to the limit + 1
	geofence := float64(a.rules.GeofenceMetres) - 1 // a metre's margin for rounding
	copied := max(a.rules.CopiedTimeMinPeople, 2)
	// the time as text (SQLite's stored text, PostgreSQL's output), read by eventNanos: a
	// driver's general time parsing was most of this read's cost on SQLite
	rows, err := a.q.QueryContext(a.ctx, `SELECT e.class_id, e.session_id, e.person_id, CASE WHEN e.kind = 'in' THEN 1 ELSE 0 END,
		CAST(e.at AS TEXT), CASE WHEN e.terminal THEN '' ELSE e.device END, e.lat, e.lng
		FROM attendance_events e WHERE e.class_id IN (`+classes+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		class, session, person, in int64
		atText                     sql.RawBytes
		device                     sql.RawBytes
		lat, lng                   sql.NullFloat64
	)
	for rows.Next() {
		if err := rows.Scan(&class, &session, &person, &in, &atText, &device, &lat, &lng); err != nil {
			return nil, err
		}
		if cand[class] {
			continue
		}
		f := facts[session]
		if f == nil || f.class != class || !f.venueOK {
			cand[class] = true // an event of another class's session, or an unknown venue: judge it the plain way
			continue
		}
		at, ok := eventNanos(atText)
		if !ok || at < f.from || at > f.to {
			cand[class] = true // outside the window (or a time this reader does not know)
			continue
		}
		// the event's place: its coordinates, or else the venue (what place() in anomaly.go uses)
		pLat, pLng := f.venueLat, f.venueLng
		if lat.Valid && lng.Valid {
			pLat, pLng = lat.Float64, lng.Float64
			if !(xiangpei.DistanceMetres(pLat, pLng, f.venueLat, f.venueLng) <= geofence) {
				cand[class] = true
				continue
			}
		}
		if b := places[class]; b == nil {
			places[class] = &box{pLat, pLat, pLng, pLng}
		} else if pLat != b.minLat || pLat != b.maxLat || pLng != b.minLng || pLng != b.maxLng {
			b.minLat, b.maxLat, b.minLng, b.maxLng = min(b.minLat, pLat), max(b.maxLat, pLat), min(b.minLng, pLng), max(b.maxLng, pLng)
		}
		if len(device) > 0 {
			k := deviceKey{class, string(device)}
			if ps := devices[k]; !slices.Contains(ps, person) {
				if ps = append(ps, person); len(ps) > a.rules.DeviceShareLimit {
					cand[class] = true
				}
				devices[k] = ps
			}
		}
		if in == 1 {
			sec := at / 1e9
			if at < 0 && at%1e9 != 0 {
				sec-- // floor, as time.Unix does
			}
			f.ins = append(f.ins, secondPerson{sec, person})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for class, b := range places {
		if !(spanMetres(b.minLat, b.maxLat, b.minLng, b.maxLng) <= geofence) {
			cand[class] = true
		}
	}
	// the very same check-in second of enough people in a session: sort each session's
	// check-ins by second and person, count the distinct persons of each second
	for _, f := range facts {
		if cand[f.class] || len(f.ins) < copied {
			continue
		}
		slices.SortFunc(f.ins, func(p, q secondPerson) int {
			if p.second != q.second {
				return cmp.Compare(p.second, q.second)
			}
			return cmp.Compare(p.person, q.person)
		})
		n := 0
		for i, x := range f.ins {
			switch {
			case i == 0 || x.second != f.ins[i-1].second:
				n = 1
			case x.person != f.ins[i-1].person:
				n++
			}
			if n >= copied {
				cand[f.class] = true
				break
			}
		}
	}
	// trainees with events in another class around the selection's sessions
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SELECT DISTINCT r1.class_id FROM trainees r1 JOIN trainees r2 ON r2.person_id = r1.person_id AND r2.class_id <> r1.class_id
			WHERE r1.class_id IN (` + classes + `) AND EXISTS (SELECT 1 FROM attendance_events e WHERE e.class_id = r2.class_id
			AND e.person_id = r2.person_id AND e.at >= $5 AND e.at <= $6)`,
			append(slices.Clone(args), s.from.Add(-24*time.Hour), s.to.Add(24*time.Hour))},
	} {
		rows, err := a.q.QueryContext(a.ctx, q.sql, q.args...)
		if err != nil {
			return nil, err
		}
		if _, err := collect(rows, func(r scanner) (int, error) {
			var class int64
			err := r.Scan(&class)
			cand[class] = true
			return 0, err
		}); err != nil {
			return nil, err
		}
	}
	out := make([]int64, 0, len(cand))
	for c := range cand {
		if _, ok := s.byClass[c]; ok {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out, nil
}

// judgeAttendance reads the events of the given classes of the selection (and their trainees'
// events in other classes around the selection's sessions), in chunks of classes, and applies
// FindAnomalies class by class.
func (a *auditor) judgeAttendance(s auditSessions, classes []int64) error {
	type cp struct{ class, person int64 }
	lineOf := map[cp][2]int64{}
	for line, x := range a.info {
		if x.class != 0 {
			lineOf[cp{x.class, x.person}] = [2]int64{line, x.claim}
		}
	}
	var found []xiangpei.AuditFinding
	for _, chunk := range inChunks(classes, int64(0)) {
		facts := map[int64]*xiangpei.AttendanceFacts{}
		for _, c := range chunk {
			id := c.(int64)
			if id == 0 {
				continue
			}
			f := &xiangpei.AttendanceFacts{ClassID: id, Sessions: map[int64]xiangpei.Session{}, Venues: s.venues}
			for sid, x := range s.byClass[id] {
				f.Sessions[sid] = x
			}
			facts[id] = f
		}
		rows, err := a.q.QueryContext(a.ctx, `SELECT `+reportEventCols+` FROM attendance_events e WHERE e.class_id IN (`+inList1+`)`, chunk...)
		if err != nil {
			return err
		}
		if _, err := collect(rows, func(r scanner) (int, error) {
			e, err := scanReportEvent(r)
			if f := facts[e.ClassID]; f != nil {
				f.Events = append(f.Events, e)
			}
			return 0, err
		}); err != nil {
			return err
		}
		rows, err = a.q.QueryContext(a.ctx, `SELECT `+reportEventCols+`, `+sessionCols+`, r1.class_id
			FROM trainees r1 JOIN trainees r2 ON r2.person_id = r1.person_id AND r2.class_id <> r1.class_id
			JOIN attendance_events e ON e.class_id = r2.class_id AND e.person_id = r2.person_id
			JOIN class_sessions x ON x.id = e.session_id
			WHERE r1.class_id IN (`+inList1+`) AND e.at >= $257 AND e.at <= $258`,
			append(slices.Clone(chunk), s.from.Add(-24*time.Hour), s.to.Add(24*time.Hour))...)
		if err != nil {
			return err
		}
		extra := map[int64]bool{}
		if _, err := collect(rows, func(r scanner) (int, error) {
			var x xiangpei.Session
			var home int64
			e, err := scanReportEvent(r, &x.ID, &x.ClassID, &x.Seq, &x.Starts, &x.Ends, &x.Kind, &x.VenueID, &x.TeacherID, &x.MakeUp, &home)
			if err != nil {
				return 0, err
			}
			x.Starts, x.Ends = x.Starts.UTC(), x.Ends.UTC()
			if f := facts[home]; f != nil {
				f.Sessions[x.ID] = x
				f.Others = append(f.Others, e)
				if _, ok := s.venues[x.VenueID]; !ok {
					extra[x.VenueID] = true
				}
			}
			return 0, nil
		}); err != nil {
			return err
		}
		if len(extra) > 0 {
			more, err := venuesOf(a.ctx, a.q, extra)
			if err != nil {
				return err
			}
			for id, v := range more {
				s.venues[id] = v
			}
		}
		for _, c := range chunk {
			f := facts[c.(int64)]
			if f == nil || len(f.Events) == 0 {
				continue
			}
			for _, an := range xiangpei.FindAnomalies(*f, a.rules) {
				for _, p := range an.PersonIDs {
					if l, ok := lineOf[cp{f.ClassID, p}]; ok {
						c, _ := xiangpei.AuditCheckOf(an.Code)
						found = append(found, xiangpei.AuditFinding{LineID: l[0], ClaimID: l[1], Code: an.Code, Severity: c.Severity,
							Detail: detailJSON("session", an.SessionID, "reason", an.Text)})
					}
				}
			}
		}
	}
	a.out = append(a.out, found...)
	return nil
}

// venuesOf reads the places of venues by id, in chunks.
func venuesOf(ctx context.Context, q querier, set map[int64]bool) (map[int64]xiangpei.Venue, error) {
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := map[int64]xiangpei.Venue{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		marks, args := make([]string, n), make([]any, n)
		for i, id := range ids[:n] {
			marks[i], args[i] = fmt.Sprintf("$%d", i+1), id
		}
		rows, err := q.QueryContext(ctx, `SELECT id, org_id, name, county, lat, lng FROM venues WHERE id IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		if _, err := collect(rows, func(r scanner) (int, error) {
			var v xiangpei.Venue
			err := r.Scan(&v.ID, &v.OrgID, &v.Name, &v.County, &v.Lat, &v.Lng)
			out[v.ID] = v
			return 0, err
		}); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// result sorts and dedupes the findings: one finding per line and code.
func (a *auditor) result() []xiangpei.AuditFinding {
	xiangpei.SortFindings(a.out)
	a.out = xiangpei.DedupeFindings(a.out)
	slices.Sort(a.noData)
	return a.out
}

// AuditRun is one run of the automatic audit.
type AuditRun struct {
	ID          int64
	Region      string
	Year        int
	ClaimID     int64
	Status      string // running, done, failed
	ChecksTotal int
	ChecksDone  int
	Lines       int
	Passed      int
	Flagged     int
	Failed      int
	Findings    int
	NoData      []string
	Error       string
	Actor       string
	StartedAt   time.Time
	FinishedAt  time.Time
}

// Percent is the run's progress in percent.
func (r AuditRun) Percent() int {
	if r.ChecksTotal == 0 {
		return 0
	}
	return r.ChecksDone * 100 / r.ChecksTotal
}

// writeFindings replaces the findings of the selection's lines with fs and sets each line's
// result and reasons, then finishes the run row.
func (tx *Tx) writeFindings(run AuditRun, lines map[int64]int64, fs []xiangpei.AuditFinding, noData []string) (AuditRun, error) {
	now := tx.Now.Truncate(time.Microsecond)
	byLine := map[int64][]xiangpei.AuditFinding{}
	for _, f := range fs {
		byLine[f.LineID] = append(byLine[f.LineID], f)
	}
	ids := make([]int64, 0, len(lines))
	for id := range lines {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	run.Lines, run.Findings = len(ids), len(fs)
	// Set-wise: the previous findings of these lines go in chunks, the new ones are inserted many
	// rows to a statement, and the lines' results are set with one UPDATE per distinct result.
	for _, args := range inChunks(ids, 0) {
		if _, err := tx.exec(`DELETE FROM claim_audit_findings WHERE claim_line_id IN (`+inList1+`)`, args...); err != nil {
			return run, err
		}
	}
	const perRow = 8
	for from := 0; from < len(fs); from += 400 {
		chunk := fs[from:min(from+400, len(fs))]
		var b strings.Builder
		args := make([]any, 0, len(chunk)*perRow)
		for i, f := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			n := i * perRow
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
			args = append(args, xiangpei.NewID(), run.ID, f.LineID, lines[f.LineID], f.Code, f.Severity, f.Detail, now)
		}
		if _, err := tx.exec(`INSERT INTO claim_audit_findings (id, run_id, claim_line_id, claim_id, code, severity, detail, created_at)
			VALUES `+b.String(), args...); err != nil {
			return run, err
		}
	}
	type outcome struct{ result, reasons string }
	groups := map[outcome][]int64{}
	for _, id := range ids {
		mine := byLine[id]
		reasons := []string{}
		for _, f := range mine {
			c, _ := xiangpei.AuditCheckOf(f.Code)
			reasons = append(reasons, c.Key)
		}
		res := xiangpei.LineAuditResult(mine)
		switch res {
		case xiangpei.AuditPass:
			run.Passed++
		case xiangpei.AuditFlag:
			run.Flagged++
		default:
			run.Failed++
		}
		rj, _ := json.Marshal(reasons)
		o := outcome{string(res), string(rj)}
		groups[o] = append(groups[o], id)
	}
	outcomes := make([]outcome, 0, len(groups))
	for o := range groups {
		outcomes = append(outcomes, o)
	}
	slices.SortFunc(outcomes, func(a, b outcome) int { return strings.Compare(a.result+a.reasons, b.result+b.reasons) })
	for _, o := range outcomes {
		for _, args := range inChunks(groups[o], 0) {
			// lines whose result and reasons are already these (a re-run) are not rewritten
			if _, err := tx.exec(`UPDATE claim_lines SET audit = $1, audit_reasons = $2 WHERE id IN (`+inList3+`)
				AND (audit <> $1 OR audit_reasons <> $2)`,
				append([]any{o.result, o.reasons}, args...)...); err != nil {
				return run, err
			}
		}
	}
	nd, _ := json.Marshal(append([]string{}, noData...))
	run.Status, run.ChecksDone, run.NoData, run.FinishedAt = "done", run.ChecksTotal, noData, now
	if _, err := tx.exec(`UPDATE claim_audit_runs SET status = 'done', checks_done = checks_total, lines = $2, passed = $3, flagged = $4,
		failed = $5, findings = $6, no_data = $7, finished_at = $8, version = version + 1 WHERE id = $1`,
		run.ID, run.Lines, run.Passed, run.Flagged, run.Failed, run.Findings, string(nd), now); err != nil {
		return run, err
	}
	return run, tx.Audit("claim_audit.run", "claim_audit_run", run.ID, run.Region, map[string]any{"claim": run.ClaimID, "year": run.Year,
		"lines": run.Lines, "passed": run.Passed, "flagged": run.Flagged, "failed": run.Failed, "findings": run.Findings})
}

// inList3 is the IN list of a statement whose first two parameters come before it.
var inList3 = inList(3)

func (tx *Tx) insertRun(sel AuditSelection, region string, total int) (AuditRun, error) {
	run := AuditRun{ID: xiangpei.NewID(), Region: region, Year: sel.Year, ClaimID: sel.ClaimID, Status: "running",
		ChecksTotal: total, Actor: tx.Actor.Name, StartedAt: tx.Now.Truncate(time.Microsecond)}
	_, err := tx.exec(`INSERT INTO claim_audit_runs (id, region, year, claim_id, status, checks_total, actor, started_at)
		VALUES ($1, $2, $3, $4, 'running', $5, $6, $7)`, run.ID, run.Region, run.Year, run.ClaimID, run.ChecksTotal, run.Actor, run.StartedAt)
	return run, err
}

// AuditClaim runs every check over the lines of one claim inside the transaction, replacing
// their findings and results (the audit on submission).
func (tx *Tx) AuditClaim(claimID int64) (AuditRun, error) {
	k, err := tx.Claim(xiangpei.Scope{All: true}, claimID)
	if err != nil {
		return AuditRun{}, err
	}
	a := &auditor{ctx: tx.ctx, q: tx.tx, db: tx.db, sel: AuditSelection{ClaimID: claimID}, rules: tx.db.Rules()}
	steps := a.steps()
	run, err := tx.insertRun(a.sel, k.County, len(steps))
	if err != nil {
		return run, err
	}
	for _, step := range steps {
		if err := step.run(); err != nil {
			return run, err
		}
	}
	return tx.writeFindings(run, a.lines, a.result(), a.noData)
}

// auditSubmitted runs the audit of a claim just submitted, in the same transaction.
func (tx *Tx) auditSubmitted(k xiangpei.Claim, err error) (xiangpei.Claim, error) {
	if err != nil {
		return k, err
	}
	if _, err := tx.AuditClaim(k.ID); err != nil {
		return k, err
	}
	return tx.Claim(xiangpei.Scope{All: true}, k.ID)
}

func auditOfficer(a xiangpei.Actor) bool {
	return a.Role == xiangpei.RoleAdmin || (a.Role == xiangpei.RoleOfficer &&
		(a.Duties.Has(xiangpei.DutyClaimReview1) || a.Duties.Has(xiangpei.DutyClaimReview2)))
}

// StartAuditRun records a new run over a region (within the actor's scope) and year; RunAudit
// then does the work. An actor without claim review duty is Forbidden; a region outside scope
// NotFound.
func (db *DB) StartAuditRun(ctx context.Context, actor xiangpei.Actor, region string, year int) (AuditRun, error) {
	return Do(ctx, db, actor, func(tx *Tx) (AuditRun, error) { return tx.StartAuditRun(region, year) })
}

// StartAuditRun records a new run of the transaction's actor over a region and year (see
// DB.StartAuditRun).
func (tx *Tx) StartAuditRun(region string, year int) (AuditRun, error) {
	actor := tx.Actor
	if !auditOfficer(actor) && !actor.Scope().All {
		return AuditRun{}, xiangpei.Errorf(xiangpei.Forbidden, "claimaudit.officer_only", "Only a claim reviewer can run the audit.")
	}
	s := actor.Scope()
	region = strings.TrimSpace(region)
	if region == "" {
		region = actor.Region
	}
	if len(region) != 6 || (!s.All && !s.Covers(xiangpei.RegionPrefix(region))) {
		return AuditRun{}, xiangpei.Errorf(xiangpei.NotFound, "claimaudit.region_not_found", "There is no such region within your reach.")
	}
	if year < 2000 || year > 2100 {
		return AuditRun{}, xiangpei.Errorf(xiangpei.Invalid, "claimaudit.bad_year", "Give a year such as 2026.")
	}
	run, err := tx.insertRun(AuditSelection{Region: region, Year: year}, region, len((&auditor{}).steps()))
	if err != nil {
		return run, err
	}
	return run, tx.Audit("claim_audit.start", "claim_audit_run", run.ID, region, map[string]any{"year": year})
}

// RunAudit runs the checks of a started run, updating its progress after each check, then
// writes the findings and results in one transaction. A failure marks the run failed.
func (db *DB) RunAudit(ctx context.Context, actor xiangpei.Actor, runID int64) (AuditRun, error) {
	run, err := db.AuditRun(ctx, xiangpei.Scope{All: true}, runID)
	if err != nil {
		return run, err
	}
	a := &auditor{ctx: ctx, q: db.read, db: db, sel: AuditSelection{Region: run.Region, Year: run.Year, ClaimID: run.ClaimID}, rules: db.Rules()}
	fail := func(err error) (AuditRun, error) {
		_, _ = db.write.ExecContext(ctx, `UPDATE claim_audit_runs SET status = 'failed', error = $2 WHERE id = $1`, runID, err.Error())
		return run, err
	}
	for i, step := range a.steps() {
		if err := step.run(); err != nil {
			return fail(err)
		}
		// progress is operational state, not a change of record: no audit entry
		if _, err := db.write.ExecContext(ctx, `UPDATE claim_audit_runs SET checks_done = $2 WHERE id = $1`, runID, i+1); err != nil {
			return fail(err)
		}
	}
	fs := a.result()
	out, err := Do(ctx, db, actor, func(tx *Tx) (AuditRun, error) { return tx.writeFindings(run, a.lines, fs, a.noData) })
	if err != nil {
		return fail(err)
	}
	return out, nil
}

const runCols = `id, region, year, claim_id, status, checks_total, checks_done, lines, passed, flagged, failed, findings, no_data, error,
	actor, started_at, finished_at`

func scanRun(r scanner) (AuditRun, error) {
	var x AuditRun
	var nd string
	var fin sql.NullTime
	err := r.Scan(&x.ID, &x.Region, &x.Year, &x.ClaimID, &x.Status, &x.ChecksTotal, &x.ChecksDone, &x.Lines, &x.Passed, &x.Flagged,
		&x.Failed, &x.Findings, &nd, &x.Error, &x.Actor, &x.StartedAt, &fin)
	if err != nil {
		return x, err
	}
	x.StartedAt = x.StartedAt.UTC()
	if fin.Valid {
		x.FinishedAt = fin.Time.UTC()
	}
	err = json.Unmarshal([]byte(nd), &x.NoData)
	return x, err
}

// runScope restricts runs to the scope's region ($1 all, $2 pattern); staff and persons see none.
const runScope = ` ($1 OR region LIKE $2) AND CAST($3 AS BIGINT) = 0 AND CAST($4 AS BIGINT) = 0`

// AuditRun reads a run within scope; outside it, NotFound.
func (db *DB) AuditRun(ctx context.Context, s xiangpei.Scope, id int64) (AuditRun, error) {
	a := scopeOf(s)
	x, err := scanRun(db.read.QueryRowContext(ctx, `SELECT `+runCols+` FROM claim_audit_runs WHERE id = $5 AND`+runScope,
		a.all, a.region, a.org, a.person, id))
	return x, mapError(err, "Audit run")
}

// AuditRuns lists the region runs within scope, newest first, with the total.
func (db *DB) AuditRuns(ctx context.Context, s xiangpei.Scope, page Page) ([]AuditRun, int, error) {
	a := scopeOf(s)
	where := ` FROM claim_audit_runs WHERE claim_id = 0 AND` + runScope
	args := []any{a.all, a.region, a.org, a.person}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+runCols+where+` ORDER BY started_at DESC, id DESC LIMIT $5 OFFSET $6`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanRun)
	return out, total, err
}

// AuditFindingRow is a finding with its line's person and claim, for lists.
type AuditFindingRow struct {
	xiangpei.AuditFinding
	PersonName string
	County     string
}

// AuditCodeCount is how many lines one check found.
type AuditCodeCount struct {
	Code     string
	Severity string
	Count    int
}

// AuditRunCounts counts the findings of a run (within scope) by code, in catalogue order.
func (db *DB) AuditRunCounts(ctx context.Context, s xiangpei.Scope, runID int64) ([]AuditCodeCount, error) {
	if _, err := db.AuditRun(ctx, s, runID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT code, COUNT(*) FROM claim_audit_findings WHERE run_id = $1 GROUP BY code`, runID)
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	if _, err := collect(rows, func(r scanner) (int, error) {
		var c string
		var k int
		err := r.Scan(&c, &k)
		n[c] = k
		return k, err
	}); err != nil {
		return nil, err
	}
	var out []AuditCodeCount
	for _, c := range xiangpei.AuditChecks {
		if n[c.Code] > 0 {
			out = append(out, AuditCodeCount{c.Code, c.Severity, n[c.Code]})
		}
	}
	return out, nil
}

// AuditFindings lists the findings of a run within scope (optionally of one code), by line and
// code, with the total.
func (db *DB) AuditFindings(ctx context.Context, s xiangpei.Scope, runID int64, code string, page Page) ([]AuditFindingRow, int, error) {
	if _, err := db.AuditRun(ctx, s, runID); err != nil {
		return nil, 0, err
	}
	a := scopeOf(s)
	where := ` FROM claim_audit_findings f JOIN claim_lines l ON l.id = f.claim_line_id JOIN claims k ON k.id = f.claim_id
		JOIN persons p ON p.id = l.person_id WHERE f.run_id = $5 AND ($6 = '' OR f.code = $6) AND` + claimScope
	args := []any{a.all, a.region, a.org, a.person, runID, code}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT f.claim_line_id, f.claim_id, f.code, f.severity, f.detail, f.run_id, p.name, k.county`+where+`
		ORDER BY f.claim_line_id, f.code LIMIT $7 OFFSET $8`, append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, func(r scanner) (AuditFindingRow, error) {
		var x AuditFindingRow
		err := r.Scan(&x.LineID, &x.ClaimID, &x.Code, &x.Severity, &x.Detail, &x.RunID, &x.PersonName, &x.County)
		return x, err
	})
	return out, total, err
}

// LineFindings lists the current findings of the lines of a claim within scope, by line and code.
func (db *DB) LineFindings(ctx context.Context, s xiangpei.Scope, claimID int64) ([]xiangpei.AuditFinding, error) {
	if _, err := db.Claim(ctx, s, claimID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT claim_line_id, claim_id, code, severity, detail, run_id FROM claim_audit_findings
		WHERE claim_id = $1 ORDER BY claim_line_id, code`, claimID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (xiangpei.AuditFinding, error) {
		var x xiangpei.AuditFinding
		err := r.Scan(&x.LineID, &x.ClaimID, &x.Code, &x.Severity, &x.Detail, &x.RunID)
		return x, err
	})
}
