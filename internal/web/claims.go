package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 补贴申领 — subsidy claims (SPEC §8), first slice: the institution previews and makes a claim
// for its closed class, submits or withdraws the draft; a person claims for their own
// certificate and reads every line about them; officers read the claims of their region
// (docs/claims.md).

const claimsPerPage = 20

func (s *Server) registerClaimRoutes() {
	lists := Roles(xiangpei.RoleInstitution, xiangpei.RoleOfficer, xiangpei.RoleAdmin)
	readers := Roles(xiangpei.RoleInstitution, xiangpei.RoleOfficer, xiangpei.RoleAdmin, xiangpei.RolePerson)
	institution := Roles(xiangpei.RoleInstitution)
	claimants := Roles(xiangpei.RoleInstitution, xiangpei.RolePerson)
	person := Roles(xiangpei.RolePerson)
	s.handleBoth("GET /claims", "/api/v1/claims", lists, s.claimList)
	s.handleBoth("GET /claims/new", "/api/v1/claims/new", institution, s.claimNew)
	s.handleBoth("POST /claims", "/api/v1/claims", institution, s.claimCreate)
	s.handleBoth("GET /claims/{claim}", "/api/v1/claims/{claim}", readers, s.claimShow)
	s.handleBoth("POST /claims/{claim}/submit", "/api/v1/claims/{claim}/submit", claimants, s.claimSubmit)
	s.handleBoth("POST /claims/{claim}/withdraw", "/api/v1/claims/{claim}/withdraw", claimants, s.claimWithdraw)
	s.handleBoth("GET /me/claims", "/api/v1/me/claims", person, s.claimMine)
	s.handleBoth("POST /me/claims", "/api/v1/me/claims", person, s.claimPersonCreate)
}

// claimReach is how far an actor reads claims: its own scope, except that of the
// administrators only the system administrator reads them; the others reach none.
func claimReach(a xiangpei.Actor) xiangpei.Scope {
	if a.Role == xiangpei.RoleAdmin && !a.Can(xiangpei.DutySysAdmin) {
		return xiangpei.Scope{Region: "none"}
	}
	return a.Scope()
}

func claimPath(id int64) string { return "/claims/" + strconv.FormatInt(id, 10) }

// ---- views ----

type traceView struct {
	Text string
	Pass bool
}

type claimLineView struct {
	xiangpei.ClaimLine
	MaskedID string
	Amount   string
	Steps    []traceView
	Stages   []string // a staged line: its first and second stage, with amounts (empty when not staged)
}

// stageTexts says where a staged line's stages are: stage 1 paid (or in payment, failed,
// clawed back), stage 2 waiting for employment until the date 6 months after class end,
// payable, in payment or paid.
func (s *Server) stageTexts(lang string, st store.LineStages) []string {
	one := s.msg.T(lang, "claim.status."+st.Stage1Status)
	if st.Stage1Status == "" {
		one = s.msg.T(lang, "claim.status.in_payment")
	}
	args := []any{xiangpei.FormatFen(st.Stage2Fen)}
	if st.Stage2Status == "waiting" {
		args = append(args, st.Until)
	}
	return []string{s.msg.T(lang, "payment.line_stage1", xiangpei.FormatFen(st.Stage1Fen), one),
		s.msg.T(lang, "payment.line_stage2."+st.Stage2Status, args...)}
}

func (s *Server) stagesJSON(lang string, st store.LineStages) map[string]any {
	return map[string]any{"stage1_fen": st.Stage1Fen, "stage1_yuan": xiangpei.FormatFen(st.Stage1Fen), "stage1_status": st.Stage1Status,
		"stage2_fen": st.Stage2Fen, "stage2_yuan": xiangpei.FormatFen(st.Stage2Fen), "stage2_status": st.Stage2Status,
		"class_end": st.ClassEnd, "employment_until": st.Until, "text": s.stageTexts(lang, st)}
}

// lineStages reads the stages of the lines in one store read (set-wise).
func (s *Server) lineStages(r *http.Request, sc xiangpei.Scope, lines []xiangpei.ClaimLine) (map[int64]store.LineStages, error) {
	ids := make([]int64, 0, len(lines))
	for _, l := range lines {
		if l.Status == xiangpei.ClaimPaid || l.Status == xiangpei.ClaimInPayment || l.Status == xiangpei.LinePaymentFailed || l.Status == xiangpei.LineClawback {
			ids = append(ids, l.ID)
		}
	}
	return s.db.StagesOfLines(r.Context(), sc, ids)
}

// lineViewsOf makes the views of the lines, with their stages.
func (s *Server) lineViewsOf(r *http.Request, sc xiangpei.Scope, lines []xiangpei.ClaimLine) ([]claimLineView, error) {
	lang := stateOf(r).lang
	stages, err := s.lineStages(r, sc, lines)
	if err != nil {
		return nil, err
	}
	out := make([]claimLineView, 0, len(lines))
	for _, l := range lines {
		v := s.lineView(lang, l)
		if st, ok := stages[l.ID]; ok {
			v.Stages = s.stageTexts(lang, st)
		}
		out = append(out, v)
	}
	return out, nil
}

// linesJSONOf is the JSON of the lines, each with "stages" (null when not staged).
func (s *Server) linesJSONOf(r *http.Request, sc xiangpei.Scope, lines []xiangpei.ClaimLine) ([]map[string]any, error) {
	lang := stateOf(r).lang
	stages, err := s.lineStages(r, sc, lines)
	if err != nil {
		return nil, err
	}
	out := jsonList(lines, s.lineJSON(lang))
	for i, l := range lines {
		out[i]["stages"] = nil
		if st, ok := stages[l.ID]; ok {
			out[i]["stages"] = s.stagesJSON(lang, st)
		}
	}
	return out, nil
}

type claimView struct {
	xiangpei.Claim
	Total      string
	Created    string
	Submitted  string
	MaySubmit  bool
	MayWithdrw bool
}

// traceSentences turns a line's trace into sentences in the request's language:
// "出勤率 92% ≥ 80%：通过".
func (s *Server) traceSentences(lang string, trace []xiangpei.TraceStep) []traceView {
	out := make([]traceView, 0, len(trace))
	for _, st := range trace {
		word := "trace.fail"
		if st.Pass {
			word = "trace.pass"
		}
		text := st.Text
		if s.msg.Has(st.Key) {
			text = s.msg.T(lang, "claim.trace_step", s.msg.T(lang, st.Key, st.Args...), s.msg.T(lang, word))
		}
		out = append(out, traceView{Text: text, Pass: st.Pass})
	}
	return out
}

func (s *Server) lineView(lang string, l xiangpei.ClaimLine) claimLineView {
	return claimLineView{ClaimLine: l, MaskedID: l.IDNumber.Masked(), Amount: xiangpei.FormatFen(l.AmountFen),
		Steps: s.traceSentences(lang, l.Trace)}
}

func claimViewOf(a xiangpei.Actor, k xiangpei.Claim) claimView {
	v := claimView{Claim: k, Total: xiangpei.FormatFen(k.TotalFen), Created: k.CreatedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")}
	if !k.SubmittedAt.IsZero() {
		v.Submitted = k.SubmittedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")
	}
	mine := (a.Role == xiangpei.RoleInstitution && a.OrgID == k.OrgID && k.OrgID != 0) ||
		(a.Role == xiangpei.RolePerson && a.PersonID == k.PersonID && k.PersonID != 0)
	v.MaySubmit = mine && k.Status.Can(xiangpei.ClaimSubmit)
	v.MayWithdrw = mine && k.Status.Can(xiangpei.ClaimWithdraw)
	return v
}

func claimJSON(k xiangpei.Claim) map[string]any {
	m := map[string]any{"id": k.ID, "kind": k.Kind, "org_id": k.OrgID, "org_name": k.OrgName, "person_id": k.PersonID,
		"person_name": k.PersonName, "class_id": k.ClassID, "class_name": k.ClassName, "certificate_id": k.CertificateID,
		"county": k.County, "status": k.Status, "total_fen": k.TotalFen, "total": xiangpei.FormatFen(k.TotalFen),
		"lines": k.Lines, "payable_lines": k.PayableLines, "rule_id": k.RuleID, "rule_version": k.RuleVersion,
		"submitted_at": nil, "created_at": k.CreatedAt, "updated_at": k.UpdatedAt, "version": k.Version}
	if !k.SubmittedAt.IsZero() {
		m["submitted_at"] = k.SubmittedAt
	}
	return m
}

func (s *Server) lineJSON(lang string) func(xiangpei.ClaimLine) map[string]any {
	return func(l xiangpei.ClaimLine) map[string]any {
		steps := make([]map[string]any, 0, len(l.Trace))
		for i, st := range s.traceSentences(lang, l.Trace) {
			steps = append(steps, map[string]any{"key": l.Trace[i].Key, "pass": st.Pass, "args": l.Trace[i].Args, "text": st.Text})
		}
		reasons := l.AuditReasons
		if reasons == nil {
			reasons = []string{}
		}
		return map[string]any{"id": l.ID, "claim_id": l.ClaimID, "person_id": l.PersonID, "person_name": l.PersonName,
			"id_number": l.IDNumber.Masked(), "trainee_id": l.TraineeID, "certificate_id": l.CertificateID,
			"occupation_code": l.OccupationCode, "level": l.Level, "amount_fen": l.AmountFen, "amount": xiangpei.FormatFen(l.AmountFen),
			"payable": l.Payable, "trace": steps, "rule_id": l.RuleID, "rule_version": l.RuleVersion, "audit": l.Audit,
			"audit_reasons": reasons, "status": l.Status, "claim_kind": l.ClaimKind, "claim_status": l.ClaimStatus,
			"claim_org": l.ClaimOrg, "class_name": l.ClassName, "digest": l.Digest, "intact": l.Intact(), "version": l.Version}
	}
}

// ---- the list ----

type claimListData struct {
	Status, Kind, County string
	Statuses             []xiangpei.ClaimStatus
	Kinds                []xiangpei.ClaimKind
	Claims               []claimView
	Claimable            []xiangpei.Class
	Institution          bool
	Pager                *pager
	Export               string
}

func claimFilterOf(r *http.Request) store.ClaimFilter {
	q := r.URL.Query()
	f := store.ClaimFilter{Status: xiangpei.ClaimStatus(q.Get("status")), Kind: xiangpei.ClaimKind(q.Get("kind")),
		County: strings.TrimSpace(q.Get("county"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	if f.Kind != xiangpei.ClaimInstitution && f.Kind != xiangpei.ClaimPerson {
		f.Kind = ""
	}
	if len(f.County) != 6 {
		f.County = ""
	}
	return f
}

// claimStatesShown are the claim states a list filters by (the line-only states are not a
// claim's).
var claimStatesShown = []xiangpei.ClaimStatus{xiangpei.ClaimDraft, xiangpei.ClaimSubmitted, xiangpei.ClaimReview1,
	xiangpei.ClaimReview2, xiangpei.ClaimNotice, xiangpei.ClaimApproved, xiangpei.ClaimInPayment, xiangpei.ClaimPaid,
	xiangpei.ClaimReturned, xiangpei.ClaimRejected, xiangpei.ClaimWithdrawn}

func (s *Server) claimList(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	sc := claimReach(a)
	f := claimFilterOf(r)
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]xiangpei.Claim, int, error) { return s.db.Claims(r.Context(), sc, f, pg) })
		if err != nil {
			s.fail(w, r, err)
			return
		}
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("claim.col_id"), T("claim.col_kind"), T("claim.col_claimant"), T("claim.col_class"), T("claim.col_county"),
			T("claim.col_lines"), T("claim.col_payable"), T("claim.col_total"), T("claim.col_rule"), T("claim.col_status"),
			T("claim.col_created"), T("claim.col_submitted")}
		rows := make([][]any, 0, len(all))
		for _, k := range all {
			v := claimViewOf(a, k)
			rows = append(rows, []any{strconv.FormatInt(k.ID, 10), T("claim.kind." + string(k.Kind)), k.OrgName + k.PersonName, k.ClassName,
				k.County, k.Lines, k.PayableLines, v.Total, k.RuleVersion, T("claim.status." + string(k.Status)), v.Created, v.Submitted})
		}
		s.download(w, r, "claims.xlsx", T("claim.export_name")+".xlsx", T("claim.list_title"), header, rows, sheet.Options{})
		return
	}
	n, pg := listPage(r, claimsPerPage)
	list, total, err := s.db.Claims(r.Context(), sc, f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	claimable, err := s.db.ClaimableClasses(r.Context(), sc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"claims": jsonList(list, claimJSON), "total": total, "page": n,
			"per_page": claimsPerPage, "claimable_classes": jsonList(claimable, func(c xiangpei.Class) map[string]any {
				return map[string]any{"id": c.ID, "name": c.Name, "occupation_code": c.OccupationCode, "level": c.Level, "last_session": c.LastSession}
			})})
		return
	}
	d := claimListData{Status: string(f.Status), Kind: string(f.Kind), County: f.County, Statuses: claimStatesShown,
		Kinds: []xiangpei.ClaimKind{xiangpei.ClaimInstitution, xiangpei.ClaimPerson}, Claimable: claimable,
		Institution: a.Role == xiangpei.RoleInstitution, Pager: pagerOf(r, n, total, claimsPerPage), Export: exportLink(r)}
	for _, k := range list {
		d.Claims = append(d.Claims, claimViewOf(a, k))
	}
	s.render(w, r, http.StatusOK, "claims", s.page(r, s.msg.T(lang, "claim.list_title"), d))
}

// ---- preview and create ----

type claimNewData struct {
	Class     xiangpei.Class
	Rule      xiangpei.SubsidyRule
	Lines     []claimLineView
	Payable   int
	Total     string
	Claimable []xiangpei.Class
}

type claimCreateForm struct {
	Class int64 `json:"class"`
}

func (s *Server) claimNewPage(r *http.Request, classID int64) *formPage {
	return &formPage{"claim_new", func() (*Page, error) {
		lang := stateOf(r).lang
		sc := actorOf(r).Scope()
		d := claimNewData{}
		if classID == 0 {
			var err error
			if d.Claimable, err = s.db.ClaimableClasses(r.Context(), sc); err != nil {
				return nil, err
			}
			return s.page(r, s.msg.T(lang, "claim.new_title"), d), nil
		}
		c, rule, lines, err := s.db.ClassClaimPreview(r.Context(), sc, classID)
		if err != nil {
			return nil, err
		}
		d.Class, d.Rule = c, rule
		var total int64
		for _, l := range lines {
			d.Lines = append(d.Lines, s.lineView(lang, l))
			if l.Payable {
				d.Payable++
				total += l.AmountFen
			}
		}
		d.Total = xiangpei.FormatFen(total)
		return s.page(r, s.msg.T(lang, "claim.new_title"), d), nil
	}}
}

func queryID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

func (s *Server) claimNew(w http.ResponseWriter, r *http.Request) {
	classID := queryID(r, "class")
	if stateOf(r).api {
		if classID == 0 {
			s.fail(w, r, xiangpei.ErrNotFound("Class"))
			return
		}
		c, rule, lines, err := s.db.ClassClaimPreview(r.Context(), actorOf(r).Scope(), classID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"class_id": c.ID, "class_name": c.Name, "rule_id": rule.ID,
			"rule_version": rule.Version, "lines": jsonList(lines, s.lineJSON(stateOf(r).lang))})
		return
	}
	s.show(w, r, s.claimNewPage(r, classID))
}

func (s *Server) claimCreate(w http.ResponseWriter, r *http.Request) {
	var f claimCreateForm
	err := bind(r, &f)
	var k xiangpei.Claim
	if err == nil {
		k, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Claim, error) {
			return tx.CreateClassClaim(a.Scope(), f.Class)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.claimNewPage(r, f.Class))
		return
	}
	answer(w, r, http.StatusCreated, claimJSON(k), claimPath(k.ID), "claim_created")
}

// ---- one claim ----

type claimShowData struct {
	C     claimView
	Lines []claimLineView
	Pager *pager
	Back  string
}

func (s *Server) claimShowPage(r *http.Request) *formPage {
	return &formPage{"claim", func() (*Page, error) {
		id, err := pathID(r, "claim")
		if err != nil {
			return nil, err
		}
		a := actorOf(r)
		sc := claimReach(a)
		k, err := s.db.Claim(r.Context(), sc, id)
		if err != nil {
			return nil, err
		}
		n, pg := listPage(r, claimsPerPage)
		lines, total, err := s.db.ClaimLines(r.Context(), sc, id, pg)
		if err != nil {
			return nil, err
		}
		lang := stateOf(r).lang
		d := claimShowData{C: claimViewOf(a, k), Pager: pagerOf(r, n, total, claimsPerPage), Back: "/claims"}
		if a.Role == xiangpei.RolePerson {
			d.Back = "/me/claims"
		}
		if d.Lines, err = s.lineViewsOf(r, sc, lines); err != nil {
			return nil, err
		}
		return s.page(r, s.msg.T(lang, "claim.show_title", k.ID), d), nil
	}}
}

func (s *Server) claimShow(w http.ResponseWriter, r *http.Request) {
	if wantsXLSX(r) || stateOf(r).api {
		sc := claimReach(actorOf(r))
		k, id, err := pathObject(r, "claim", sc, s.db.Claim)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if wantsXLSX(r) {
			s.claimLinesXLSX(w, r, sc, k)
			return
		}
		n, pg := listPage(r, claimsPerPage)
		lines, total, err := s.db.ClaimLines(r.Context(), sc, id, pg)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := claimJSON(k)
		js, err := s.linesJSONOf(r, sc, lines)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m["claim_lines"], m["lines_total"], m["page"], m["per_page"] = js, total, n, claimsPerPage
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.show(w, r, s.claimShowPage(r))
}

func (s *Server) claimLinesXLSX(w http.ResponseWriter, r *http.Request, sc xiangpei.Scope, k xiangpei.Claim) {
	lang := stateOf(r).lang
	all, err := exportAll(func(pg store.Page) ([]xiangpei.ClaimLine, int, error) {
		return s.db.ClaimLines(r.Context(), sc, k.ID, pg)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := func(k string) string { return s.msg.T(lang, k) }
	header := []string{T("claim.col_name"), T("claim.col_id_number"), T("claim.col_occupation"), T("claim.col_level"),
		T("claim.col_amount"), T("claim.col_payable"), T("claim.col_status"), T("claim.col_trace")}
	rows := make([][]any, 0, len(all))
	for _, l := range all {
		var steps []string
		for _, st := range s.traceSentences(lang, l.Trace) {
			steps = append(steps, st.Text)
		}
		payable := T("claim.no")
		if l.Payable {
			payable = T("claim.yes")
		}
		rows = append(rows, []any{l.PersonName, l.IDNumber.Masked(), l.OccupationCode, l.Level, xiangpei.FormatFen(l.AmountFen),
			payable, T("claim.status." + string(l.Status)), strings.Join(steps, "；")})
	}
	s.download(w, r, "claim-lines.xlsx", T("claim.lines_export_name")+".xlsx", T("claim.lines_title"), header, rows, sheet.Options{})
}

type claimMoveForm struct {
	Version int64 `json:"version"`
}

func (s *Server) claimMove(w http.ResponseWriter, r *http.Request, act xiangpei.ClaimAction, done string) {
	id, err := pathID(r, "claim")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Looked for first, so that a claim out of reach is NotFound whatever the form says.
	if _, err := s.db.Claim(r.Context(), claimReach(actorOf(r)), id); err != nil {
		s.fail(w, r, err)
		return
	}
	var f claimMoveForm
	var k xiangpei.Claim
	if err = bind(r, &f); err == nil {
		k, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Claim, error) {
			if act == xiangpei.ClaimSubmit {
				return tx.SubmitClaim(a.Scope(), id, f.Version)
			}
			return tx.WithdrawClaim(a.Scope(), id, f.Version)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.claimShowPage(r))
		return
	}
	answer(w, r, http.StatusOK, claimJSON(k), claimPath(k.ID), done)
}

func (s *Server) claimSubmit(w http.ResponseWriter, r *http.Request) {
	s.claimMove(w, r, xiangpei.ClaimSubmit, "claim_submitted")
}

func (s *Server) claimWithdraw(w http.ResponseWriter, r *http.Request) {
	s.claimMove(w, r, xiangpei.ClaimWithdraw, "claim_withdrawn")
}

// ---- the person's own ----

type claimMineData struct {
	Lines []claimLineView
	Certs []xiangpei.Certificate // valid certificates not yet in a live line
}

func (s *Server) claimMinePage(r *http.Request) *formPage {
	return &formPage{"claims_mine", func() (*Page, error) {
		a := actorOf(r)
		lang := stateOf(r).lang
		lines, err := s.db.ClaimsOf(r.Context(), a.Scope(), a.PersonID)
		if err != nil {
			return nil, err
		}
		certs, err := s.db.CertificatesOf(r.Context(), a.Scope(), a.PersonID)
		if err != nil {
			return nil, err
		}
		covered := map[int64]bool{}
		d := claimMineData{}
		if d.Lines, err = s.lineViewsOf(r, a.Scope(), lines); err != nil {
			return nil, err
		}
		for _, l := range lines {
			if l.Status.Live() {
				covered[l.CertificateID] = true
			}
		}
		for _, c := range certs {
			if c.Status == xiangpei.CertValid && !covered[c.ID] {
				d.Certs = append(d.Certs, c)
			}
		}
		return s.page(r, s.msg.T(lang, "claim.mine_title"), d), nil
	}}
}

func (s *Server) claimMine(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	lang := stateOf(r).lang
	if wantsXLSX(r) || stateOf(r).api {
		lines, err := s.db.ClaimsOf(r.Context(), a.Scope(), a.PersonID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if stateOf(r).api {
			js, err := s.linesJSONOf(r, a.Scope(), lines)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"lines": js, "total": len(lines)})
			return
		}
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("claim.col_claimant"), T("claim.col_class"), T("claim.col_occupation"), T("claim.col_level"),
			T("claim.col_amount"), T("claim.col_payable"), T("claim.col_status"), T("claim.col_trace")}
		rows := make([][]any, 0, len(lines))
		for _, l := range lines {
			var steps []string
			for _, st := range s.traceSentences(lang, l.Trace) {
				steps = append(steps, st.Text)
			}
			payable := T("claim.no")
			if l.Payable {
				payable = T("claim.yes")
			}
			rows = append(rows, []any{l.ClaimOrg, l.ClassName, l.OccupationCode, l.Level, xiangpei.FormatFen(l.AmountFen), payable,
				T("claim.status." + string(l.Status)), strings.Join(steps, "；")})
		}
		s.download(w, r, "my-claims.xlsx", T("claim.mine_export_name")+".xlsx", T("claim.mine_title"), header, rows, sheet.Options{})
		return
	}
	s.show(w, r, s.claimMinePage(r))
}

type claimPersonForm struct {
	Certificate int64 `json:"certificate"`
}

func (s *Server) claimPersonCreate(w http.ResponseWriter, r *http.Request) {
	var f claimPersonForm
	err := bind(r, &f)
	var k xiangpei.Claim
	if err == nil {
		k, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Claim, error) {
			return tx.CreatePersonClaim(a.PersonID, f.Certificate)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.claimMinePage(r))
		return
	}
	answer(w, r, http.StatusCreated, claimJSON(k), claimPath(k.ID), "claim_created")
}
