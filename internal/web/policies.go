package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 政策咨询 — the policy library and FAQ. Anyone searches the published library (Chinese
// full-text search over character bigrams), reads a policy and the FAQ, and exports what they
// found to Excel; an officer holding the publish duty drafts, publishes, withdraws and revises
// the items of their region (the system administrator may read them). Every page has its JSON
// twin under /api/v1.

func (s *Server) registerPolicyRoutes() {
	read := Duty(xiangpei.DutyPublish, xiangpei.DutySysAdmin)
	publish := Duty(xiangpei.DutyPublish)

	s.handleBoth("GET /policies", "/api/v1/policies", Public(), s.polPublic)
	s.handleBoth("GET /policies/{policy}", "/api/v1/policies/{policy}", Public(), s.polShow)
	s.handleBoth("GET /faq", "/api/v1/faq", Public(), s.faqPublic)

	s.handleBoth("GET /policies/manage", "/api/v1/policies/manage", read, s.polManage)
	s.handleBoth("POST /policies/manage", "/api/v1/policies/manage", publish, s.polCreate)
	s.handleBoth("GET /policies/manage/{policy}", "/api/v1/policies/manage/{policy}", read, s.polEdit)
	s.handleBoth("POST /policies/manage/{policy}", "/api/v1/policies/manage/{policy}", publish, s.polUpdate)
	s.handleBoth("POST /policies/manage/{policy}/publish", "/api/v1/policies/manage/{policy}/publish", publish, s.polPublish)
	s.handleBoth("POST /policies/manage/{policy}/withdraw", "/api/v1/policies/manage/{policy}/withdraw", publish, s.polWithdraw)
	s.handleBoth("POST /policies/manage/{policy}/revise", "/api/v1/policies/manage/{policy}/revise", publish, s.polRevise)

	s.handleBoth("GET /faq/manage", "/api/v1/faq/manage", read, s.faqManage)
	s.handleBoth("POST /faq/manage", "/api/v1/faq/manage", publish, s.faqCreate)
	s.handleBoth("GET /faq/manage/{faq}", "/api/v1/faq/manage/{faq}", read, s.faqEdit)
	s.handleBoth("POST /faq/manage/{faq}", "/api/v1/faq/manage/{faq}", publish, s.faqUpdate)
	s.handleBoth("POST /faq/manage/{faq}/publish", "/api/v1/faq/manage/{faq}/publish", publish, s.faqPublish)
	s.handleBoth("POST /faq/manage/{faq}/withdraw", "/api/v1/faq/manage/{faq}/withdraw", publish, s.faqWithdraw)
	s.handleBoth("POST /faq/manage/{faq}/revise", "/api/v1/faq/manage/{faq}/revise", publish, s.faqRevise)

	s.registerEligibilityRoutes()
}

// polPerPage is the page size of the library's lists.
const polPerPage = 20

// ---- JSON ----

func snippetJSON(parts []xiangpei.SnippetPart) []map[string]any {
	return jsonList(parts, func(p xiangpei.SnippetPart) map[string]any { return map[string]any{"text": p.Text, "hit": p.Hit} })
}

func snippetText(parts []xiangpei.SnippetPart) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

func policyJSON(p xiangpei.Policy) map[string]any {
	return map[string]any{"id": p.ID, "series_id": p.SeriesID, "item_version": p.ItemVersion, "revised_from": p.RevisedFrom,
		"region": p.Region, "title": p.Title, "issuer": p.Issuer, "doc_number": p.DocNumber, "category": p.Category,
		"body": p.Body, "effective_from": p.EffectiveFrom, "expires_on": p.ExpiresOn, "status": p.Status,
		"published_at": adminTime(p.PublishedAt), "withdrawn_at": adminTime(p.WithdrawnAt), "withdraw_reason": p.WithdrawReason,
		"superseded_by": p.SupersededBy, "created_at": adminTime(p.CreatedAt), "updated_at": adminTime(p.UpdatedAt), "version": p.Version}
}

func faqJSON(f xiangpei.FAQ) map[string]any {
	return map[string]any{"id": f.ID, "series_id": f.SeriesID, "item_version": f.ItemVersion, "revised_from": f.RevisedFrom,
		"region": f.Region, "question": f.Question, "answer": f.Answer, "category": f.Category, "policy_id": f.PolicyID,
		"policy_title": f.PolicyTitle, "status": f.Status, "published_at": adminTime(f.PublishedAt),
		"withdrawn_at": adminTime(f.WithdrawnAt), "withdraw_reason": f.WithdrawReason, "superseded_by": f.SupersededBy,
		"created_at": adminTime(f.CreatedAt), "updated_at": adminTime(f.UpdatedAt), "version": f.Version}
}

func hitJSON(h store.PolicyHit) map[string]any {
	m := map[string]any{"kind": h.Kind, "id": h.ID(), "title": snippetJSON(h.Title), "snippet": snippetJSON(h.Snippet)}
	if h.Kind == "faq" {
		m["faq"] = faqJSON(h.FAQ)
	} else {
		m["policy"] = policyJSON(h.Policy)
	}
	return m
}

// ---- public pages ----

type polPublicData struct {
	Query, Category, Kind string
	Categories            []string
	Hits                  []store.PolicyHit
	Pager                 *pager
	Export                string
}

// polSearch runs the public search of ?q=, ?category= for the kind of item.
func (s *Server) polSearch(r *http.Request, kind string) (polPublicData, int, int, error) {
	q := r.URL.Query()
	d := polPublicData{Query: strings.TrimSpace(q.Get("q")), Category: q.Get("category"), Kind: kind,
		Categories: xiangpei.PolicyCategories}
	if d.Category != "" && !strings.Contains(","+strings.Join(xiangpei.PolicyCategories, ",")+",", ","+d.Category+",") {
		d.Category = ""
	}
	if len([]rune(d.Query)) > 100 {
		return d, 0, 0, xiangpei.Errorf(xiangpei.Invalid, "policy.query_long", "Search with at most 100 characters.")
	}
	n, pg := listPage(r, polPerPage)
	if wantsXLSX(r) {
		pg = store.Page{Limit: 2000}
	}
	hits, total, err := s.db.SearchPolicies(r.Context(), store.PolicySearch{Query: d.Query, Category: d.Category, Kind: kind}, pg)
	if err != nil {
		return d, 0, 0, err
	}
	d.Hits, d.Pager = hits, pagerOf(r, n, total, polPerPage)
	ex := r.URL.Query()
	ex.Del("page")
	ex.Set("format", "xlsx")
	d.Export = r.URL.Path + "?" + ex.Encode()
	return d, total, n, nil
}

// polAnswerSearch answers a search of the library (kind "" both, "policy" or "faq"): the Excel
// download (name.xlsx), the JSON twin, or the one page the library and the FAQ share.
func (s *Server) polAnswerSearch(w http.ResponseWriter, r *http.Request, kind, name, title string) {
	d, total, n, err := s.polSearch(r, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	t := func(k string) string { return s.msg.T(lang, k) }
	if wantsXLSX(r) {
		header := []string{t("policy.kind"), t("policy.title"), t("policy.doc_number"), t("policy.category"), t("policy.region"),
			t("policy.published_at"), t("policy.snippet")}
		pl := s.places(r)
		var rows [][]any
		for _, h := range d.Hits {
			if h.Kind == "faq" {
				rows = append(rows, []any{t("policy.kind.faq"), h.FAQ.Question, "", t("policy.category." + h.FAQ.Category),
					pl.name(h.FAQ.Region), h.FAQ.PublishedAt, snippetText(h.Snippet)})
			} else {
				rows = append(rows, []any{t("policy.kind.policy"), h.Policy.Title, h.Policy.DocNumber, t("policy.category." + h.Policy.Category),
					pl.name(h.Policy.Region), h.Policy.PublishedAt, snippetText(h.Snippet)})
			}
		}
		s.download(w, r, name+".xlsx", title+".xlsx", t("policy.sheet"), header, rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"query": d.Query, "category": d.Category, "items": jsonList(d.Hits, hitJSON),
			"total": total, "page": n, "per_page": polPerPage})
		return
	}
	s.render(w, r, http.StatusOK, "policies_public", s.page(r, title, d)) // the library and the FAQ share one page
}

// polPublic is the library: published policies and FAQ entries, searched and filtered.
func (s *Server) polPublic(w http.ResponseWriter, r *http.Request) {
	kind := r.URL.Query().Get("kind")
	if kind != "policy" && kind != "faq" {
		kind = ""
	}
	s.polAnswerSearch(w, r, kind, "policies_public", s.msg.T(stateOf(r).lang, "policy.public_title"))
}

// faqPublic is the FAQ: published entries, searched and filtered.
func (s *Server) faqPublic(w http.ResponseWriter, r *http.Request) {
	s.polAnswerSearch(w, r, "faq", "faq_public", s.msg.T(stateOf(r).lang, "faq.public_title"))
}

type polShowData struct {
	Policy     xiangpei.Policy
	RegionName string
	Expired    bool
	FAQs       []store.PolicyHit
}

// polShow is one published policy (superseded and withdrawn ones too, marked so).
func (s *Server) polShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "policy")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.db.PublicPolicy(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"policy": policyJSON(p), "expired": p.Expired(s.now())})
		return
	}
	d := polShowData{Policy: p, RegionName: s.places(r).name(p.Region), Expired: p.Expired(s.now())}
	s.render(w, r, http.StatusOK, "policies_show", s.page(r, p.Title, d))
}

// ---- officers ----

type polForm struct {
	Region        string `json:"region"`
	Title         string `json:"title"`
	Issuer        string `json:"issuer"`
	DocNumber     string `json:"doc_number"`
	Category      string `json:"category"`
	Body          string `json:"body"`
	EffectiveFrom string `json:"effective_from"`
	ExpiresOn     string `json:"expires_on"`
	Version       int64  `json:"version"`
}

func (f polForm) input() xiangpei.PolicyInput {
	return xiangpei.PolicyInput{Region: f.Region, Title: f.Title, Issuer: f.Issuer, DocNumber: f.DocNumber, Category: f.Category,
		Body: f.Body, EffectiveFrom: f.EffectiveFrom, ExpiresOn: f.ExpiresOn}
}

type faqForm struct {
	Region   string `json:"region"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Category string `json:"category"`
	PolicyID int64  `json:"policy_id"`
	Version  int64  `json:"version"`
}

func (f faqForm) input() xiangpei.FAQInput {
	return xiangpei.FAQInput{Region: f.Region, Question: f.Question, Answer: f.Answer, Category: f.Category, PolicyID: f.PolicyID}
}

type polActionForm struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

// polRegionsFor lists the regions an officer writes the library for: their own and those below.
func polRegionsFor(a xiangpei.Actor, pl places) []regOption {
	if a.Role != xiangpei.RoleOfficer || !a.Can(xiangpei.DutyPublish) {
		return nil
	}
	var out []regOption
	for _, reg := range pl.Regions {
		if xiangpei.CanPublishPolicies(a, reg.Code) {
			out = append(out, regOption{Value: reg.Code, Label: reg.Name})
		}
	}
	return out
}

// polManageData is the officers' list of policies or FAQ entries, with the form that starts one.
type polManageData struct {
	Kind       string // "policy" or "faq"
	Status     string
	Statuses   []xiangpei.PolicyStatus
	Categories []string
	Regions    []regOption
	Policies   []xiangpei.Policy
	FAQs       []xiangpei.FAQ
	Pager      *pager
	CanPublish bool
	Policy     polForm
	FAQ        faqForm
}

func (s *Server) polManageData(r *http.Request, kind string) (polManageData, int, int, error) {
	a := actorOf(r)
	d := polManageData{Kind: kind, Status: r.URL.Query().Get("status"), Statuses: xiangpei.PolicyStatuses,
		Categories: xiangpei.PolicyCategories, Regions: polRegionsFor(a, s.places(r))}
	d.CanPublish = len(d.Regions) > 0
	if !xiangpei.PolicyStatus(d.Status).Valid() {
		d.Status = ""
	}
	if len(d.Regions) > 0 {
		d.Policy.Region, d.FAQ.Region = d.Regions[0].Value, d.Regions[0].Value
	}
	d.Policy.EffectiveFrom = xiangpei.ChinaDate(s.now())
	n, pg := listPage(r, polPerPage)
	if wantsXLSX(r) {
		pg = store.Page{Limit: 2000}
	}
	f := store.PolicyFilter{Status: xiangpei.PolicyStatus(d.Status)}
	var total int
	var err error
	if kind == "faq" {
		d.FAQs, total, err = s.db.FAQs(r.Context(), a.Scope(), f, pg)
	} else {
		d.Policies, total, err = s.db.Policies(r.Context(), a.Scope(), f, pg)
	}
	d.Pager = pagerOf(r, n, total, polPerPage)
	return d, total, n, err
}

func (s *Server) polManagePage(r *http.Request, kind string, keep func(d *polManageData)) *formPage {
	return &formPage{"policies_manage", func() (*Page, error) {
		d, _, _, err := s.polManageData(r, kind)
		if err != nil {
			return nil, err
		}
		if keep != nil {
			keep(&d)
		}
		return s.page(r, s.msg.T(stateOf(r).lang, kind+".manage_title"), d), nil
	}}
}

func (s *Server) polManageAnswer(w http.ResponseWriter, r *http.Request, kind string) {
	d, total, n, err := s.polManageData(r, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	t := func(k string) string { return s.msg.T(lang, k) }
	pl := s.places(r)
	if wantsXLSX(r) {
		var header []string
		var rows [][]any
		if kind == "faq" {
			header = []string{t("faq.question"), t("policy.category"), t("policy.region"), t("policy.item_version"), t("policy.status"), t("policy.updated_at")}
			for _, f := range d.FAQs {
				rows = append(rows, []any{f.Question, t("policy.category." + f.Category), pl.name(f.Region), f.ItemVersion,
					t("policy.status." + string(f.Status)), f.UpdatedAt})
			}
		} else {
			header = []string{t("policy.title"), t("policy.doc_number"), t("policy.category"), t("policy.region"), t("policy.item_version"),
				t("policy.status"), t("policy.updated_at")}
			for _, p := range d.Policies {
				rows = append(rows, []any{p.Title, p.DocNumber, t("policy.category." + p.Category), pl.name(p.Region), p.ItemVersion,
					t("policy.status." + string(p.Status)), p.UpdatedAt})
			}
		}
		s.download(w, r, kind+"-manage.xlsx", t(kind+".manage_title")+".xlsx", t("policy.sheet"), header, rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		out := map[string]any{"total": total, "page": n, "per_page": polPerPage}
		if kind == "faq" {
			out["items"] = jsonList(d.FAQs, faqJSON)
		} else {
			out["items"] = jsonList(d.Policies, policyJSON)
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	s.render(w, r, http.StatusOK, "policies_manage", s.page(r, t(kind+".manage_title"), d))
}

func (s *Server) polManage(w http.ResponseWriter, r *http.Request) { s.polManageAnswer(w, r, "policy") }
func (s *Server) faqManage(w http.ResponseWriter, r *http.Request) { s.polManageAnswer(w, r, "faq") }

// polFail answers a failed officer's form: a missing item or a refusal is an error page;
// anything else the form's page again with the message and what was typed.
func (s *Server) polFail(w http.ResponseWriter, r *http.Request, err error, again *formPage) {
	if k := xiangpei.ErrorKind(err); k == xiangpei.NotFound || k == xiangpei.Forbidden {
		again = nil
	}
	s.formError(w, r, err, again)
}

func polPath(id int64) string { return "/policies/manage/" + strconv.FormatInt(id, 10) }
func faqPath(id int64) string { return "/faq/manage/" + strconv.FormatInt(id, 10) }

func (s *Server) polCreate(w http.ResponseWriter, r *http.Request) {
	var f polForm
	err := bind(r, &f)
	var p xiangpei.Policy
	if err == nil {
		p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Policy, error) { return tx.CreatePolicy(f.input()) })
	}
	if err != nil {
		s.polFail(w, r, err, s.polManagePage(r, "policy", func(d *polManageData) { d.Policy = f }))
		return
	}
	answer(w, r, http.StatusCreated, policyJSON(p), polPath(p.ID), "policy_created")
}

func (s *Server) faqCreate(w http.ResponseWriter, r *http.Request) {
	var f faqForm
	err := bind(r, &f)
	var x xiangpei.FAQ
	if err == nil {
		x, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.FAQ, error) { return tx.CreateFAQ(f.input()) })
	}
	if err != nil {
		s.polFail(w, r, err, s.polManagePage(r, "faq", func(d *polManageData) { d.FAQ = f }))
		return
	}
	answer(w, r, http.StatusCreated, faqJSON(x), faqPath(x.ID), "faq_created")
}

// polEditData is an officer's page of one item in any state.
type polEditData struct {
	Kind       string
	Policy     xiangpei.Policy
	FAQ        xiangpei.FAQ
	RegionName string
	Status     xiangpei.PolicyStatus
	CanChange  bool
	Categories []string
	PolicyForm polForm
	FAQForm    faqForm
	Action     polActionForm
}

func (s *Server) polEditData(r *http.Request, kind string, id int64) (polEditData, error) {
	a := actorOf(r)
	d := polEditData{Kind: kind, Categories: xiangpei.PolicyCategories}
	pl := s.places(r)
	if kind == "faq" {
		f, err := s.db.FAQ(r.Context(), a.Scope(), id)
		if err != nil {
			return d, err
		}
		d.FAQ, d.Status, d.RegionName = f, f.Status, pl.name(f.Region)
		in := f.Input()
		d.FAQForm = faqForm{Region: in.Region, Question: in.Question, Answer: in.Answer, Category: in.Category, PolicyID: in.PolicyID, Version: f.Version}
		d.CanChange, d.Action.Version = xiangpei.CanPublishPolicies(a, f.Region), f.Version
		return d, nil
	}
	p, err := s.db.Policy(r.Context(), a.Scope(), id)
	if err != nil {
		return d, err
	}
	d.Policy, d.Status, d.RegionName = p, p.Status, pl.name(p.Region)
	in := p.Input()
	d.PolicyForm = polForm{Region: in.Region, Title: in.Title, Issuer: in.Issuer, DocNumber: in.DocNumber, Category: in.Category,
		Body: in.Body, EffectiveFrom: in.EffectiveFrom, ExpiresOn: in.ExpiresOn, Version: p.Version}
	d.CanChange, d.Action.Version = xiangpei.CanPublishPolicies(a, p.Region), p.Version
	return d, nil
}

func (s *Server) polEditPage(r *http.Request, kind string, id int64, keep func(d *polEditData)) *formPage {
	return &formPage{"policies_edit", func() (*Page, error) {
		d, err := s.polEditData(r, kind, id)
		if err != nil {
			return nil, err
		}
		if keep != nil {
			keep(&d)
		}
		title := d.Policy.Title
		if kind == "faq" {
			title = d.FAQ.Question
		}
		return s.page(r, title, d), nil
	}}
}

func (s *Server) polEditAnswer(w http.ResponseWriter, r *http.Request, kind, param string) {
	id, err := pathID(r, param)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		d, err := s.polEditData(r, kind, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if kind == "faq" {
			writeJSON(w, http.StatusOK, faqJSON(d.FAQ))
		} else {
			writeJSON(w, http.StatusOK, policyJSON(d.Policy))
		}
		return
	}
	s.show(w, r, s.polEditPage(r, kind, id, nil))
}

func (s *Server) polEdit(w http.ResponseWriter, r *http.Request) {
	s.polEditAnswer(w, r, "policy", "policy")
}
func (s *Server) faqEdit(w http.ResponseWriter, r *http.Request) { s.polEditAnswer(w, r, "faq", "faq") }

// polChange runs one change of the policy named by the path and answers it.
func polChange[F any](s *Server, w http.ResponseWriter, r *http.Request, status int, done string, keep func(d *polEditData, f F),
	fn func(tx *store.Tx, id int64, f F) (xiangpei.Policy, error)) {
	id, err := pathID(r, "policy")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f F
	var p xiangpei.Policy
	if err = bind(r, &f); err == nil {
		p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Policy, error) { return fn(tx, id, f) })
	}
	if err != nil {
		s.polFail(w, r, err, s.polEditPage(r, "policy", id, func(d *polEditData) { keep(d, f) }))
		return
	}
	answer(w, r, status, policyJSON(p), polPath(p.ID), done)
}

// faqChange runs one change of the FAQ entry named by the path and answers it.
func faqChange[F any](s *Server, w http.ResponseWriter, r *http.Request, status int, done string, keep func(d *polEditData, f F),
	fn func(tx *store.Tx, id int64, f F) (xiangpei.FAQ, error)) {
	id, err := pathID(r, "faq")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f F
	var x xiangpei.FAQ
	if err = bind(r, &f); err == nil {
		x, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.FAQ, error) { return fn(tx, id, f) })
	}
	if err != nil {
		s.polFail(w, r, err, s.polEditPage(r, "faq", id, func(d *polEditData) { keep(d, f) }))
		return
	}
	answer(w, r, status, faqJSON(x), faqPath(x.ID), done)
}

func (s *Server) polUpdate(w http.ResponseWriter, r *http.Request) {
	polChange(s, w, r, http.StatusOK, "policy_saved", func(d *polEditData, f polForm) { d.PolicyForm = f },
		func(tx *store.Tx, id int64, f polForm) (xiangpei.Policy, error) {
			return tx.UpdatePolicy(id, f.Version, f.input())
		})
}

func (s *Server) polPublish(w http.ResponseWriter, r *http.Request) {
	polChange(s, w, r, http.StatusOK, "policy_published", func(*polEditData, polActionForm) {},
		func(tx *store.Tx, id int64, f polActionForm) (xiangpei.Policy, error) {
			return tx.MovePolicy(id, f.Version, xiangpei.PolicyPublish, "")
		})
}

func (s *Server) polWithdraw(w http.ResponseWriter, r *http.Request) {
	polChange(s, w, r, http.StatusOK, "policy_withdrawn", func(d *polEditData, f polActionForm) { d.Action.Reason = f.Reason },
		func(tx *store.Tx, id int64, f polActionForm) (xiangpei.Policy, error) {
			return tx.MovePolicy(id, f.Version, xiangpei.PolicyWithdraw, f.Reason)
		})
}

func (s *Server) polRevise(w http.ResponseWriter, r *http.Request) {
	polChange(s, w, r, http.StatusCreated, "policy_revised", func(*polEditData, polActionForm) {},
		func(tx *store.Tx, id int64, f polActionForm) (xiangpei.Policy, error) {
			return tx.RevisePolicy(id, f.Version)
		})
}

func (s *Server) faqUpdate(w http.ResponseWriter, r *http.Request) {
	faqChange(s, w, r, http.StatusOK, "policy_saved", func(d *polEditData, f faqForm) { d.FAQForm = f },
		func(tx *store.Tx, id int64, f faqForm) (xiangpei.FAQ, error) {
			return tx.UpdateFAQ(id, f.Version, f.input())
		})
}

func (s *Server) faqPublish(w http.ResponseWriter, r *http.Request) {
	faqChange(s, w, r, http.StatusOK, "policy_published", func(*polEditData, polActionForm) {},
		func(tx *store.Tx, id int64, f polActionForm) (xiangpei.FAQ, error) {
			return tx.MoveFAQ(id, f.Version, xiangpei.PolicyPublish, "")
		})
}

func (s *Server) faqWithdraw(w http.ResponseWriter, r *http.Request) {
	faqChange(s, w, r, http.StatusOK, "policy_withdrawn", func(d *polEditData, f polActionForm) { d.Action.Reason = f.Reason },
		func(tx *store.Tx, id int64, f polActionForm) (xiangpei.FAQ, error) {
			return tx.MoveFAQ(id, f.Version, xiangpei.PolicyWithdraw, f.Reason)
		})
}

func (s *Server) faqRevise(w http.ResponseWriter, r *http.Request) {
	faqChange(s, w, r, http.StatusCreated, "policy_revised", func(*polEditData, polActionForm) {},
		func(tx *store.Tx, id int64, f polActionForm) (xiangpei.FAQ, error) {
			return tx.ReviseFAQ(id, f.Version)
		})
}
