package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 补 — the versioned subsidy rule table (SPEC §8). Rules are public policy: every officer and
// administrator reads every version ({rule} is not a tenant parameter). Province officers with
// the targets duty add versions for their province and its cities; administrators with the
// sysadmin duty for any province or city. A version is never edited: a change is a new version
// that takes effect today or later. Amounts travel as yuan with at most two decimals
// ("1500.00"); JSON answers also carry the integer fen.

func (s *Server) registerSubsidyRoutes() {
	read := Roles(xiangpei.RoleOfficer, xiangpei.RoleAdmin)
	set := Duty(xiangpei.DutyTargets, xiangpei.DutySysAdmin)
	s.handleBoth("GET /subsidy/rules", "/api/v1/subsidy/rules", read, s.srList)
	s.handleBoth("GET /subsidy/rules/new", "/api/v1/subsidy/rules/new", set, s.srNew)
	s.handleBoth("POST /subsidy/rules", "/api/v1/subsidy/rules", set, s.srCreate)
	s.handleBoth("GET /subsidy/rules/{rule}", "/api/v1/subsidy/rules/{rule}", read, s.srShow)
	s.registerBudgetRoutes()
}

const srPerPage = 20

// srView is a version as the pages show it.
type srView struct {
	Rule       xiangpei.SubsidyRule
	RegionName string
	InForce    bool // the version in force today for its region
	Future     bool // takes effect after today
	Std        map[string]string
	Cap        string
}

func (s *Server) srView(pl places, r xiangpei.SubsidyRule, inForce map[string]int64, today string) srView {
	v := srView{Rule: r, RegionName: pl.name(r.Region), InForce: r.ID != 0 && inForce[r.Region] == r.ID,
		Future: r.EffectiveFrom > today, Std: map[string]string{}, Cap: xiangpei.FormatFen(r.CapFen)}
	for l, fen := range r.StandardFen {
		v.Std[l] = xiangpei.FormatFen(fen)
	}
	return v
}

func srFenMap(m map[string]int64) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = map[string]any{"fen": v, "yuan": xiangpei.FormatFen(v)}
	}
	return out
}

func srJSON(r xiangpei.SubsidyRule) map[string]any {
	l := r.Limits
	return map[string]any{"id": r.ID, "region": r.Region, "version": r.Version, "effective_from": r.EffectiveFrom,
		"standard": srFenMap(r.StandardFen), "uplift_max_pct": r.UpliftMaxPct, "key_group": srFenMap(r.KeyGroupFen),
		"cap": map[string]any{"fen": r.CapFen, "yuan": xiangpei.FormatFen(r.CapFen)},
		"limits": map[string]any{"labour_age_min": l.LabourAgeMin, "labour_age_max": l.LabourAgeMax,
			"yearly_subsidies": l.YearlySubsidies, "attendance_pct": l.AttendancePct, "filing_lead_workdays": l.FilingLeadWorkdays,
			"class_capacity": l.ClassCapacity, "certificate_days": l.CertificateDays, "claim_months": l.ClaimMonths,
			"notice_workdays": l.NoticeWorkdays, "complaint_workdays": l.ComplaintWorkdays},
		"note": r.Note, "created_at": adminTime(r.CreatedAt), "created_by": r.CreatedBy}
}

// srToday is today's China date.
func (s *Server) srToday() string { return xiangpei.ChinaDate(s.now()) }

type srListData struct {
	Region   string
	Regions  []regOption
	Rules    []srView
	Pager    *pager
	Mine     srView // the version in force today for the officer's own region
	HasMine  bool
	CanAdd   bool
	Levels   []string
	Defaults bool // Mine is the built-in defaults (no version stored)
}

// srRegionsFor lists the regions an actor may add versions for.
func srRegionsFor(a xiangpei.Actor, pl places) []regOption {
	var out []regOption
	for _, reg := range pl.Regions {
		if reg.Level != "county" && xiangpei.CanSetSubsidyRules(a, reg.Code) {
			out = append(out, regOption{Value: reg.Code, Label: pl.name(reg.Code)})
		}
	}
	return out
}

// srList lists the versions, the newest first per region, the one in force today marked. An
// officer sees by default the regions whose rules apply to them (their city and province);
// ?region= picks one region; ?region=all every region.
func (s *Server) srList(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	ctx := r.Context()
	pl := s.places(r)
	today := s.srToday()
	region := strings.TrimSpace(r.URL.Query().Get("region"))
	var rules []xiangpei.SubsidyRule
	var err error
	switch {
	case region == "" && a.Role == xiangpei.RoleOfficer:
		for _, reg := range xiangpei.ShortageRegions(a.Region) {
			more, err := s.db.SubsidyRules(ctx, reg)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			rules = append(rules, more...)
		}
	case region == "" || region == "all":
		rules, err = s.db.SubsidyRules(ctx, "")
	default:
		rules, err = s.db.SubsidyRules(ctx, region)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inForce := map[string]int64{}
	for _, x := range rules { // newest first per region
		if _, ok := inForce[x.Region]; !ok && x.EffectiveFrom <= today {
			inForce[x.Region] = x.ID
		}
	}
	n, pg := listPage(r, srPerPage)
	total := len(rules)
	page := rules[min(pg.Offset, total):min(pg.Offset+pg.Limit, total)]
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		t := func(k string) string { return s.msg.T(lang, k) }
		header := []string{t("subsidy.region_label"), t("subsidy.version"), t("subsidy.effective_from_label"), t("subsidy.in_force")}
		for _, l := range xiangpei.SubsidyLevels {
			header = append(header, t("subsidy.level."+l))
		}
		header = append(header, t("subsidy.uplift_max"), t("subsidy.cap"), t("subsidy.note_label"), t("subsidy.created_by"))
		var rows [][]any
		for _, x := range rules {
			v := s.srView(pl, x, inForce, today)
			row := []any{v.RegionName, x.Version, x.EffectiveFrom, v.InForce}
			for _, l := range xiangpei.SubsidyLevels {
				row = append(row, v.Std[l])
			}
			rows = append(rows, append(row, x.UpliftMaxPct, v.Cap, x.Note, x.CreatedBy))
		}
		s.download(w, r, "subsidy-rules.xlsx", t("subsidy.rules_title")+".xlsx", t("subsidy.rules_sheet"), header, rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		items := jsonList(page, func(x xiangpei.SubsidyRule) map[string]any {
			m := srJSON(x)
			m["in_force"] = inForce[x.Region] == x.ID
			return m
		})
		writeJSON(w, http.StatusOK, map[string]any{"rules": items, "total": total, "page": n, "per_page": srPerPage, "today": today})
		return
	}
	d := srListData{Region: region, CanAdd: len(srRegionsFor(a, pl)) > 0, Levels: xiangpei.SubsidyLevels}
	for _, reg := range pl.Regions {
		if reg.Level != "county" {
			d.Regions = append(d.Regions, regOption{Value: reg.Code, Label: pl.name(reg.Code)})
		}
	}
	for _, x := range page {
		d.Rules = append(d.Rules, s.srView(pl, x, inForce, today))
	}
	if a.Role == xiangpei.RoleOfficer {
		mine, err := s.db.RuleInForce(ctx, a.Region, today)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Mine, d.HasMine, d.Defaults = s.srView(pl, mine, map[string]int64{mine.Region: mine.ID}, today), true, mine.ID == 0
	}
	d.Pager = pagerOf(r, n, total, srPerPage)
	s.render(w, r, http.StatusOK, "subsidy_rules", s.page(r, s.msg.T(lang, "subsidy.rules_title"), d))
}

// srForm is a new version as typed: amounts in yuan, the rest whole numbers. json.Number takes
// both a JSON number and a numeric string on the API.
type srForm struct {
	Region        string      `json:"region"`
	EffectiveFrom string      `json:"effective_from"`
	Std5          json.Number `json:"std_5"`
	Std4          json.Number `json:"std_4"`
	Std3          json.Number `json:"std_3"`
	Std2          json.Number `json:"std_2"`
	Std1          json.Number `json:"std_1"`
	StdSpecial    json.Number `json:"std_special"`
	StdCompletion json.Number `json:"std_completion"`
	UpliftMaxPct  json.Number `json:"uplift_max_pct"`
	KGMigrant     json.Number `json:"kg_migrant"`
	KGGraduate    json.Number `json:"kg_graduate"`
	KGVeteran     json.Number `json:"kg_veteran"`
	KGDisabled    json.Number `json:"kg_disabled"`
	Cap           json.Number `json:"cap"`
	AgeMin        json.Number `json:"labour_age_min"`
	AgeMax        json.Number `json:"labour_age_max"`
	Yearly        json.Number `json:"yearly_subsidies"`
	Attendance    json.Number `json:"attendance_pct"`
	FilingLead    json.Number `json:"filing_lead_workdays"`
	Capacity      json.Number `json:"class_capacity"`
	CertDays      json.Number `json:"certificate_days"`
	ClaimMonths   json.Number `json:"claim_months"`
	Notice        json.Number `json:"notice_workdays"`
	Complaint     json.Number `json:"complaint_workdays"`
	Note          string      `json:"note"`
}

// srField is one input of the form: its name, label key, value, and whether it is in yuan.
type srField struct {
	Name, Label string
	Value       *json.Number
	Yuan        bool
	Group       string // "standard", "key_group", "amount", "limit"
}

func (f *srForm) fields() []srField {
	return []srField{
		{"std_5", "subsidy.level.5", &f.Std5, true, "standard"},
		{"std_4", "subsidy.level.4", &f.Std4, true, "standard"},
		{"std_3", "subsidy.level.3", &f.Std3, true, "standard"},
		{"std_2", "subsidy.level.2", &f.Std2, true, "standard"},
		{"std_1", "subsidy.level.1", &f.Std1, true, "standard"},
		{"std_special", "subsidy.level.special", &f.StdSpecial, true, "standard"},
		{"std_completion", "subsidy.level.completion", &f.StdCompletion, true, "standard"},
		{"kg_migrant", "subsidy.group.migrant", &f.KGMigrant, true, "key_group"},
		{"kg_graduate", "subsidy.group.graduate", &f.KGGraduate, true, "key_group"},
		{"kg_veteran", "subsidy.group.veteran", &f.KGVeteran, true, "key_group"},
		{"kg_disabled", "subsidy.group.disabled", &f.KGDisabled, true, "key_group"},
		{"uplift_max_pct", "subsidy.uplift_max", &f.UpliftMaxPct, false, "amount"},
		{"cap", "subsidy.cap", &f.Cap, true, "amount"},
		{"labour_age_min", "subsidy.limit.labour_age_min", &f.AgeMin, false, "limit"},
		{"labour_age_max", "subsidy.limit.labour_age_max", &f.AgeMax, false, "limit"},
		{"yearly_subsidies", "subsidy.limit.yearly_subsidies", &f.Yearly, false, "limit"},
		{"attendance_pct", "subsidy.limit.attendance_pct", &f.Attendance, false, "limit"},
		{"filing_lead_workdays", "subsidy.limit.filing_lead_workdays", &f.FilingLead, false, "limit"},
		{"class_capacity", "subsidy.limit.class_capacity", &f.Capacity, false, "limit"},
		{"certificate_days", "subsidy.limit.certificate_days", &f.CertDays, false, "limit"},
		{"claim_months", "subsidy.limit.claim_months", &f.ClaimMonths, false, "limit"},
		{"notice_workdays", "subsidy.limit.notice_workdays", &f.Notice, false, "limit"},
		{"complaint_workdays", "subsidy.limit.complaint_workdays", &f.Complaint, false, "limit"},
	}
}

// srFormOf fills the form from a version.
func srFormOf(r xiangpei.SubsidyRule) srForm {
	f := srForm{Region: r.Region, EffectiveFrom: r.EffectiveFrom}
	yuan := func(v int64) json.Number { return json.Number(xiangpei.FormatFen(v)) }
	num := func(v int) json.Number { return json.Number(strconv.Itoa(v)) }
	f.Std5, f.Std4, f.Std3, f.Std2, f.Std1 = yuan(r.StandardFen["5"]), yuan(r.StandardFen["4"]), yuan(r.StandardFen["3"]), yuan(r.StandardFen["2"]), yuan(r.StandardFen["1"])
	f.StdSpecial, f.StdCompletion = yuan(r.StandardFen["special"]), yuan(r.StandardFen["completion"])
	f.KGMigrant, f.KGGraduate, f.KGVeteran, f.KGDisabled = yuan(r.KeyGroupFen["migrant"]), yuan(r.KeyGroupFen["graduate"]), yuan(r.KeyGroupFen["veteran"]), yuan(r.KeyGroupFen["disabled"])
	f.UpliftMaxPct, f.Cap = num(r.UpliftMaxPct), yuan(r.CapFen)
	l := r.Limits
	f.AgeMin, f.AgeMax, f.Yearly, f.Attendance = num(l.LabourAgeMin), num(l.LabourAgeMax), num(l.YearlySubsidies), num(l.AttendancePct)
	f.FilingLead, f.Capacity, f.CertDays, f.ClaimMonths = num(l.FilingLeadWorkdays), num(l.ClassCapacity), num(l.CertificateDays), num(l.ClaimMonths)
	f.Notice, f.Complaint = num(l.NoticeWorkdays), num(l.ComplaintWorkdays)
	return f
}

// rule reads the form onto base (the version in force, for the limits the form does not
// carry); a value that is not a number is refused with its label.
func (f *srForm) rule(base xiangpei.SubsidyRule, label func(string) string) (xiangpei.SubsidyRule, error) {
	r := base
	r.ID, r.Version, r.Region, r.EffectiveFrom, r.Note = 0, 0, strings.TrimSpace(f.Region), strings.TrimSpace(f.EffectiveFrom), f.Note
	r.StandardFen, r.KeyGroupFen = map[string]int64{}, map[string]int64{}
	ints := map[string]int{}
	for _, fl := range f.fields() {
		raw := strings.TrimSpace(string(*fl.Value))
		if fl.Yuan {
			v, ok := xiangpei.ParseFen(raw)
			if !ok {
				return r, xiangpei.Errorf(xiangpei.Invalid, "subsidy.amount_format", "Write amounts in yuan with at most two decimals, such as 1500 or 1500.50 (%v).", label(fl.Label))
			}
			switch {
			case fl.Group == "standard":
				r.StandardFen[strings.TrimPrefix(fl.Name, "std_")] = v
			case fl.Group == "key_group":
				r.KeyGroupFen[strings.TrimPrefix(fl.Name, "kg_")] = v
			default:
				r.CapFen = v
			}
			continue
		}
		v, err := strconv.Atoi(raw)
		if err != nil {
			return r, xiangpei.Errorf(xiangpei.Invalid, "subsidy.number", "Write “%v” as a whole number.", label(fl.Label))
		}
		ints[fl.Name] = v
	}
	r.UpliftMaxPct = ints["uplift_max_pct"]
	l := &r.Limits
	l.LabourAgeMin, l.LabourAgeMax, l.YearlySubsidies, l.AttendancePct = ints["labour_age_min"], ints["labour_age_max"], ints["yearly_subsidies"], ints["attendance_pct"]
	l.FilingLeadWorkdays, l.ClassCapacity, l.CertificateDays, l.ClaimMonths = ints["filing_lead_workdays"], ints["class_capacity"], ints["certificate_days"], ints["claim_months"]
	l.NoticeWorkdays, l.ComplaintWorkdays = ints["notice_workdays"], ints["complaint_workdays"]
	return r, nil
}

type srFormData struct {
	Form    srForm
	Fields  []srField
	Regions []regOption
	Base    srView // the version in force the form started from
	Refused bool   // the actor adds versions for no region
}

// srNewPage builds the form for region (or the actor's first region), prefilled from the
// version in force today unless f carries what was typed.
func (s *Server) srNewPage(r *http.Request, region string, typed *srForm) *formPage {
	return &formPage{"subsidy_rule_form", func() (*Page, error) {
		a := actorOf(r)
		pl := s.places(r)
		regions := srRegionsFor(a, pl)
		if len(regions) == 0 {
			// A city or county officer holding the targets duty: the page says who sets rules.
			return s.page(r, s.msg.T(stateOf(r).lang, "subsidy.new_title"), srFormData{Refused: true}), nil
		}
		if !slices.ContainsFunc(regions, func(o regOption) bool { return o.Value == region }) {
			region = regions[0].Value
			if a.Role == xiangpei.RoleOfficer {
				region = a.Region
			}
		}
		today := s.srToday()
		base, err := s.db.RuleInForce(r.Context(), region, today)
		if err != nil {
			return nil, err
		}
		d := srFormData{Regions: regions, Base: s.srView(pl, base, map[string]int64{base.Region: base.ID}, today)}
		if typed != nil {
			d.Form = *typed
		} else {
			d.Form = srFormOf(base)
			d.Form.Region, d.Form.EffectiveFrom = region, s.srNextDay(r, region, today)
		}
		d.Fields = d.Form.fields()
		return s.page(r, s.msg.T(stateOf(r).lang, "subsidy.new_title"), d), nil
	}}
}

// srNextDay is the first day a new version of region may take effect: today, or the day after
// the region's latest version when that is later.
func (s *Server) srNextDay(r *http.Request, region, today string) string {
	rules, err := s.db.SubsidyRules(r.Context(), region)
	if err != nil || len(rules) == 0 || rules[0].EffectiveFrom < today {
		return today
	}
	t, err := time.Parse(time.DateOnly, rules[0].EffectiveFrom)
	if err != nil {
		return today
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// srNew shows the form of a new version (?region=), prefilled from the version in force; the
// API answers the prefilled values.
func (s *Server) srNew(w http.ResponseWriter, r *http.Request) {
	pg := s.srNewPage(r, strings.TrimSpace(r.URL.Query().Get("region")), nil)
	if stateOf(r).api {
		p, err := pg.build()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d := p.Data.(srFormData)
		if d.Refused {
			writeJSON(w, http.StatusOK, map[string]any{"form": nil, "regions": []string{},
				"message": s.msg.T(stateOf(r).lang, "subsidy.not_allowed")})
			return
		}
		out := map[string]any{"region": d.Form.Region, "effective_from": d.Form.EffectiveFrom, "note": ""}
		for _, f := range d.Fields {
			out[f.Name] = *f.Value
		}
		writeJSON(w, http.StatusOK, map[string]any{"form": out, "in_force": srJSON(d.Base.Rule)})
		return
	}
	s.show(w, r, pg)
}

// srCreate adds a version.
func (s *Server) srCreate(w http.ResponseWriter, r *http.Request) {
	var f srForm
	err := bind(r, &f)
	var rule xiangpei.SubsidyRule
	if err == nil {
		var base xiangpei.SubsidyRule
		base, err = s.db.RuleInForce(r.Context(), f.Region, s.srToday())
		if xiangpei.IsKind(err, xiangpei.Invalid) {
			err = xiangpei.Errorf(xiangpei.Invalid, "subsidy.region", "A rule table belongs to a province or a city: choose one by its six-digit code.")
		}
		if err == nil {
			lang := stateOf(r).lang
			rule, err = f.rule(base, func(k string) string { return s.msg.T(lang, k) })
		}
	}
	if err == nil {
		rule, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.SubsidyRule, error) { return tx.AddSubsidyRule(rule) })
	}
	if err != nil {
		again := s.srNewPage(r, f.Region, &f)
		if xiangpei.IsKind(err, xiangpei.Forbidden) {
			again = nil
		}
		s.formError(w, r, err, again)
		return
	}
	answer(w, r, http.StatusCreated, srJSON(rule), "/subsidy/rules/"+strconv.FormatInt(rule.ID, 10), "subsidy_rule_added")
}

// srRow is one value of a version, with the previous version's for the diff.
type srRow struct {
	Label, Value, Before string
	Changed              bool
}

func (s *Server) srRows(r *http.Request, x xiangpei.SubsidyRule) []srRow {
	f := srFormOf(x)
	var out []srRow
	for _, fl := range f.fields() {
		out = append(out, srRow{Label: fl.Label, Value: string(*fl.Value)})
	}
	return out
}

type srShowData struct {
	View     srView
	Previous *srView
	Rows     []srRow
}

// srShow shows one version with its values and what changed from the previous version.
func (s *Server) srShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "rule")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	x, err := s.db.SubsidyRule(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var prev *xiangpei.SubsidyRule
	if p, err := s.db.PreviousSubsidyRule(ctx, x); err == nil {
		prev = &p
	} else if !xiangpei.IsKind(err, xiangpei.NotFound) {
		s.fail(w, r, err)
		return
	}
	today := s.srToday()
	inForce := map[string]int64{}
	if cur, err := s.db.RuleInForce(ctx, x.Region, today); err == nil && cur.Region == x.Region {
		inForce[x.Region] = cur.ID
	}
	rows := s.srRows(r, x)
	if prev != nil {
		for i, b := range s.srRows(r, *prev) {
			rows[i].Before, rows[i].Changed = b.Value, b.Value != rows[i].Value
		}
	}
	if stateOf(r).api {
		out := srJSON(x)
		out["in_force"] = inForce[x.Region] == x.ID
		var changes []map[string]any
		for i, fl := range (&srForm{}).fields() {
			if rows[i].Changed {
				changes = append(changes, map[string]any{"field": fl.Name, "before": rows[i].Before, "after": rows[i].Value})
			}
		}
		res := map[string]any{"rule": out, "previous": nil, "changes": jsonList(changes, func(m map[string]any) map[string]any { return m })}
		if prev != nil {
			res["previous"] = srJSON(*prev)
		}
		writeJSON(w, http.StatusOK, res)
		return
	}
	pl := s.places(r)
	d := srShowData{View: s.srView(pl, x, inForce, today), Rows: rows}
	if prev != nil {
		v := s.srView(pl, *prev, inForce, today)
		d.Previous = &v
	}
	title := s.msg.T(stateOf(r).lang, "subsidy.rule_title", d.View.RegionName, x.Version)
	s.render(w, r, http.StatusOK, "subsidy_rule", s.page(r, title, d))
}
