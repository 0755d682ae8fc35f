package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 评 — the officer's oversight of assessment bodies (SPEC §5): the bodies of the region with
// their volumes and pass rates for a year, one body's plans and months, and the signals listed
// for review (docs/oversight.md). Every page has its JSON twin and its Excel download.

const (
	bodiesPerPage  = 20
	signalsPerPage = 50
)

func (s *Server) registerOversightRoutes() {
	officers := Officers()
	s.handleBoth("GET /evaluation/bodies", "/api/v1/evaluation/bodies", officers, s.bodiesList)
	s.handleBoth("GET /evaluation/bodies/{org}", "/api/v1/evaluation/bodies/{org}", officers, s.bodyShow)
	s.handleBoth("GET /evaluation/signals", "/api/v1/evaluation/signals", officers, s.signalsList)
}

// ovsYear reads ?year=, the current year in China by default.
func (s *Server) ovsYear(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2099 {
		return y
	}
	return s.now().In(xiangpei.ChinaTime).Year()
}

// ovsYears are the years the year filter offers: the current one and the five before.
func (s *Server) ovsYears() []int {
	y := s.now().In(xiangpei.ChinaTime).Year()
	return []int{y, y - 1, y - 2, y - 3, y - 4, y - 5}
}

// ovsRate shows a pass rate with one decimal, "—" when nobody sat.
func ovsRate(v float64) string {
	if v < 0 {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + "%"
}

func bodyJSON(b store.BodyStats) map[string]any {
	var rate any
	if b.Sat > 0 {
		rate = b.PassRate()
	}
	return map[string]any{"org_id": b.OrgID, "name": b.OrgName, "county": b.County, "accredited_at": b.Accredited,
		"plans": b.Plans, "candidates": b.Candidates, "sat": b.Sat, "passes": b.Passes, "pass_rate_pct": rate,
		"certificates_issued": b.Issued, "certificates_revoked": b.Revoked}
}

// ---- the bodies ----

type bodyLine struct {
	store.BodyStats
	Rate string
}

type bodiesData struct {
	Year   int
	Years  []int
	Sort   string
	Sorts  []string
	Lines  []bodyLine
	Pager  *pager
	Export string
}

func (s *Server) bodiesList(w http.ResponseWriter, r *http.Request) {
	sc, year := actorOf(r).Scope(), s.ovsYear(r)
	sortBy := r.URL.Query().Get("sort")
	if !slices.Contains(store.BodySorts, sortBy) {
		sortBy = "name"
	}
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]store.BodyStats, int, error) {
			return s.db.BodyStatsList(r.Context(), sc, year, sortBy, pg)
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("ovs.col_body"), T("ovs.col_county"), T("ovs.col_accredited"), T("ovs.col_plans"), T("ovs.col_candidates"),
			T("ovs.col_sat"), T("ovs.col_passes"), T("ovs.col_rate"), T("ovs.col_issued"), T("ovs.col_revoked")}
		rows := make([][]any, 0, len(all))
		for _, b := range all {
			var rate any = ""
			if b.Sat > 0 {
				rate = b.PassRate()
			}
			rows = append(rows, []any{b.OrgName, b.County, b.Accredited, b.Plans, b.Candidates, b.Sat, b.Passes, rate, b.Issued, b.Revoked})
		}
		s.download(w, r, fmt.Sprintf("assessment-bodies-%d.xlsx", year), fmt.Sprintf("%s-%d.xlsx", T("ovs.bodies_export"), year),
			T("ovs.bodies_title"), header, rows, sheet.Options{})
		return
	}
	n, pg := listPage(r, bodiesPerPage)
	list, total, err := s.db.BodyStatsList(r.Context(), sc, year, sortBy, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"year": year, "sort": sortBy, "bodies": jsonList(list, bodyJSON),
			"total": total, "page": n, "per_page": bodiesPerPage})
		return
	}
	d := bodiesData{Year: year, Years: s.ovsYears(), Sort: sortBy, Sorts: store.BodySorts, Pager: pagerOf(r, n, total, bodiesPerPage),
		Export: exportLink(r)}
	for _, b := range list {
		d.Lines = append(d.Lines, bodyLine{BodyStats: b, Rate: ovsRate(b.PassRate())})
	}
	s.render(w, r, http.StatusOK, "oversight_bodies", s.page(r, s.msg.T(lang, "ovs.bodies_title"), d))
}

// ---- one body ----

type bodyPlanLine struct {
	store.BodyPlan
	LevelName string
	Rate      string
}

type bodyMonthLine struct {
	store.BodyMonth
	Rate string
}

type bodyData struct {
	Year    int
	Years   []int
	Stats   bodyLine
	Plans   []bodyPlanLine
	Months  []bodyMonthLine
	Signals []store.EvaluationSignal
	Export  string
}

func (s *Server) bodyShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "org")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sc, year := actorOf(r).Scope(), s.ovsYear(r)
	d, err := s.db.Body(r.Context(), sc, id, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	levels := s.levelNames(r)
	rate := func(passes, sat int) float64 {
		if sat == 0 {
			return -1
		}
		return float64(passes) * 100 / float64(sat)
	}
	T := func(k string) string { return s.msg.T(lang, k) }
	if wantsXLSX(r) {
		header := []string{T("ovs.col_exam_at"), T("ovs.col_occupation_code"), T("ovs.col_occupation"), T("ovs.col_level"),
			T("ovs.col_status"), T("ovs.col_candidates"), T("ovs.col_passes"), T("ovs.col_fails"), T("ovs.col_absent")}
		rows := make([][]any, 0, len(d.Plans))
		for _, p := range d.Plans {
			rows = append(rows, []any{p.ExamAt, p.OccupationCode, p.OccupationName, orCode(levels, p.Level, p.Level),
				T("assess.status." + p.Status), p.Candidates, p.Passes, p.Fails, p.Absent})
		}
		s.download(w, r, fmt.Sprintf("assessment-body-%d-%d.xlsx", id, year), fmt.Sprintf("%s-%d.xlsx", d.Stats.OrgName, year),
			T("ovs.plans"), header, rows, sheet.Options{})
		return
	}
	signals, err := s.db.EvaluationSignals(r.Context(), xiangpei.Scope{OrgID: id}, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		months := jsonList(d.Months, func(m store.BodyMonth) map[string]any {
			return map[string]any{"month": m.Month, "plans": m.Plans, "candidates": m.Candidates, "passes": m.Passes,
				"certificates_issued": m.Issued, "certificates_revoked": m.Revoked}
		})
		plans := jsonList(d.Plans, func(p store.BodyPlan) map[string]any {
			return map[string]any{"id": p.ID, "occupation_code": p.OccupationCode, "occupation_name": p.OccupationName,
				"level": p.Level, "mode": p.Mode, "exam_at": p.ExamAt, "status": p.Status, "candidates": p.Candidates,
				"passes": p.Passes, "fails": p.Fails, "absent": p.Absent}
		})
		writeJSON(w, http.StatusOK, map[string]any{"year": year, "body": bodyJSON(d.Stats), "plans": plans, "months": months,
			"signals": jsonList(signals, signalJSON)})
		return
	}
	out := bodyData{Year: year, Years: s.ovsYears(), Stats: bodyLine{BodyStats: d.Stats, Rate: ovsRate(d.Stats.PassRate())},
		Signals: signals, Export: exportLink(r)}
	for _, p := range d.Plans {
		out.Plans = append(out.Plans, bodyPlanLine{BodyPlan: p, LevelName: orCode(levels, p.Level, p.Level), Rate: ovsRate(rate(p.Passes, p.Passes+p.Fails))})
	}
	for _, m := range d.Months {
		out.Months = append(out.Months, bodyMonthLine{BodyMonth: m})
	}
	s.render(w, r, http.StatusOK, "oversight_body", s.page(r, s.msg.T(lang, "ovs.body_title", d.Stats.OrgName, year), out))
}

// ---- the signals ----

func signalJSON(g store.EvaluationSignal) map[string]any {
	m := map[string]any{"code": g.Code, "org_id": g.OrgID, "org_name": g.OrgName, "county": g.County,
		"certificate_ids": nonNil(g.CertificateIDs)}
	switch g.Code {
	case store.SignalCertBurst:
		m["accredited_on"] = g.Accredited
		m["early"] = map[string]any{"burst": g.EarlyBurst, "count": g.EarlyCount, "from": g.EarlyFrom, "to": g.EarlyTo,
			"days": store.BurstEarlyDays, "limit": store.BurstEarlyLimit}
		m["window"] = map[string]any{"burst": g.WindowBurst, "count": g.WindowCount, "from": g.WindowFrom, "to": g.WindowTo,
			"days": store.BurstWindowDays, "limit": store.BurstWindowLimit}
	case store.SignalPassRateOutlier:
		m["occupation_code"], m["occupation_name"], m["level"] = g.OccupationCode, g.OccupationName, g.Level
		m["sat"], m["passes"], m["pass_rate_pct"], m["peer_median_pct"], m["peers"] = g.Sat, g.Passes, g.RatePct, g.PeerMedianPct, g.Peers
	case store.SignalExaminerTeacher:
		m["plan_id"], m["examiner_name"], m["candidate_id"], m["person_id"] = g.PlanID, g.ExaminerName, g.CandidateID, g.PersonID
		m["candidate_name"], m["class_id"], m["class_name"] = g.CandidateName, g.ClassID, g.ClassName
	}
	return m
}

type signalLine struct {
	store.EvaluationSignal
	What string // the signal's detail in a sentence
}

type signalCount struct {
	Code  string
	Count int
	Link  string
}

type signalsData struct {
	Year   int
	Years  []int
	Code   string
	Counts []signalCount
	Lines  []signalLine
	Pager  *pager
	Export string
}

// signalText says what a signal found, in the request's language.
func (s *Server) signalText(lang string, g store.EvaluationSignal) string {
	switch g.Code {
	case store.SignalCertBurst:
		var parts []string
		if g.EarlyBurst {
			parts = append(parts, s.msg.T(lang, "ovs.burst_early", g.EarlyCount, store.BurstEarlyDays, g.Accredited, store.BurstEarlyLimit))
		}
		if g.WindowBurst {
			parts = append(parts, s.msg.T(lang, "ovs.burst_window", g.WindowCount, g.WindowFrom, g.WindowTo, store.BurstWindowLimit))
		}
		return strings.Join(parts, " ")
	case store.SignalPassRateOutlier:
		return s.msg.T(lang, "ovs.outlier_text", g.OccupationCode, g.OccupationName, g.Level, ovsRate(g.RatePct), g.Passes, g.Sat,
			ovsRate(g.PeerMedianPct), g.Peers)
	case store.SignalExaminerTeacher:
		return s.msg.T(lang, "ovs.conflict_text", g.ExaminerName, g.CandidateName, g.ClassName, g.PlanID)
	}
	return ""
}

func (s *Server) signalsList(w http.ResponseWriter, r *http.Request) {
	sc, year := actorOf(r).Scope(), s.ovsYear(r)
	code := r.URL.Query().Get("code")
	if !slices.Contains(store.SignalCodes, code) {
		code = ""
	}
	all, err := s.db.EvaluationSignals(r.Context(), sc, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	counts := map[string]int{}
	var list []store.EvaluationSignal
	for _, g := range all {
		counts[g.Code]++
		if code == "" || g.Code == code {
			list = append(list, g)
		}
	}
	if wantsXLSX(r) {
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("ovs.col_signal"), T("ovs.col_body"), T("ovs.col_county"), T("ovs.col_detail"), T("ovs.col_certificates")}
		rows := make([][]any, 0, len(list))
		for _, g := range list {
			rows = append(rows, []any{T("ovs.signal." + g.Code), g.OrgName, g.County, s.signalText(lang, g), len(g.CertificateIDs)})
		}
		s.download(w, r, fmt.Sprintf("signals-%d.xlsx", year), fmt.Sprintf("%s-%d.xlsx", T("ovs.signals_export"), year),
			T("ovs.signals_title"), header, rows, sheet.Options{})
		return
	}
	n, _ := listPage(r, signalsPerPage)
	from, to := min((n-1)*signalsPerPage, len(list)), min(n*signalsPerPage, len(list))
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"year": year, "counts": counts, "signals": jsonList(list[from:to], signalJSON),
			"total": len(list), "page": n, "per_page": signalsPerPage})
		return
	}
	d := signalsData{Year: year, Years: s.ovsYears(), Code: code, Pager: pagerOf(r, n, len(list), signalsPerPage), Export: exportLink(r)}
	for _, c := range store.SignalCodes {
		d.Counts = append(d.Counts, signalCount{Code: c, Count: counts[c], Link: fmt.Sprintf("/evaluation/signals?year=%d&code=%s", year, c)})
	}
	for _, g := range list[from:to] {
		d.Lines = append(d.Lines, signalLine{EvaluationSignal: g, What: s.signalText(lang, g)})
	}
	s.render(w, r, http.StatusOK, "oversight_signals", s.page(r, s.msg.T(lang, "ovs.signals_title"), d))
}
