package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 培 — shortage-occupation lists (紧缺工种目录, SPEC §4.1). Anyone reads the lists in force on a
// day and any published list with its versions, and downloads them as Excel; a city or province
// officer holding the publish duty drafts, publishes, withdraws and revises the lists of their
// region (the system administrator may read them). Every page action has its JSON twin under
// /api/v1/shortage with the same rule.

func (s *Server) registerShortageRoutes() {
	read := Duty(xiangpei.DutyPublish, xiangpei.DutySysAdmin)
	publish := Duty(xiangpei.DutyPublish)

	// Public: the lists in force, one list with its versions.
	s.handleBoth("GET /shortage", "/api/v1/shortage", Public(), s.slPublic)
	s.handleBoth("GET /shortage/{list}", "/api/v1/shortage/{list}", Public(), s.slShow)

	// Officers: the lists of their region in any state, and the changes.
	s.handleBoth("GET /shortage/manage", "/api/v1/shortage/manage", read, s.slManage)
	s.handleBoth("POST /shortage/manage", "/api/v1/shortage/manage", publish, s.slCreate)
	s.handleBoth("GET /shortage/manage/{list}", "/api/v1/shortage/manage/{list}", read, s.slEdit)
	s.handleBoth("POST /shortage/manage/{list}", "/api/v1/shortage/manage/{list}", publish, s.slUpdate)
	s.handleBoth("POST /shortage/manage/{list}/entries", "/api/v1/shortage/manage/{list}/entries", publish, s.slAddEntry)
	s.handleBoth("POST /shortage/manage/{list}/entries/{id}/remove", "/api/v1/shortage/manage/{list}/entries/{id}/remove", publish, s.slRemoveEntry)
	s.handleBoth("POST /shortage/manage/{list}/publish", "/api/v1/shortage/manage/{list}/publish", publish, s.slPublish)
	s.handleBoth("POST /shortage/manage/{list}/withdraw", "/api/v1/shortage/manage/{list}/withdraw", publish, s.slWithdraw)
	s.handleBoth("POST /shortage/manage/{list}/discard", "/api/v1/shortage/manage/{list}/discard", publish, s.slDiscard)
	s.handleBoth("POST /shortage/manage/{list}/revise", "/api/v1/shortage/manage/{list}/revise", publish, s.slRevise)
}

// slPerPage is the page size of the officers' list of lists.
const slPerPage = 20

// ---- names and JSON ----

// slNames are the names a shortage page shows for codes, in the page's language.
type slNames struct {
	places  places
	levels  map[string]string
	sectors map[string]string
	Levels  []regOption
	Sectors []regOption
}

func (s *Server) slNames(r *http.Request) (slNames, error) {
	n := slNames{places: s.places(r), levels: map[string]string{}, sectors: map[string]string{}}
	en := regEnglish(r)
	levels, err := s.db.ListSkillLevels(r.Context())
	if err != nil {
		return n, err
	}
	for _, l := range levels {
		name := l.NameZh
		if en {
			name = l.NameEn
		}
		n.levels[l.Code] = name
		n.Levels = append(n.Levels, regOption{Value: l.Code, Label: name})
	}
	sectors, err := s.db.ListSectors(r.Context())
	if err != nil {
		return n, err
	}
	for _, x := range sectors {
		name := x.NameZh
		if en {
			name = x.NameEn
		}
		n.sectors[x.Code] = name
		n.Sectors = append(n.Sectors, regOption{Value: x.Code, Label: name})
	}
	return n, nil
}

func slName(names map[string]string, code string) string {
	if n, ok := names[code]; ok {
		return n
	}
	return code
}

// slEntryView is an entry as pages show it.
type slEntryView struct {
	xiangpei.ShortageEntry
	LevelName   string
	SectorNames []string
}

// slListView is a list as pages show it, with its region's name and named entries.
type slListView struct {
	List       xiangpei.ShortageList
	RegionName string
	Entries    []slEntryView
	InForce    bool // in force at the instant the page is about
}

func (n slNames) entry(e xiangpei.ShortageEntry) slEntryView {
	v := slEntryView{ShortageEntry: e, LevelName: slName(n.levels, e.Level)}
	for _, sec := range e.Sectors {
		v.SectorNames = append(v.SectorNames, slName(n.sectors, sec))
	}
	return v
}

func (n slNames) view(l xiangpei.ShortageList, at time.Time) slListView {
	v := slListView{List: l, RegionName: n.places.name(l.Region), InForce: l.InForce(at)}
	for _, e := range l.Entries {
		v.Entries = append(v.Entries, n.entry(e))
	}
	return v
}

func slEntryJSON(e xiangpei.ShortageEntry) map[string]any {
	sectors := e.Sectors
	if sectors == nil {
		sectors = []string{}
	}
	return map[string]any{"id": e.ID, "occupation_code": e.OccupationCode, "occupation_name": e.OccupationName,
		"level": e.Level, "degree": e.Degree, "uplift_pct": e.UpliftPct, "sectors": sectors}
}

func slInForceJSON(e xiangpei.ShortageEntryInForce) map[string]any {
	m := slEntryJSON(e.ShortageEntry)
	m["list_id"], m["series_id"], m["list_version"], m["region"], m["title"], m["published_at"] =
		e.ListID, e.SeriesID, e.ListVersion, e.Region, e.Title, adminTime(e.PublishedAt)
	return m
}

// slListJSON is a list; with entries when they were read, otherwise with their count only.
func slListJSON(l xiangpei.ShortageList, entries bool) map[string]any {
	m := map[string]any{"id": l.ID, "series_id": l.SeriesID, "list_version": l.ListVersion, "revised_from": l.RevisedFrom,
		"region": l.Region, "title": l.Title, "from": l.From, "to": l.To, "status": l.Status,
		"published_at": adminTime(l.PublishedAt), "superseded_at": adminTime(l.SupersededAt), "superseded_by": l.SupersededBy,
		"withdrawn_at": adminTime(l.WithdrawnAt), "withdraw_reason": l.WithdrawReason, "created_at": adminTime(l.CreatedAt),
		"updated_at": adminTime(l.UpdatedAt), "entry_count": l.EntryCount, "version": l.Version}
	if entries {
		m["entries"] = jsonList(l.Entries, slEntryJSON)
		m["entry_count"] = len(l.Entries)
	}
	return m
}

func slListsJSON(lists []xiangpei.ShortageList, entries bool) []map[string]any {
	return jsonList(lists, func(l xiangpei.ShortageList) map[string]any { return slListJSON(l, entries) })
}

func slPath(id int64) string { return "/shortage/manage/" + strconv.FormatInt(id, 10) }

// slEntryHeader and slEntryRow are the columns of an exported list's entries.
func (s *Server) slEntryHeader(r *http.Request) []string {
	t := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
	return []string{t("shortage.occupation_code"), t("shortage.occupation"), t("shortage.level"), t("shortage.degree"),
		t("shortage.uplift_pct"), t("shortage.sectors")}
}

func (s *Server) slEntryRow(r *http.Request, e slEntryView) []any {
	return []any{e.OccupationCode, e.OccupationName, e.LevelName, s.msg.T(stateOf(r).lang, "shortage.degree."+e.Degree),
		e.UpliftPct, strings.Join(e.SectorNames, "、")}
}

// ---- the public pages ----

// slInstant reads the instant a public request asks about: ?at= (RFC 3339, exact), else
// ?date= (China date: the end of that day, or now when it is today), else now. It returns the
// instant and its China date.
func (s *Server) slInstant(r *http.Request) (time.Time, string, error) {
	q := r.URL.Query()
	now := s.now()
	if v := strings.TrimSpace(q.Get("at")); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return now, "", xiangpei.Errorf(xiangpei.Invalid, "shortage.at", "Give the moment as a date and time with its offset, such as 2026-10-01T09:00:00+08:00.")
		}
		return t.UTC(), xiangpei.ChinaDate(t), nil
	}
	d := strings.TrimSpace(q.Get("date"))
	if d == "" || d == xiangpei.ChinaDate(now) {
		return now, xiangpei.ChinaDate(now), nil
	}
	day, err := time.ParseInLocation(time.DateOnly, d, xiangpei.ChinaTime)
	if err != nil {
		return now, "", xiangpei.Errorf(xiangpei.Invalid, "shortage.date_format", "Give the date as year-month-day, such as 2026-10-01.")
	}
	return day.AddDate(0, 0, 1).Add(-time.Microsecond).UTC(), d, nil
}

// slPlace checks a region code a public request names: one of the regions of the reference
// data, of one of the given levels.
func slPlace(pl places, code string, levels ...string) error {
	for _, reg := range pl.Regions {
		if reg.Code == code && slices.Contains(levels, reg.Level) {
			return nil
		}
	}
	return xiangpei.Errorf(xiangpei.Invalid, "shortage.place_unknown", "There is no such place: choose one from the list.")
}

type slPublicData struct {
	Date   string
	City   string
	Cities []regOption
	Lists  []slListView
	Today  bool
}

// slPublic shows the lists in force on a day for a city (with its province's) or for the whole
// province. The API also answers, for ?county=, the merged entries that apply to that county.
func (s *Server) slPublic(w http.ResponseWriter, r *http.Request) {
	at, date, err := s.slInstant(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	city, county := strings.TrimSpace(q.Get("city")), strings.TrimSpace(q.Get("county"))
	n, err := s.slNames(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if county != "" {
		if err := slPlace(n.places, county, "county", "city", "province"); err != nil {
			s.fail(w, r, err)
			return
		}
		entries, err := s.db.ShortageInForce(r.Context(), county, at)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if stateOf(r).api {
			writeJSON(w, http.StatusOK, map[string]any{"at": at, "date": date, "county": county,
				"entries": jsonList(entries, slInForceJSON)})
			return
		}
		// The page shows the lists of the county's city.
		city = county[:4] + "00"
		if xiangpei.RegionLevel(county) == "province" {
			city = county
		}
	}
	if city != "" {
		if err := slPlace(n.places, city, "city", "province"); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	lists, err := s.db.ShortageListsInForce(r.Context(), city, at)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"at": at, "date": date, "city": city, "lists": slListsJSON(lists, true)})
		return
	}
	d := slPublicData{Date: date, City: city, Today: date == xiangpei.ChinaDate(s.now())}
	for _, reg := range n.places.Regions {
		if reg.Level == "province" || reg.Level == "city" {
			d.Cities = append(d.Cities, regOption{Value: reg.Code, Label: reg.Name})
		}
	}
	for _, l := range lists {
		d.Lists = append(d.Lists, n.view(l, at))
	}
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		header := append([]string{s.msg.T(lang, "shortage.list_title"), s.msg.T(lang, "shortage.region"),
			s.msg.T(lang, "shortage.list_version")}, s.slEntryHeader(r)...)
		var rows [][]any
		for _, v := range d.Lists {
			for _, e := range v.Entries {
				rows = append(rows, append([]any{v.List.Title, v.RegionName, v.List.ListVersion}, s.slEntryRow(r, e)...))
			}
		}
		s.download(w, r, "shortage-"+date+".xlsx", s.msg.T(lang, "shortage.public_title")+" "+date+".xlsx",
			s.msg.T(lang, "shortage.sheet"), header, rows, sheet.Options{})
		return
	}
	s.render(w, r, http.StatusOK, "shortage_public", s.page(r, s.msg.T(lang, "shortage.public_title"), d))
}

type slShowData struct {
	View    slListView
	History []slListView
	Now     time.Time
}

// slShow shows one published list (superseded and withdrawn ones too) with its versions, or
// downloads it with ?format=xlsx.
func (s *Server) slShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "list")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.db.PublicShortageList(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	history, err := s.db.ShortageHistory(r.Context(), xiangpei.Scope{}, l.SeriesID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.slAnswerList(w, r, l, history, "shortage_list")
}

// slAnswerList answers one list with its versions as JSON, a workbook or the named page.
func (s *Server) slAnswerList(w http.ResponseWriter, r *http.Request, l xiangpei.ShortageList, history []xiangpei.ShortageList, page string) {
	now := s.now()
	if wantsXLSX(r) {
		n, err := s.slNames(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v := n.view(l, now)
		var rows [][]any
		for _, e := range v.Entries {
			rows = append(rows, s.slEntryRow(r, e))
		}
		name := "shortage-" + strconv.FormatInt(l.ID, 10) + "-v" + strconv.Itoa(l.ListVersion) + ".xlsx"
		s.download(w, r, name, l.Title+" v"+strconv.Itoa(l.ListVersion)+".xlsx", s.msg.T(stateOf(r).lang, "shortage.sheet"),
			s.slEntryHeader(r), rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		out := slListJSON(l, true)
		out["in_force"] = l.InForce(now)
		writeJSON(w, http.StatusOK, map[string]any{"list": out, "history": slListsJSON(history, false)})
		return
	}
	n, err := s.slNames(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := slShowData{View: n.view(l, now), Now: now}
	for _, h := range history {
		d.History = append(d.History, n.view(h, now))
	}
	s.render(w, r, http.StatusOK, page, s.page(r, l.Title, d))
}

// ---- the officers' pages ----

// slListForm starts a list or changes a draft's heading.
type slListForm struct {
	Region  string `json:"region"`
	Title   string `json:"title"`
	From    string `json:"from"`
	To      string `json:"to"`
	Version int64  `json:"version"`
}

func (f slListForm) input() xiangpei.ShortageListInput {
	return xiangpei.ShortageListInput{Region: f.Region, Title: f.Title, From: f.From, To: f.To}
}

type slEntryForm struct {
	OccupationCode string   `json:"occupation_code"`
	Level          string   `json:"level"`
	Degree         string   `json:"degree"`
	UpliftPct      int      `json:"uplift_pct"`
	Sectors        []string `json:"sectors"`
	Version        int64    `json:"version"`
}

// slActionForm is a publish, withdraw, revise or remove: the version seen, and a reason where
// one is needed.
type slActionForm struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

// slCanPublish reports whether the actor may change lists: an officer of a city or a province
// holding the publish duty.
func slCanPublish(a xiangpei.Actor) bool {
	return a.Role == xiangpei.RoleOfficer && a.Can(xiangpei.DutyPublish) && xiangpei.RegionLevel(a.Region) != "county"
}

// slRegionsFor lists the regions an officer may publish for: their city, or their province and
// its cities.
func slRegionsFor(a xiangpei.Actor, pl places) []regOption {
	if !slCanPublish(a) {
		return nil
	}
	var out []regOption
	for _, reg := range pl.Regions {
		if reg.Code == a.Region || (xiangpei.RegionLevel(a.Region) == "province" && reg.Parent == a.Region && reg.Level == "city") {
			out = append(out, regOption{Value: reg.Code, Label: reg.Name})
		}
	}
	return out
}

type slManageData struct {
	Status     string
	Region     string
	Statuses   []xiangpei.ShortageStatus
	Regions    []regOption // the regions the officer publishes for
	Lists      []slListView
	Pager      *pager
	CanPublish bool
	County     bool // a county officer: sees nothing here, publishes nothing
	Create     slListForm
}

func (s *Server) slManageData(r *http.Request) (slManageData, []xiangpei.ShortageList, int, int, error) {
	a := actorOf(r)
	q := r.URL.Query()
	d := slManageData{Status: q.Get("status"), Region: strings.TrimSpace(q.Get("region")), Statuses: xiangpei.ShortageStatuses,
		CanPublish: slCanPublish(a), County: a.Role == xiangpei.RoleOfficer && xiangpei.RegionLevel(a.Region) == "county"}
	if !xiangpei.ShortageStatus(d.Status).Valid() {
		d.Status = ""
	}
	n, pg := listPage(r, slPerPage)
	lists, total, err := s.db.ShortageLists(r.Context(), a.Scope(), store.ShortageFilter{Status: xiangpei.ShortageStatus(d.Status),
		Region: d.Region}, pg)
	if err != nil {
		return d, nil, 0, 0, err
	}
	pl := s.places(r)
	d.Regions = slRegionsFor(a, pl)
	if len(d.Regions) > 0 {
		d.Create.Region = d.Regions[0].Value
	}
	year := s.now().In(xiangpei.ChinaTime).Year()
	d.Create.From, d.Create.To = strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
	now := s.now()
	names := slNames{places: pl}
	for _, l := range lists {
		d.Lists = append(d.Lists, names.view(l, now))
	}
	d.Pager = pagerOf(r, n, total, slPerPage)
	return d, lists, total, n, nil
}

func (s *Server) slManagePage(r *http.Request, keep func(d *slManageData)) *formPage {
	return &formPage{"shortage_manage", func() (*Page, error) {
		d, _, _, _, err := s.slManageData(r)
		if err != nil {
			return nil, err
		}
		if keep != nil {
			keep(&d)
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "shortage.manage_title"), d), nil
	}}
}

// slManage lists the lists of the officer's region in any state, paged, with the form that
// starts a new one.
func (s *Server) slManage(w http.ResponseWriter, r *http.Request) {
	d, lists, total, n, err := s.slManageData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		t := func(k string) string { return s.msg.T(lang, k) }
		header := []string{t("shortage.list_title"), t("shortage.region"), t("shortage.list_version"), t("shortage.from"),
			t("shortage.to"), t("shortage.status"), t("shortage.entry_count"), t("shortage.published_at")}
		var rows [][]any
		for _, v := range d.Lists {
			rows = append(rows, []any{v.List.Title, v.RegionName, v.List.ListVersion, v.List.From, v.List.To,
				t("shortage.status." + string(v.List.Status)), v.List.EntryCount, v.List.PublishedAt})
		}
		s.download(w, r, "shortage-lists.xlsx", t("shortage.manage_title")+".xlsx", t("shortage.sheet"), header, rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"lists": slListsJSON(lists, false), "total": total, "page": n,
			"per_page": slPerPage})
		return
	}
	s.render(w, r, http.StatusOK, "shortage_manage", s.page(r, s.msg.T(lang, "shortage.manage_title"), d))
}

// slFail answers a failed officer's form: a missing list or a refusal is an error page;
// anything else shows the form's page again with the message and what was typed.
func (s *Server) slFail(w http.ResponseWriter, r *http.Request, err error, again *formPage) {
	if k := xiangpei.ErrorKind(err); k == xiangpei.NotFound || k == xiangpei.Forbidden {
		again = nil
	}
	s.formError(w, r, err, again)
}

func (s *Server) slCreate(w http.ResponseWriter, r *http.Request) {
	var f slListForm
	err := bind(r, &f)
	var l xiangpei.ShortageList
	if err == nil {
		l, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.ShortageList, error) {
			return tx.CreateShortageList(a.Scope(), f.input())
		})
	}
	if err != nil {
		s.slFail(w, r, err, s.slManagePage(r, func(d *slManageData) { d.Create = f }))
		return
	}
	answer(w, r, http.StatusCreated, slListJSON(l, true), slPath(l.ID), "shortage_created")
}

type slEditData struct {
	View      slListView
	History   []slListView
	Draft     int64 // a draft of the same series, when this list is not it
	CanChange bool
	Levels    []regOption
	Sectors   []regOption
	Degrees   []string
	// SectorChecks are the sector boxes of the add-entry form, ticked as last typed.
	SectorChecks []slCheck
	Heading      slListForm
	Entry        slEntryForm
	Action       slActionForm
	Max          int
}

func (s *Server) slEditData(r *http.Request, id int64) (slEditData, error) {
	a := actorOf(r)
	l, err := s.db.ShortageList(r.Context(), a.Scope(), id)
	if err != nil {
		return slEditData{}, err
	}
	history, err := s.db.ShortageHistory(r.Context(), a.Scope(), l.SeriesID)
	if err != nil {
		return slEditData{}, err
	}
	n, err := s.slNames(r)
	if err != nil {
		return slEditData{}, err
	}
	now := s.now()
	d := slEditData{View: n.view(l, now), CanChange: slCanPublish(a), Levels: n.Levels, Sectors: n.Sectors,
		Degrees: xiangpei.ShortageDegrees, Max: xiangpei.ShortageUpliftMax,
		Heading: slListForm{Title: l.Title, From: l.From, To: l.To, Version: l.Version},
		Entry:   slEntryForm{Degree: xiangpei.ShortageModerate, Version: l.Version}, Action: slActionForm{Version: l.Version}}
	for _, h := range history {
		d.History = append(d.History, n.view(h, now))
		if h.Status == xiangpei.ShortageDraft && h.ID != l.ID {
			d.Draft = h.ID
		}
	}
	return d, nil
}

// slCheck is a checkbox of a form.
type slCheck struct {
	Value, Label string
	Checked      bool
}

// checks ticks the sector boxes of the add-entry form as the officer last typed them.
func (d *slEditData) checks() {
	d.SectorChecks = nil
	for _, o := range d.Sectors {
		d.SectorChecks = append(d.SectorChecks, slCheck{Value: o.Value, Label: o.Label, Checked: slices.Contains(d.Entry.Sectors, o.Value)})
	}
}

func (s *Server) slEditPage(r *http.Request, id int64, keep func(d *slEditData)) *formPage {
	return &formPage{"shortage_edit", func() (*Page, error) {
		d, err := s.slEditData(r, id)
		if err != nil {
			return nil, err
		}
		if keep != nil {
			keep(&d)
		}
		d.checks()
		return s.page(r, d.View.List.Title, d), nil
	}}
}

// slEdit is an officer's page of one list of their region in any state: the draft's forms, or
// the published list's withdraw and revise; ?format=xlsx downloads it.
func (s *Server) slEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "list")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api || wantsXLSX(r) {
		a := actorOf(r)
		l, err := s.db.ShortageList(r.Context(), a.Scope(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		history, err := s.db.ShortageHistory(r.Context(), a.Scope(), l.SeriesID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.slAnswerList(w, r, l, history, "")
		return
	}
	s.show(w, r, s.slEditPage(r, id, nil))
}

// slChange runs one change of a list named by the path: the form is read, fn changes the list
// in one transaction, and the answer is the list's JSON (status) or a redirect to to(list) with
// the success message; a failure shows the list's page again with keep putting back what was
// typed.
func slChange[F any](s *Server, w http.ResponseWriter, r *http.Request, status int, done string,
	keep func(d *slEditData, f F), fn func(tx *store.Tx, sc xiangpei.Scope, id int64, f F) (xiangpei.ShortageList, error)) {
	id, err := pathID(r, "list")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f F
	var l xiangpei.ShortageList
	if err = bind(r, &f); err == nil {
		l, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.ShortageList, error) {
			return fn(tx, a.Scope(), id, f)
		})
	}
	if err != nil {
		s.slFail(w, r, err, s.slEditPage(r, id, func(d *slEditData) { keep(d, f) }))
		return
	}
	answer(w, r, status, slListJSON(l, true), slPath(l.ID), done)
}

func (s *Server) slUpdate(w http.ResponseWriter, r *http.Request) {
	slChange(s, w, r, http.StatusOK, "shortage_saved", func(d *slEditData, f slListForm) { d.Heading = f },
		func(tx *store.Tx, sc xiangpei.Scope, id int64, f slListForm) (xiangpei.ShortageList, error) {
			return tx.UpdateShortageList(sc, id, f.Version, f.input())
		})
}

func (s *Server) slAddEntry(w http.ResponseWriter, r *http.Request) {
	slChange(s, w, r, http.StatusCreated, "shortage_entry_added", func(d *slEditData, f slEntryForm) { d.Entry = f },
		func(tx *store.Tx, sc xiangpei.Scope, id int64, f slEntryForm) (xiangpei.ShortageList, error) {
			return tx.AddShortageEntry(sc, id, f.Version, xiangpei.ShortageEntryInput{OccupationCode: f.OccupationCode,
				Level: f.Level, Degree: f.Degree, UpliftPct: f.UpliftPct, Sectors: f.Sectors})
		})
}

func (s *Server) slRemoveEntry(w http.ResponseWriter, r *http.Request) {
	entry, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slChange(s, w, r, http.StatusOK, "shortage_entry_removed", func(*slEditData, slActionForm) {},
		func(tx *store.Tx, sc xiangpei.Scope, id int64, f slActionForm) (xiangpei.ShortageList, error) {
			return tx.RemoveShortageEntry(sc, id, f.Version, entry)
		})
}

func (s *Server) slPublish(w http.ResponseWriter, r *http.Request) {
	slChange(s, w, r, http.StatusOK, "shortage_published", func(*slEditData, slActionForm) {},
		func(tx *store.Tx, sc xiangpei.Scope, id int64, f slActionForm) (xiangpei.ShortageList, error) {
			return tx.MoveShortageList(sc, id, f.Version, xiangpei.ShortagePublish, "")
		})
}

func (s *Server) slWithdraw(w http.ResponseWriter, r *http.Request) {
	slChange(s, w, r, http.StatusOK, "shortage_withdrawn", func(d *slEditData, f slActionForm) { d.Action.Reason = f.Reason },
		func(tx *store.Tx, sc xiangpei.Scope, id int64, f slActionForm) (xiangpei.ShortageList, error) {
			return tx.MoveShortageList(sc, id, f.Version, xiangpei.ShortageWithdraw, f.Reason)
		})
}

// slDiscard deletes a draft and goes back to the officer's lists.
func (s *Server) slDiscard(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "list")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f slActionForm
	var l xiangpei.ShortageList
	if err = bind(r, &f); err == nil {
		l, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.ShortageList, error) {
			return tx.DiscardShortageDraft(a.Scope(), id, f.Version)
		})
	}
	if err != nil {
		s.slFail(w, r, err, s.slEditPage(r, id, func(*slEditData) {}))
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"id": l.ID, "discarded": true}, "/shortage/manage", "shortage_discarded")
}

func (s *Server) slRevise(w http.ResponseWriter, r *http.Request) {
	slChange(s, w, r, http.StatusCreated, "shortage_revised", func(*slEditData, slActionForm) {},
		func(tx *store.Tx, sc xiangpei.Scope, id int64, f slActionForm) (xiangpei.ShortageList, error) {
			return tx.ReviseShortageList(sc, id, f.Version)
		})
}
