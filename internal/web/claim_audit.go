package web

import (
	"context"
	"net/http"
	"strconv"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 自动审核 — the automatic audit of claims (SPEC §9): an officer who reviews claims runs it over
// a region and year, watches its progress (the page reloads itself while it runs), and reads the
// findings by check with the lines they concern; everything has its JSON twin and the findings
// export to Excel.

const auditRunsPerPage, auditFindingsPerPage = 20, 50

func (s *Server) registerClaimAuditRoutes() {
	reviewers := Duty(xiangpei.DutyClaimReview1, xiangpei.DutyClaimReview2)
	s.handleBoth("GET /claims/audit", "/api/v1/claims/audit", reviewers, s.claimAuditList)
	s.handleBoth("POST /claims/audit", "/api/v1/claims/audit", reviewers, s.claimAuditStart)
	s.handleBoth("GET /claims/audit/runs/{auditrun}", "/api/v1/claims/audit/runs/{auditrun}", reviewers, s.claimAuditShow)
}

func auditRunPath(id int64) string { return "/claims/audit/runs/" + strconv.FormatInt(id, 10) }

func auditRunJSON(x store.AuditRun) map[string]any {
	nd := x.NoData
	if nd == nil {
		nd = []string{}
	}
	m := map[string]any{"id": x.ID, "region": x.Region, "year": x.Year, "claim_id": x.ClaimID, "status": x.Status,
		"checks_total": x.ChecksTotal, "checks_done": x.ChecksDone, "percent": x.Percent(), "lines": x.Lines, "passed": x.Passed,
		"flagged": x.Flagged, "failed": x.Failed, "findings": x.Findings, "no_data": nd, "actor": x.Actor,
		"started_at": x.StartedAt, "finished_at": nil}
	if !x.FinishedAt.IsZero() {
		m["finished_at"] = x.FinishedAt
	}
	return m
}

// ---- the list of runs, and starting one ----

type auditListData struct {
	Region string
	Year   int
	Runs   []store.AuditRun
	Pager  *pager
	Export string
}

type auditStartForm struct {
	Region string `json:"region"`
	Year   int    `json:"year"`
}

func (s *Server) auditListPage(r *http.Request, f auditStartForm) *formPage {
	return &formPage{"claim_audit", func() (*Page, error) {
		a := actorOf(r)
		n, pg := listPage(r, auditRunsPerPage)
		runs, total, err := s.db.AuditRuns(r.Context(), a.Scope(), pg)
		if err != nil {
			return nil, err
		}
		if f.Region == "" {
			f.Region = a.Region
		}
		if f.Year == 0 {
			f.Year = s.db.Now().In(xiangpei.ChinaTime).Year()
		}
		d := auditListData{Region: f.Region, Year: f.Year, Runs: runs, Pager: pagerOf(r, n, total, auditRunsPerPage), Export: exportLink(r)}
		return s.page(r, s.msg.T(stateOf(r).lang, "claimaudit.title"), d), nil
	}}
}

func (s *Server) claimAuditList(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]store.AuditRun, int, error) { return s.db.AuditRuns(r.Context(), a.Scope(), pg) })
		if err != nil {
			s.fail(w, r, err)
			return
		}
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("claimaudit.col_run"), T("claimaudit.col_region"), T("claimaudit.col_year"), T("claimaudit.col_status"),
			T("claimaudit.col_lines"), T("claimaudit.col_passed"), T("claimaudit.col_flagged"), T("claimaudit.col_failed"),
			T("claimaudit.col_started"), T("claimaudit.col_actor")}
		rows := make([][]any, 0, len(all))
		for _, x := range all {
			rows = append(rows, []any{strconv.FormatInt(x.ID, 10), x.Region, x.Year, T("claimaudit.status." + x.Status), x.Lines,
				x.Passed, x.Flagged, x.Failed, x.StartedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"), x.Actor})
		}
		s.download(w, r, "claim-audit-runs.xlsx", T("claimaudit.export_runs")+".xlsx", T("claimaudit.title"), header, rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		n, pg := listPage(r, auditRunsPerPage)
		runs, total, err := s.db.AuditRuns(r.Context(), a.Scope(), pg)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"runs": jsonList(runs, auditRunJSON), "total": total, "page": n, "per_page": auditRunsPerPage})
		return
	}
	s.show(w, r, s.auditListPage(r, auditStartForm{}))
}

// claimAuditStart records the run and does the work in the background, so that the page can
// show its progress; the run row holds how far it got and, on failure, why.
func (s *Server) claimAuditStart(w http.ResponseWriter, r *http.Request) {
	var f auditStartForm
	err := bind(r, &f)
	var run store.AuditRun
	if err == nil {
		run, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.AuditRun, error) {
			return tx.StartAuditRun(f.Region, f.Year)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.auditListPage(r, f))
		return
	}
	actor := actorOf(r)
	ctx := context.WithoutCancel(r.Context())
	go func() { _, _ = s.db.RunAudit(ctx, actor, run.ID) }()
	answer(w, r, http.StatusAccepted, auditRunJSON(run), auditRunPath(run.ID), "claim_audit_started")
}

// ---- one run ----

type auditCountView struct {
	store.AuditCodeCount
	Key string
}

type auditFindingView struct {
	store.AuditFindingRow
	Key string
}

type auditShowData struct {
	Run      store.AuditRun
	Running  bool
	Counts   []auditCountView
	Code     string
	Findings []auditFindingView
	Pager    *pager
	Export   string
	Started  string
	Finished string
}

func checkKey(code string) string {
	if c, ok := xiangpei.AuditCheckOf(code); ok {
		return c.Key
	}
	return "claimaudit.check.unknown"
}

func (s *Server) claimAuditShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "auditrun")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sc := actorOf(r).Scope()
	lang := stateOf(r).lang
	run, err := s.db.AuditRun(r.Context(), sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := r.URL.Query().Get("code")
	if _, ok := xiangpei.AuditCheckOf(code); !ok {
		code = ""
	}
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]store.AuditFindingRow, int, error) {
			return s.db.AuditFindings(r.Context(), sc, id, code, pg)
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("claimaudit.col_claim"), T("claimaudit.col_line"), T("claimaudit.col_person"), T("claimaudit.col_county"),
			T("claimaudit.col_code"), T("claimaudit.col_severity"), T("claimaudit.col_reason"), T("claimaudit.col_detail")}
		rows := make([][]any, 0, len(all))
		for _, f := range all {
			rows = append(rows, []any{strconv.FormatInt(f.ClaimID, 10), strconv.FormatInt(f.LineID, 10), f.PersonName, f.County, f.Code,
				T("claimaudit.severity." + f.Severity), T(checkKey(f.Code)), f.Detail})
		}
		s.download(w, r, "claim-audit-findings.xlsx", T("claimaudit.export_findings")+".xlsx", T("claimaudit.findings_title"), header, rows, sheet.Options{})
		return
	}
	counts, err := s.db.AuditRunCounts(r.Context(), sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, pg := listPage(r, auditFindingsPerPage)
	fs, total, err := s.db.AuditFindings(r.Context(), sc, id, code, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		m := auditRunJSON(run)
		m["counts"] = jsonList(counts, func(c store.AuditCodeCount) map[string]any {
			return map[string]any{"code": c.Code, "severity": c.Severity, "count": c.Count, "reason": s.msg.T(lang, checkKey(c.Code))}
		})
		m["findings"] = jsonList(fs, func(f store.AuditFindingRow) map[string]any {
			return map[string]any{"claim_id": f.ClaimID, "line_id": f.LineID, "person_name": f.PersonName, "county": f.County,
				"code": f.Code, "severity": f.Severity, "reason": s.msg.T(lang, checkKey(f.Code)), "detail": f.Detail}
		})
		m["total"], m["page"], m["per_page"] = total, n, auditFindingsPerPage
		writeJSON(w, http.StatusOK, m)
		return
	}
	d := auditShowData{Run: run, Running: run.Status == "running", Code: code, Pager: pagerOf(r, n, total, auditFindingsPerPage),
		Export: exportLink(r), Started: run.StartedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04:05")}
	if !run.FinishedAt.IsZero() {
		d.Finished = run.FinishedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04:05")
	}
	for _, c := range counts {
		d.Counts = append(d.Counts, auditCountView{c, checkKey(c.Code)})
	}
	for _, f := range fs {
		d.Findings = append(d.Findings, auditFindingView{f, checkKey(f.Code)})
	}
	s.render(w, r, http.StatusOK, "claim_audit_run", s.page(r, s.msg.T(lang, "claimaudit.run_title"), d))
}
