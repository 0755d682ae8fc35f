package store

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"time"

	"xiangpei"
)

// 评 — the officer's oversight of assessment bodies (SPEC §5): their volumes and pass rates
// for a year, and the signals the 2022 national audit looked for — certificate bursts, pass
// rates far above peers, examiner = teacher — listed for review and used by the subsidy audit.
// docs/oversight.md documents the rules and thresholds.

// The thresholds of the signals. They are values in the code on purpose: changing them is a
// decision to document (docs/oversight.md), not a setting.
const (
	// BurstEarlyDays is the period after accreditation in which EarlyBurstLimit applies.
	BurstEarlyDays = 90
	// BurstEarlyLimit: more certificates than this in a body's first BurstEarlyDays days is a burst.
	BurstEarlyLimit = 100
	// BurstWindowDays and BurstWindowLimit: more than BurstWindowLimit certificates in any
	// BurstWindowDays consecutive days is a burst.
	BurstWindowDays  = 7
	BurstWindowLimit = 200
	// OutlierPoints: a pass rate more than this many percentage points above the peers' median.
	OutlierPoints = 20
	// OutlierMinCandidates: a body and each of its peers needs at least this many candidates
	// who sat (a pass or a fail) in the occupation and level for the comparison.
	OutlierMinCandidates = 20
	// OutlierMinPeers: the comparison needs at least this many other bodies in the province.
	OutlierMinPeers = 2
)

// The codes of the signals.
const (
	SignalCertBurst       = "cert_burst"
	SignalPassRateOutlier = "pass_rate_outlier"
	SignalExaminerTeacher = "examiner_teacher"
)

// SignalCodes lists the codes in the order pages show them.
var SignalCodes = []string{SignalCertBurst, SignalPassRateOutlier, SignalExaminerTeacher}

// BodyStats is one assessment body's volumes in a year.
type BodyStats struct {
	OrgID      int64
	OrgName    string
	County     string
	Accredited time.Time // organisations.created_at stands for the accreditation date
	Plans      int       // plans not cancelled whose exam falls in the year
	Candidates int       // candidates registered or accepted in those plans
	Sat        int       // candidates with a pass or a fail (the absent did not sit)
	Passes     int
	Issued     int // certificates the body issued in the year
	Revoked    int // of those, revoked since
}

// PassRate is the pass rate in percent of those who sat, -1 when nobody sat.
func (b BodyStats) PassRate() float64 {
	if b.Sat == 0 {
		return -1
	}
	return float64(b.Passes) * 100 / float64(b.Sat)
}

// BodySorts are the orders the list of bodies can be sorted in.
var BodySorts = []string{"name", "candidates", "pass_rate", "issued", "revoked"}

var bodyOrder = map[string]string{
	"name":       ` ORDER BY o.name, o.id`,
	"candidates": ` ORDER BY candidates DESC, o.name, o.id`,
	"pass_rate":  ` ORDER BY rate DESC, o.name, o.id`,
	"issued":     ` ORDER BY issued DESC, o.name, o.id`,
	"revoked":    ` ORDER BY revoked DESC, o.name, o.id`,
}

// bodyStatsSQL aggregates, set-wise, the plans, candidates and certificates of the assessment
// bodies in scope for the year: $1–$4 the organisation scope, $5/$6 the year's span, $7 the
// year's date prefix, $8 one body (0 any).
const bodyStatsSQL = `SELECT o.id, o.name, o.county, o.created_at, COALESCE(pl.plans, 0) AS plans,
	COALESCE(cd.candidates, 0) AS candidates, COALESCE(cd.sat, 0) AS sat, COALESCE(cd.passes, 0) AS passes,
	COALESCE(ce.issued, 0) AS issued, COALESCE(ce.revoked, 0) AS revoked,
	CASE WHEN COALESCE(cd.sat, 0) = 0 THEN -1 ELSE cd.passes * 1000 / cd.sat END AS rate
	FROM organisations o
	LEFT JOIN (SELECT ap.org_id, COUNT(*) AS plans FROM assessment_plans ap
		WHERE ap.status <> 'cancelled' AND ap.exam_at >= $5 AND ap.exam_at < $6 GROUP BY ap.org_id) pl ON pl.org_id = o.id
	LEFT JOIN (SELECT ap.org_id,
			SUM(CASE WHEN ca.status IN ('registered', 'accepted') THEN 1 ELSE 0 END) AS candidates,
			SUM(CASE WHEN ca.result IN ('pass', 'fail') THEN 1 ELSE 0 END) AS sat,
			SUM(CASE WHEN ca.result = 'pass' THEN 1 ELSE 0 END) AS passes
		FROM candidates ca JOIN assessment_plans ap ON ap.id = ca.plan_id
		WHERE ap.status <> 'cancelled' AND ap.exam_at >= $5 AND ap.exam_at < $6 GROUP BY ap.org_id) cd ON cd.org_id = o.id
	LEFT JOIN (SELECT c.issuer_org_id, COUNT(*) AS issued, SUM(CASE WHEN c.status = 'revoked' THEN 1 ELSE 0 END) AS revoked
		FROM certificates c WHERE c.issued_on LIKE $7 GROUP BY c.issuer_org_id) ce ON ce.issuer_org_id = o.id
	WHERE o.kind = 'assessor' AND (CAST($8 AS BIGINT) = 0 OR o.id = $8) AND ($1 OR o.county LIKE $2)
		AND (CAST($3 AS BIGINT) = 0 OR o.id = $3) AND CAST($4 AS BIGINT) = 0`

func scanBodyStats(r scanner) (BodyStats, error) {
	var b BodyStats
	var rate int64
	err := r.Scan(&b.OrgID, &b.OrgName, &b.County, &b.Accredited, &b.Plans, &b.Candidates, &b.Sat, &b.Passes, &b.Issued, &b.Revoked, &rate)
	b.Accredited = b.Accredited.UTC()
	return b, err
}

func bodyArgs(s xiangpei.Scope, year int, orgID int64) []any {
	a := scopeOf(s)
	from, to := xiangpei.ChinaYear(year)
	return []any{a.all, a.region, a.org, a.person, from, to, strconv.Itoa(year) + "-%", orgID}
}

// BodyStatsList lists the assessment bodies in scope with their volumes for year, sorted by
// one of BodySorts (name by default), with the total.
func (db *DB) BodyStatsList(ctx context.Context, s xiangpei.Scope, year int, sortBy string, page Page) ([]BodyStats, int, error) {
	order, ok := bodyOrder[sortBy]
	if !ok {
		order = bodyOrder["name"]
	}
	args := bodyArgs(s, year, 0)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations o WHERE o.kind = 'assessor'
		AND (CAST($1 AS BIGINT) = 0 OR o.id = $1) AND `+orgScope, int64(0), args[0], args[1], args[2], args[3]).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, bodyStatsSQL+order+` LIMIT $9 OFFSET $10`, append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanBodyStats)
	return out, total, err
}

// BodyPlan is one plan of a body with its counts.
type BodyPlan struct {
	ID             int64
	OccupationCode string
	OccupationName string
	Level          string
	Mode           string
	ExamAt         time.Time
	Status         string
	Candidates     int
	Passes         int
	Fails          int
	Absent         int
}

// BodyMonth is a body's volume in one month of the year.
type BodyMonth struct {
	Month      int // 1–12
	Plans      int
	Candidates int
	Passes     int
	Issued     int
	Revoked    int
}

// BodyDetail is one assessment body's year: its totals, its plans and its monthly volumes.
type BodyDetail struct {
	Stats  BodyStats
	Plans  []BodyPlan
	Months []BodyMonth // always twelve
}

// Body reads one assessment body in scope for year. An organisation outside the scope, or one
// that is not an assessment body, is NotFound.
func (db *DB) Body(ctx context.Context, s xiangpei.Scope, orgID int64, year int) (BodyDetail, error) {
	var d BodyDetail
	var err error
	d.Stats, err = scanBodyStats(db.read.QueryRowContext(ctx, bodyStatsSQL, bodyArgs(s, year, orgID)...))
	if err != nil {
		return d, mapError(err, "Organisation")
	}
	from, to := xiangpei.ChinaYear(year)
	rows, err := db.read.QueryContext(ctx, `SELECT ap.id, ap.occupation_code, COALESCE(oc.name, ''), ap.level, ap.mode, ap.exam_at, ap.status,
		COALESCE(SUM(CASE WHEN ca.status IN ('registered', 'accepted') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ca.result = 'pass' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ca.result = 'fail' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ca.result = 'absent' THEN 1 ELSE 0 END), 0)
		FROM assessment_plans ap LEFT JOIN candidates ca ON ca.plan_id = ap.id LEFT JOIN occupations oc ON oc.code = ap.occupation_code
		WHERE ap.org_id = $1 AND ap.exam_at >= $2 AND ap.exam_at < $3
		GROUP BY ap.id, ap.occupation_code, oc.name, ap.level, ap.mode, ap.exam_at, ap.status
		ORDER BY ap.exam_at, ap.id`, orgID, from, to)
	if err != nil {
		return d, err
	}
	d.Plans, err = collect(rows, func(r scanner) (BodyPlan, error) {
		var p BodyPlan
		err := r.Scan(&p.ID, &p.OccupationCode, &p.OccupationName, &p.Level, &p.Mode, &p.ExamAt, &p.Status, &p.Candidates, &p.Passes, &p.Fails, &p.Absent)
		p.ExamAt = p.ExamAt.UTC()
		return p, err
	})
	if err != nil {
		return d, err
	}
	d.Months = make([]BodyMonth, 12)
	for i := range d.Months {
		d.Months[i].Month = i + 1
	}
	for _, p := range d.Plans {
		if p.Status == "cancelled" {
			continue
		}
		m := &d.Months[p.ExamAt.In(xiangpei.ChinaTime).Month()-1]
		m.Plans++
		m.Candidates += p.Candidates
		m.Passes += p.Passes
	}
	crow, err := db.read.QueryContext(ctx, `SELECT substr(c.issued_on, 6, 2), COUNT(*), SUM(CASE WHEN c.status = 'revoked' THEN 1 ELSE 0 END)
		FROM certificates c WHERE c.issuer_org_id = $1 AND c.issued_on LIKE $2 GROUP BY substr(c.issued_on, 6, 2)`,
		orgID, strconv.Itoa(year)+"-%")
	if err != nil {
		return d, err
	}
	defer crow.Close()
	for crow.Next() {
		var mm string
		var n, rv int
		if err := crow.Scan(&mm, &n, &rv); err != nil {
			return d, err
		}
		if m, err := strconv.Atoi(mm); err == nil && m >= 1 && m <= 12 {
			d.Months[m-1].Issued, d.Months[m-1].Revoked = n, rv
		}
	}
	return d, crow.Err()
}

// EvaluationSignal is one pattern flagged for review. Which fields are filled depends on Code;
// CertificateIDs always lists the certificates the signal concerns, so that the subsidy audit
// can flag claims resting on them.
type EvaluationSignal struct {
	Code    string // SignalCertBurst, SignalPassRateOutlier or SignalExaminerTeacher
	OrgID   int64
	OrgName string
	County  string

	// cert_burst: the first days after accreditation (Early*) and the busiest window
	// (Window*); a rule not broken leaves its count at what was found and its flag false.
	Accredited                     string // YYYY-MM-DD, China date
	EarlyBurst, WindowBurst        bool
	EarlyCount, WindowCount        int
	EarlyFrom, EarlyTo             string // YYYY-MM-DD, inclusive
	WindowFrom, WindowTo           string
	OccupationCode, OccupationName string // pass_rate_outlier
	Level                          string
	Sat, Passes                    int
	RatePct, PeerMedianPct         float64
	Peers                          int
	PlanID                         int64 // examiner_teacher
	ExaminerName                   string
	CandidateID, PersonID          int64
	CandidateName                  string
	ClassID                        int64
	ClassName                      string
	CertificateIDs                 []int64
}

// EvaluationSignals lists the signals about the assessment bodies in scope for year: bursts,
// pass-rate outliers and examiner = teacher conflicts, in that order, each by body name.
func (db *DB) EvaluationSignals(ctx context.Context, s xiangpei.Scope, year int) ([]EvaluationSignal, error) {
	bursts, err := db.burstSignals(ctx, s, year)
	if err != nil {
		return nil, err
	}
	outliers, err := db.outlierSignals(ctx, s, year)
	if err != nil {
		return nil, err
	}
	conflicts, err := db.conflictSignals(ctx, s, year)
	if err != nil {
		return nil, err
	}
	return slices.Concat(bursts, outliers, conflicts), nil
}

// scopedBodies returns the assessment bodies in scope by id.
func (db *DB) scopedBodies(ctx context.Context, s xiangpei.Scope) (map[int64]BodyStats, error) {
	a := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT o.id, o.name, o.county, o.created_at FROM organisations o
		WHERE o.kind = 'assessor' AND (CAST($1 AS BIGINT) = 0 OR o.id = $1) AND `+orgScope, int64(0), a.all, a.region, a.org, a.person)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, func(r scanner) (BodyStats, error) {
		var b BodyStats
		err := r.Scan(&b.OrgID, &b.OrgName, &b.County, &b.Accredited)
		return b, err
	})
	out := map[int64]BodyStats{}
	for _, b := range list {
		out[b.OrgID] = b
	}
	return out, err
}

func ovsAddDays(d string, n int) string {
	t, err := time.ParseInLocation(time.DateOnly, d, xiangpei.ChinaTime)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// burstSignals counts each body's certificates per day in SQL and slides the windows over
// the daily counts: the first BurstEarlyDays days after accreditation when that period meets
// the year, and every BurstWindowDays-day window that starts in the year.
func (db *DB) burstSignals(ctx context.Context, s xiangpei.Scope, year int) ([]EvaluationSignal, error) {
	bodies, err := db.scopedBodies(ctx, s)
	if err != nil || len(bodies) == 0 {
		return nil, err
	}
	a := scopeOf(s)
	y0, y1 := strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
	lo, hi := ovsAddDays(y0, -BurstEarlyDays), ovsAddDays(y1, BurstEarlyDays)
	rows, err := db.read.QueryContext(ctx, `SELECT c.issuer_org_id, c.issued_on, COUNT(*) FROM certificates c
		JOIN organisations o ON o.id = c.issuer_org_id
		WHERE o.kind = 'assessor' AND c.issued_on >= $6 AND c.issued_on <= $7 AND (CAST($1 AS BIGINT) = 0 OR o.id = $1) AND `+orgScope+`
		GROUP BY c.issuer_org_id, c.issued_on ORDER BY c.issuer_org_id, c.issued_on`, int64(0), a.all, a.region, a.org, a.person, lo, hi)
	if err != nil {
		return nil, err
	}
	type daily struct {
		day string
		n   int
	}
	perOrg := map[int64][]daily{}
	for rows.Next() {
		var id int64
		var d daily
		if err := rows.Scan(&id, &d.day, &d.n); err != nil {
			rows.Close()
			return nil, err
		}
		perOrg[id] = append(perOrg[id], d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []EvaluationSignal
	for id, days := range perOrg {
		b := bodies[id]
		sig := EvaluationSignal{Code: SignalCertBurst, OrgID: id, OrgName: b.OrgName, County: b.County, Accredited: xiangpei.ChinaDate(b.Accredited)}
		sig.EarlyFrom, sig.EarlyTo = sig.Accredited, ovsAddDays(sig.Accredited, BurstEarlyDays-1)
		if sig.EarlyFrom <= y1 && sig.EarlyTo >= y0 {
			for _, d := range days {
				if d.day >= sig.EarlyFrom && d.day <= sig.EarlyTo {
					sig.EarlyCount += d.n
				}
			}
			sig.EarlyBurst = sig.EarlyCount > BurstEarlyLimit
		}
		// Days are sorted: j runs ahead of i over the days inside the window that starts at i.
		sum, j := 0, 0
		for i, d := range days {
			if i > 0 {
				sum -= days[i-1].n
			}
			if j < i {
				j, sum = i, 0
			}
			end := ovsAddDays(d.day, BurstWindowDays-1)
			for j < len(days) && days[j].day <= end {
				sum += days[j].n
				j++
			}
			if d.day >= y0 && d.day <= y1 && sum > sig.WindowCount {
				sig.WindowCount, sig.WindowFrom, sig.WindowTo = sum, d.day, end
			}
		}
		sig.WindowBurst = sig.WindowCount > BurstWindowLimit
		if sig.EarlyBurst || sig.WindowBurst {
			out = append(out, sig)
		}
	}
	for i := range out {
		var ranges [][2]string
		if out[i].EarlyBurst {
			ranges = append(ranges, [2]string{out[i].EarlyFrom, out[i].EarlyTo})
		}
		if out[i].WindowBurst {
			ranges = append(ranges, [2]string{out[i].WindowFrom, out[i].WindowTo})
		}
		if out[i].CertificateIDs, err = db.certIDsIn(ctx, out[i].OrgID, ranges); err != nil {
			return nil, err
		}
	}
	ovsSort(out)
	return out, nil
}

// certIDsIn lists a body's certificates issued within any of the date ranges.
func (db *DB) certIDsIn(ctx context.Context, orgID int64, ranges [][2]string) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for _, r := range ranges {
		rows, err := db.read.QueryContext(ctx, `SELECT id FROM certificates WHERE issuer_org_id = $1 AND issued_on >= $2 AND issued_on <= $3
			ORDER BY id`, orgID, r[0], r[1])
		if err != nil {
			return nil, err
		}
		ids, err := collect(rows, func(r scanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

func ovsSort(out []EvaluationSignal) {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].OrgName != out[j].OrgName {
			return out[i].OrgName < out[j].OrgName
		}
		if out[i].OrgID != out[j].OrgID {
			return out[i].OrgID < out[j].OrgID
		}
		if out[i].OccupationCode != out[j].OccupationCode {
			return out[i].OccupationCode < out[j].OccupationCode
		}
		if out[i].Level != out[j].Level {
			return out[i].Level < out[j].Level
		}
		return out[i].CandidateID < out[j].CandidateID
	})
}

func ovsMedian(xs []float64) float64 {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// outlierSignals aggregates, per body, occupation and level, the candidates who sat and passed
// in the year (GROUP BY in SQL), and compares each body in scope with the median of the other
// bodies of its province: peers are counted whichever officer asks, the signals are those of
// the bodies in scope.
func (db *DB) outlierSignals(ctx context.Context, s xiangpei.Scope, year int) ([]EvaluationSignal, error) {
	bodies, err := db.scopedBodies(ctx, s)
	if err != nil || len(bodies) == 0 {
		return nil, err
	}
	from, to := xiangpei.ChinaYear(year)
	rows, err := db.read.QueryContext(ctx, `SELECT ap.org_id, o.name, o.county, ap.occupation_code, COALESCE(oc.name, ''), ap.level,
		SUM(CASE WHEN ca.result IN ('pass', 'fail') THEN 1 ELSE 0 END) AS sat, SUM(CASE WHEN ca.result = 'pass' THEN 1 ELSE 0 END)
		FROM candidates ca JOIN assessment_plans ap ON ap.id = ca.plan_id JOIN organisations o ON o.id = ap.org_id
		LEFT JOIN occupations oc ON oc.code = ap.occupation_code
		WHERE ap.status <> 'cancelled' AND ap.exam_at >= $1 AND ap.exam_at < $2 AND ca.result IN ('pass', 'fail')
		GROUP BY ap.org_id, o.name, o.county, ap.occupation_code, oc.name, ap.level
		HAVING SUM(CASE WHEN ca.result IN ('pass', 'fail') THEN 1 ELSE 0 END) >= $3`, from, to, OutlierMinCandidates)
	if err != nil {
		return nil, err
	}
	groups, err := collect(rows, func(r scanner) (EvaluationSignal, error) {
		g := EvaluationSignal{Code: SignalPassRateOutlier}
		err := r.Scan(&g.OrgID, &g.OrgName, &g.County, &g.OccupationCode, &g.OccupationName, &g.Level, &g.Sat, &g.Passes)
		g.RatePct = float64(g.Passes) * 100 / float64(max(g.Sat, 1))
		return g, err
	})
	if err != nil {
		return nil, err
	}
	key := func(g EvaluationSignal) string {
		return g.County[:min(2, len(g.County))] + "|" + g.OccupationCode + "|" + g.Level
	}
	byKey := map[string][]EvaluationSignal{}
	for _, g := range groups {
		byKey[key(g)] = append(byKey[key(g)], g)
	}
	var out []EvaluationSignal
	for _, g := range groups {
		if _, ok := bodies[g.OrgID]; !ok {
			continue
		}
		var peers []float64
		for _, p := range byKey[key(g)] {
			if p.OrgID != g.OrgID {
				peers = append(peers, p.RatePct)
			}
		}
		if len(peers) < OutlierMinPeers {
			continue
		}
		g.Peers, g.PeerMedianPct = len(peers), ovsMedian(peers)
		if g.RatePct-g.PeerMedianPct > OutlierPoints {
			out = append(out, g)
		}
	}
	for i := range out {
		rows, err := db.read.QueryContext(ctx, `SELECT ca.certificate_id FROM candidates ca JOIN assessment_plans ap ON ap.id = ca.plan_id
			WHERE ap.org_id = $1 AND ap.occupation_code = $2 AND ap.level = $3 AND ap.exam_at >= $4 AND ap.exam_at < $5
			AND ap.status <> 'cancelled' AND ca.certificate_id IS NOT NULL ORDER BY ca.certificate_id`,
			out[i].OrgID, out[i].OccupationCode, out[i].Level, from, to)
		if err != nil {
			return nil, err
		}
		if out[i].CertificateIDs, err = collect(rows, func(r scanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}); err != nil {
			return nil, err
		}
	}
	ovsSort(out)
	return out, nil
}

// conflictSignals turns the examiner = teacher conflicts of the year (found by
// ExaminerTeacherConflicts, assessment.go) into signals, each with the certificate its
// candidate was issued, if any.
func (db *DB) conflictSignals(ctx context.Context, s xiangpei.Scope, year int) ([]EvaluationSignal, error) {
	bodies, err := db.scopedBodies(ctx, s)
	if err != nil || len(bodies) == 0 {
		return nil, err
	}
	conflicts, err := db.ExaminerTeacherConflicts(ctx, s, year)
	if err != nil || len(conflicts) == 0 {
		return nil, err
	}
	// The certificates of the candidates concerned, read in one statement.
	certs := map[int64]int64{}
	from, to := xiangpei.ChinaYear(year)
	rows, err := db.read.QueryContext(ctx, `SELECT ca.id, ca.certificate_id FROM candidates ca JOIN assessment_plans ap ON ap.id = ca.plan_id
		WHERE ca.certificate_id IS NOT NULL AND ap.exam_at >= $1 AND ap.exam_at < $2`, from, to)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var cand, cert int64
		if err := rows.Scan(&cand, &cert); err != nil {
			rows.Close()
			return nil, err
		}
		certs[cand] = cert
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]EvaluationSignal, 0, len(conflicts))
	for _, x := range conflicts {
		if _, ok := bodies[x.OrgID]; !ok {
			continue // a person's scope reaches plans, never a body's signals
		}
		g := EvaluationSignal{Code: SignalExaminerTeacher, OrgID: x.OrgID, OrgName: x.OrgName, County: x.County, PlanID: x.PlanID,
			ExaminerName: x.ExaminerName, CandidateID: x.CandidateID, PersonID: x.PersonID, CandidateName: x.CandidateName,
			ClassID: x.ClassID, ClassName: x.ClassName}
		if id, ok := certs[x.CandidateID]; ok {
			g.CertificateIDs = []int64{id}
		}
		out = append(out, g)
	}
	ovsSort(out)
	return out, nil
}
