package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 补贴审核 — the two-level review of claims (docs/claim-review.md): the county's and the city's
// queues (claims with failed or flagged lines first), the review page of one claim where each
// line is approved, reduced or rejected and the claim taken up, passed, returned or rejected,
// and the city's list of objections raised during the public notice (notice.go).

const reviewPerPage = 20

func (s *Server) registerClaimReviewRoutes() {
	reviewers := Duty(xiangpei.DutyClaimReview1, xiangpei.DutyClaimReview2)
	city := Duty(xiangpei.DutyClaimReview2)
	s.handleBoth("GET /claim-review", "/api/v1/claim-review", reviewers, s.reviewQueue)
	s.handleBoth("GET /claim-review/objections", "/api/v1/claim-review/objections", city, s.objectionList)
	s.handleBoth("POST /claim-review/objections/resolve", "/api/v1/claim-review/objections/resolve", city, s.objectionResolve)
	s.handleBoth("GET /claim-review/{claim}", "/api/v1/claim-review/{claim}", reviewers, s.reviewShow)
	s.handleBoth("POST /claim-review/{claim}/accept", "/api/v1/claim-review/{claim}/accept", reviewers, s.reviewAccept)
	s.handleBoth("POST /claim-review/{claim}/decide", "/api/v1/claim-review/{claim}/decide", reviewers, s.reviewDecide)
	s.handleBoth("POST /claim-review/{claim}/pass", "/api/v1/claim-review/{claim}/pass", reviewers, s.reviewPass)
	s.handleBoth("POST /claim-review/{claim}/return", "/api/v1/claim-review/{claim}/return", reviewers, s.reviewReturn)
	s.handleBoth("POST /claim-review/{claim}/reject", "/api/v1/claim-review/{claim}/reject", reviewers, s.reviewReject)
	s.registerNoticeRoutes()
}

func reviewPath(id int64) string { return "/claim-review/" + strconv.FormatInt(id, 10) }

// reviewStepOf is the queue's step: ?step=1|2, else the first the actor's duties decide.
func reviewStepOf(r *http.Request, a xiangpei.Actor) int {
	switch r.URL.Query().Get("step") {
	case "1":
		return 1
	case "2":
		return 2
	}
	if a.Can(xiangpei.DutyClaimReview1) {
		return 1
	}
	return 2
}

// closeNotices approves the lines of ended notices as a page opens (a scheduler does it in
// production too).
func (s *Server) closeNotices(r *http.Request) error {
	a := xiangpei.Actor{Name: "notice-close"}
	if st := stateOf(r); st.actor != nil {
		a = *st.actor
	}
	_, err := s.db.CloseNotices(r.Context(), a)
	return err
}

// ---- the queue ----

type reviewItemView struct {
	store.ClaimReviewItem
	Total     string
	Submitted string
}

type reviewQueueData struct {
	Step          int
	Steps         []int
	County, Kind  string
	Kinds         []xiangpei.ClaimKind
	Items         []reviewItemView
	Pager         *pager
	Export        string
	MayObjections bool
}

func reviewItemJSON(it store.ClaimReviewItem) map[string]any {
	m := claimJSON(it.Claim)
	m["audit_fail_lines"], m["audit_flag_lines"], m["decided_lines"] = it.Fails, it.Flags, it.Decided
	return m
}

func (s *Server) reviewQueue(w http.ResponseWriter, r *http.Request) {
	if err := s.closeNotices(r); err != nil {
		s.fail(w, r, err)
		return
	}
	a := actorOf(r)
	step := reviewStepOf(r, a)
	q := r.URL.Query()
	f := store.ClaimReviewFilter{County: strings.TrimSpace(q.Get("county")), Kind: xiangpei.ClaimKind(q.Get("kind"))}
	if len(f.County) != 6 {
		f.County = ""
	}
	if f.Kind != xiangpei.ClaimInstitution && f.Kind != xiangpei.ClaimPerson {
		f.Kind = ""
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]store.ClaimReviewItem, int, error) {
			return s.db.ClaimReviewQueue(r.Context(), a.Scope(), step, f, pg)
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		header := []string{T("claim.col_id"), T("claim.col_kind"), T("claim.col_claimant"), T("claim.col_class"), T("claim.col_county"),
			T("claim.col_lines"), T("claimreview.col_fails"), T("claimreview.col_flags"), T("claimreview.col_decided"), T("claim.col_total"),
			T("claim.col_status"), T("claim.col_submitted")}
		rows := make([][]any, 0, len(all))
		for _, it := range all {
			v := claimViewOf(a, it.Claim)
			rows = append(rows, []any{strconv.FormatInt(it.ID, 10), T("claim.kind." + string(it.Kind)), it.OrgName + it.PersonName, it.ClassName,
				it.County, it.Lines, it.Fails, it.Flags, it.Decided, v.Total, T("claim.status." + string(it.Status)), v.Submitted})
		}
		s.download(w, r, "claim-review.xlsx", T("claimreview.export_name")+".xlsx", T("claimreview.queue_title"), header, rows, sheet.Options{})
		return
	}
	n, pg := listPage(r, reviewPerPage)
	list, total, err := s.db.ClaimReviewQueue(r.Context(), a.Scope(), step, f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"step": step, "claims": jsonList(list, reviewItemJSON), "total": total, "page": n, "per_page": reviewPerPage})
		return
	}
	d := reviewQueueData{Step: step, Steps: []int{1, 2}, County: f.County, Kind: string(f.Kind),
		Kinds: []xiangpei.ClaimKind{xiangpei.ClaimInstitution, xiangpei.ClaimPerson}, Pager: pagerOf(r, n, total, reviewPerPage),
		Export: exportLink(r), MayObjections: a.Can(xiangpei.DutyClaimReview2)}
	for _, it := range list {
		v := claimViewOf(a, it.Claim)
		d.Items = append(d.Items, reviewItemView{ClaimReviewItem: it, Total: v.Total, Submitted: v.Submitted})
	}
	s.render(w, r, http.StatusOK, "claim_review_queue", s.page(r, T("claimreview.queue_title"), d))
}

// ---- one claim ----

type reviewLineView struct {
	claimLineView
	Effective string
	Reduced   string
	Decisions []decisionView
	MayDecide bool
}

type decisionView struct {
	store.Decision
	Amount string
	At     string
}

type reviewShowData struct {
	C          claimView
	Step       int
	Lines      []reviewLineView
	Claim      []decisionView // whole-claim decisions
	Pager      *pager
	MayAccept  bool
	MayDecide  bool
	MayClose   bool
	Notice     *store.Notice
	NoticeEnds string
}

func decisionViewOf(d store.Decision) decisionView {
	v := decisionView{Decision: d, At: d.At.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")}
	if d.AmountFen > 0 {
		v.Amount = xiangpei.FormatFen(d.AmountFen)
	}
	return v
}

func decisionJSON(d store.Decision) map[string]any {
	return map[string]any{"id": d.ID, "claim_id": d.ClaimID, "line_id": d.LineID, "step": d.Step, "decision": d.Decision,
		"reason": d.Reason, "amount_fen": d.AmountFen, "account": d.AccountName, "at": d.At}
}

// mayStep reports whether the actor holds the duty of the claim's present step.
func mayStep(a xiangpei.Actor, st xiangpei.ClaimStatus) bool {
	switch store.ClaimReviewStep(st) {
	case 1:
		return a.Can(xiangpei.DutyClaimReview1)
	case 2:
		return a.Can(xiangpei.DutyClaimReview2)
	}
	return false
}

func (s *Server) reviewShowPage(r *http.Request) *formPage {
	return &formPage{"claim_review", func() (*Page, error) {
		id, err := pathID(r, "claim")
		if err != nil {
			return nil, err
		}
		a := actorOf(r)
		sc := a.Scope()
		k, err := s.db.Claim(r.Context(), sc, id)
		if err != nil {
			return nil, err
		}
		n, pg := listPage(r, reviewPerPage)
		lines, total, err := s.db.ClaimReviewLines(r.Context(), sc, id, pg)
		if err != nil {
			return nil, err
		}
		decisions, err := s.db.ClaimDecisions(r.Context(), sc, id)
		if err != nil {
			return nil, err
		}
		lang := stateOf(r).lang
		step := store.ClaimReviewStep(k.Status)
		may := mayStep(a, k.Status)
		d := reviewShowData{C: claimViewOf(a, k), Step: step, Pager: pagerOf(r, n, total, reviewPerPage),
			MayAccept: may && k.Status == xiangpei.ClaimSubmitted, MayDecide: may && k.Status != xiangpei.ClaimSubmitted, MayClose: may}
		byLine := map[int64][]decisionView{}
		for _, dc := range decisions {
			if dc.LineID == 0 {
				d.Claim = append(d.Claim, decisionViewOf(dc))
			} else {
				byLine[dc.LineID] = append(byLine[dc.LineID], decisionViewOf(dc))
			}
		}
		for _, l := range lines {
			v := reviewLineView{claimLineView: s.lineView(lang, l), Effective: xiangpei.FormatFen(store.EffectiveFen(l)), Decisions: byLine[l.ID]}
			if l.ReducedFen > 0 {
				v.Reduced = xiangpei.FormatFen(l.ReducedFen)
			}
			decided := false
			for _, dc := range v.Decisions {
				decided = decided || dc.Step == step
			}
			v.MayDecide = d.MayDecide && l.Status == k.Status && !decided
			d.Lines = append(d.Lines, v)
		}
		if nt, err := s.db.NoticeOfClaim(r.Context(), sc, id); err == nil {
			d.Notice = &nt
			d.NoticeEnds = nt.Ends.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")
		} else if !xiangpei.IsKind(err, xiangpei.NotFound) {
			return nil, err
		}
		return s.page(r, s.msg.T(lang, "claimreview.show_title", k.ID), d), nil
	}}
}

func (s *Server) reviewShow(w http.ResponseWriter, r *http.Request) {
	if !stateOf(r).api && !wantsXLSX(r) {
		s.show(w, r, s.reviewShowPage(r))
		return
	}
	sc := actorOf(r).Scope()
	k, id, err := pathObject(r, "claim", sc, s.db.Claim)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsXLSX(r) {
		s.claimLinesXLSX(w, r, sc, k)
		return
	}
	n, pg := listPage(r, reviewPerPage)
	lines, total, err := s.db.ClaimReviewLines(r.Context(), sc, id, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	decisions, err := s.db.ClaimDecisions(r.Context(), sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lineJSON := s.lineJSON(stateOf(r).lang)
	m := claimJSON(k)
	m["step"] = store.ClaimReviewStep(k.Status)
	m["claim_lines"] = jsonList(lines, func(l xiangpei.ClaimLine) map[string]any {
		j := lineJSON(l)
		j["effective_fen"], j["reduced_fen"], j["reduce_reason"] = store.EffectiveFen(l), l.ReducedFen, l.ReduceReason
		return j
	})
	m["lines_total"], m["page"], m["per_page"], m["decisions"] = total, n, reviewPerPage, jsonList(decisions, decisionJSON)
	writeJSON(w, http.StatusOK, m)
}

// ---- changes ----

type reviewMoveForm struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

// reviewChange runs a change on the claim named in the path, found first within the actor's
// scope so that a claim out of reach is NotFound whatever the form says, and answers with the
// claim (API) or back to the review page.
func (s *Server) reviewChange(w http.ResponseWriter, r *http.Request, done string,
	fn func(tx *store.Tx, a xiangpei.Actor, id int64) (xiangpei.Claim, error)) {
	id, err := pathID(r, "claim")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.db.Claim(r.Context(), actorOf(r).Scope(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	k, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Claim, error) { return fn(tx, a, id) })
	if err != nil {
		s.formError(w, r, err, s.reviewShowPage(r))
		return
	}
	answer(w, r, http.StatusOK, claimJSON(k), reviewPath(k.ID), done)
}

func (s *Server) reviewAccept(w http.ResponseWriter, r *http.Request) {
	var f reviewMoveForm
	err := bind(r, &f)
	s.reviewChange(w, r, "claim_accepted", func(tx *store.Tx, a xiangpei.Actor, id int64) (xiangpei.Claim, error) {
		if err != nil {
			return xiangpei.Claim{}, err
		}
		return tx.AcceptClaim(a.Scope(), id, f.Version)
	})
}

func (s *Server) reviewPass(w http.ResponseWriter, r *http.Request) {
	var f reviewMoveForm
	err := bind(r, &f)
	s.reviewChange(w, r, "claim_passed", func(tx *store.Tx, a xiangpei.Actor, id int64) (xiangpei.Claim, error) {
		if err != nil {
			return xiangpei.Claim{}, err
		}
		return tx.PassClaim(a.Scope(), id, f.Version)
	})
}

func (s *Server) reviewReturn(w http.ResponseWriter, r *http.Request) {
	var f reviewMoveForm
	err := bind(r, &f)
	s.reviewChange(w, r, "claim_returned", func(tx *store.Tx, a xiangpei.Actor, id int64) (xiangpei.Claim, error) {
		if err != nil {
			return xiangpei.Claim{}, err
		}
		return tx.ReturnClaim(a.Scope(), id, f.Version, f.Reason)
	})
}

func (s *Server) reviewReject(w http.ResponseWriter, r *http.Request) {
	var f reviewMoveForm
	err := bind(r, &f)
	s.reviewChange(w, r, "claim_rejected", func(tx *store.Tx, a xiangpei.Actor, id int64) (xiangpei.Claim, error) {
		if err != nil {
			return xiangpei.Claim{}, err
		}
		return tx.RejectClaim(a.Scope(), id, f.Version, f.Reason)
	})
}

type reviewDecideForm struct {
	Line      int64  `json:"line"`
	Version   int64  `json:"version"`
	Decision  string `json:"decision"`
	Amount    string `json:"amount"`     // yuan, for reduce ("500.00")
	AmountFen int64  `json:"amount_fen"` // or fen, over the API
	Reason    string `json:"reason"`
}

func (s *Server) reviewDecide(w http.ResponseWriter, r *http.Request) {
	var f reviewDecideForm
	err := bind(r, &f)
	var line xiangpei.ClaimLine
	s.reviewChange(w, r, "line_decided", func(tx *store.Tx, a xiangpei.Actor, id int64) (xiangpei.Claim, error) {
		if err != nil {
			return xiangpei.Claim{}, err
		}
		fen := f.AmountFen
		if strings.TrimSpace(f.Amount) != "" {
			v, ok := xiangpei.ParseFen(f.Amount)
			if !ok {
				return xiangpei.Claim{}, xiangpei.Errorf(xiangpei.Invalid, "claimreview.amount_format", "Write the amount in yuan, such as 800 or 800.50.")
			}
			fen = v
		}
		if line, err = tx.DecideLine(a.Scope(), f.Line, f.Version, store.LineDecision{Decision: f.Decision, AmountFen: fen, Reason: f.Reason}); err != nil {
			return xiangpei.Claim{}, err
		}
		if line.ClaimID != id { // a line of another claim: as if it did not exist (rolled back)
			return xiangpei.Claim{}, xiangpei.ErrNotFound("Claim line")
		}
		return tx.Claim(xiangpei.Scope{All: true}, id)
	})
}

// ---- objections ----

type objectionView struct {
	store.Objection
	Contact  string
	Created  string
	Resolved string
}

type objectionListData struct {
	Status     string
	Statuses   []string
	Objections []objectionView
	Pager      *pager
	Export     string
}

func objectionViewOf(o store.Objection) objectionView {
	v := objectionView{Objection: o, Created: o.CreatedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")}
	if o.Contact != "" {
		v.Contact = xiangpei.MaskPhone(o.Contact)
	}
	if !o.ResolvedAt.IsZero() {
		v.Resolved = o.ResolvedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")
	}
	return v
}

func objectionJSON(o store.Objection) map[string]any {
	v := objectionViewOf(o)
	return map[string]any{"id": o.ID, "notice_id": o.NoticeID, "claim_id": o.ClaimID, "line_id": o.LineID, "person_name": o.PersonName,
		"text": o.Text, "contact": v.Contact, "status": o.Status, "resolution": o.Resolution, "resolver": o.Resolver,
		"created_at": o.CreatedAt, "line_version": o.Version}
}

func (s *Server) objectionListPage(r *http.Request) *formPage {
	return &formPage{"claim_review_objections", func() (*Page, error) {
		a := actorOf(r)
		f := objectionFilterOf(r)
		n, pg := listPage(r, reviewPerPage)
		list, total, err := s.db.Objections(r.Context(), a.Scope(), f, pg)
		if err != nil {
			return nil, err
		}
		d := objectionListData{Status: f.Status, Statuses: []string{store.ObjectionOpen, store.ObjectionUpheld, store.ObjectionDismissed},
			Pager: pagerOf(r, n, total, reviewPerPage), Export: exportLink(r)}
		for _, o := range list {
			d.Objections = append(d.Objections, objectionViewOf(o))
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "claimreview.objections_title"), d), nil
	}}
}

func objectionFilterOf(r *http.Request) store.ObjectionFilter {
	f := store.ObjectionFilter{Status: r.URL.Query().Get("status")}
	switch f.Status {
	case store.ObjectionOpen, store.ObjectionUpheld, store.ObjectionDismissed:
	default:
		f.Status = ""
	}
	return f
}

func (s *Server) objectionList(w http.ResponseWriter, r *http.Request) {
	if err := s.closeNotices(r); err != nil {
		s.fail(w, r, err)
		return
	}
	a := actorOf(r)
	lang := stateOf(r).lang
	if wantsXLSX(r) || stateOf(r).api {
		f := objectionFilterOf(r)
		if stateOf(r).api {
			n, pg := listPage(r, reviewPerPage)
			list, total, err := s.db.Objections(r.Context(), a.Scope(), f, pg)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"objections": jsonList(list, objectionJSON), "total": total, "page": n, "per_page": reviewPerPage})
			return
		}
		all, err := exportAll(func(pg store.Page) ([]store.Objection, int, error) {
			return s.db.Objections(r.Context(), a.Scope(), f, pg)
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("claim.col_id"), T("claim.col_name"), T("claimreview.col_objection"), T("claimreview.col_contact"),
			T("claim.col_status"), T("claimreview.col_resolution"), T("claimreview.col_resolver"), T("claim.col_created")}
		rows := make([][]any, 0, len(all))
		for _, o := range all {
			v := objectionViewOf(o)
			rows = append(rows, []any{strconv.FormatInt(o.ClaimID, 10), o.PersonName, o.Text, v.Contact, T("claimreview.objection." + o.Status),
				o.Resolution, o.Resolver, v.Created})
		}
		s.download(w, r, "objections.xlsx", T("claimreview.objections_export_name")+".xlsx", T("claimreview.objections_title"), header, rows, sheet.Options{})
		return
	}
	s.show(w, r, s.objectionListPage(r))
}

type objectionResolveForm struct {
	Line    int64  `json:"line"`
	Version int64  `json:"version"`
	Outcome string `json:"outcome"` // uphold or dismiss
	Reason  string `json:"reason"`
}

func (s *Server) objectionResolve(w http.ResponseWriter, r *http.Request) {
	var f objectionResolveForm
	err := bind(r, &f)
	if err == nil && f.Outcome != "uphold" && f.Outcome != "dismiss" {
		err = xiangpei.Errorf(xiangpei.Invalid, "claimreview.outcome", "Choose to uphold or to dismiss the objection.")
	}
	var l xiangpei.ClaimLine
	if err == nil {
		l, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.ClaimLine, error) {
			return tx.ResolveLine(a.Scope(), f.Line, f.Version, f.Outcome == "uphold", f.Reason)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.objectionListPage(r))
		return
	}
	answer(w, r, http.StatusOK, s.lineJSON(stateOf(r).lang)(l), "/claim-review/objections", "objection_resolved")
}
