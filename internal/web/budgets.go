package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 补 — program budgets per region and year (SPEC §8). Officers with the payment or targets
// duty read the budgets of their region (a city's officer the city's and its counties') and set
// them; administrators with the sysadmin duty read and set every region's. A budget is set by
// its key (region, year, program) with the version last read, so two officers changing the same
// budget get one change and a clear message. Amounts are yuan with at most two decimals.

func (s *Server) registerBudgetRoutes() {
	access := Duty(xiangpei.DutyPayment, xiangpei.DutyTargets, xiangpei.DutySysAdmin)
	s.handleBoth("GET /subsidy/budgets", "/api/v1/subsidy/budgets", access, s.bgList)
	s.handleBoth("POST /subsidy/budgets", "/api/v1/subsidy/budgets", access, s.bgSet)
}

const bgPerPage = 50

type bgView struct {
	Budget      xiangpei.Budget
	RegionName  string
	ProgramName string
	Amount      string
}

func bgJSON(b xiangpei.Budget) map[string]any {
	return map[string]any{"id": b.ID, "region": b.Region, "year": b.Year, "program": b.Program,
		"amount_fen": b.AmountFen, "amount": xiangpei.FormatFen(b.AmountFen), "note": b.Note,
		"created_at": adminTime(b.CreatedAt), "updated_at": adminTime(b.UpdatedAt), "updated_by": b.UpdatedBy, "version": b.Version,
		"stage1_pct": b.Stage1Pct, "staged": b.Staged()}
}

// bgForm sets a budget: amount in yuan; version 0 creates it.
type bgForm struct {
	Region  string `json:"region"`
	Year    int    `json:"year"`
	Program string `json:"program"`
	Amount  string `json:"amount"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
	// Stage1Pct is the first stage's share (staged payment); empty or 100: not staged
	Stage1Pct int `json:"stage1_pct"`
}

type bgListData struct {
	Year     int
	Region   string
	Program  string
	Budgets  []bgView
	Pager    *pager
	Regions  []regOption
	Programs []regOption
	Form     bgForm
	Total    string // the sum of the listed page
}

// bgRegionsFor lists the regions an actor sets budgets for.
func bgRegionsFor(a xiangpei.Actor, pl places) []regOption {
	var out []regOption
	for _, reg := range pl.Regions {
		if xiangpei.CanSetBudgets(a, reg.Code) {
			out = append(out, regOption{Value: reg.Code, Label: pl.name(reg.Code)})
		}
	}
	return out
}

func (s *Server) bgFilter(r *http.Request) (store.BudgetFilter, error) {
	q := r.URL.Query()
	f := store.BudgetFilter{Region: strings.TrimSpace(q.Get("region")), Program: strings.TrimSpace(q.Get("program"))}
	if y := strings.TrimSpace(q.Get("year")); y == "" {
		f.Year = s.now().In(xiangpei.ChinaTime).Year()
	} else if y != "all" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			return f, xiangpei.Errorf(xiangpei.Invalid, "budget.year", "Give the year as a number from 2000 to 2100.")
		}
		f.Year = n
	}
	if f.Region != "" && !xiangpei.IsRegionCode(f.Region) {
		return f, xiangpei.Errorf(xiangpei.Invalid, "budget.region", "Choose a province, city or county by its six-digit code.")
	}
	return f, nil
}

func (s *Server) bgPrograms(r *http.Request, year int) (map[string]string, []regOption) {
	names := map[string]string{"": s.msg.T(stateOf(r).lang, "budget.general")}
	opts := []regOption{{Value: "", Label: names[""]}}
	actions, err := s.db.ListSpecialActions(r.Context(), year)
	if err != nil {
		return names, opts
	}
	en := regEnglish(r)
	for _, x := range actions {
		name := x.NameZh
		if en {
			name = x.NameEn
		}
		if year == 0 {
			name = strconv.Itoa(x.Year) + " " + name
		}
		if _, ok := names[x.Code]; !ok {
			opts = append(opts, regOption{Value: x.Code, Label: name})
		}
		names[x.Code] = name
	}
	return names, opts
}

func (s *Server) bgPage(r *http.Request, typed *bgForm) *formPage {
	return &formPage{"budgets", func() (*Page, error) {
		d, _, _, _, err := s.bgData(r, typed)
		if err != nil {
			return nil, err
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "budget.title"), d), nil
	}}
}

func (s *Server) bgData(r *http.Request, typed *bgForm) (bgListData, []xiangpei.Budget, int, int, error) {
	a := actorOf(r)
	f, err := s.bgFilter(r)
	if err != nil {
		return bgListData{}, nil, 0, 0, err
	}
	n, pg := listPage(r, bgPerPage)
	list, total, err := s.db.Budgets(r.Context(), a.Scope(), f, pg)
	if err != nil {
		return bgListData{}, nil, 0, 0, err
	}
	pl := s.places(r)
	names, programs := s.bgPrograms(r, f.Year)
	d := bgListData{Year: f.Year, Region: f.Region, Program: f.Program, Regions: bgRegionsFor(a, pl), Programs: programs,
		Pager: pagerOf(r, n, total, bgPerPage)}
	var sum int64
	for _, b := range list {
		pn, ok := names[b.Program]
		if !ok {
			pn = b.Program
		}
		d.Budgets = append(d.Budgets, bgView{Budget: b, RegionName: pl.name(b.Region), ProgramName: pn, Amount: xiangpei.FormatFen(b.AmountFen)})
		sum += b.AmountFen
	}
	d.Total = xiangpei.FormatFen(sum)
	switch {
	case typed != nil:
		d.Form = *typed
	default:
		d.Form = bgForm{Year: f.Year, Region: f.Region}
		if d.Form.Year == 0 {
			d.Form.Year = s.now().In(xiangpei.ChinaTime).Year()
		}
		if d.Form.Region == "" && len(d.Regions) > 0 {
			d.Form.Region = d.Regions[0].Value
		}
		// ?edit=ID fills the form from a listed budget, with its version.
		if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil && id > 0 {
			if b, err := s.db.Budget(r.Context(), a.Scope(), id); err == nil {
				d.Form = bgForm{Region: b.Region, Year: b.Year, Program: b.Program, Amount: xiangpei.FormatFen(b.AmountFen), Note: b.Note, Version: b.Version,
					Stage1Pct: b.Stage1Pct}
			}
		}
	}
	return d, list, total, n, nil
}

// bgList lists the budgets within reach, for a year (?year=, "all" for every year; this year by
// default), a region and a program, paged, with the form that sets one.
func (s *Server) bgList(w http.ResponseWriter, r *http.Request) {
	d, list, total, n, err := s.bgData(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		t := func(k string) string { return s.msg.T(lang, k) }
		header := []string{t("budget.region_label"), t("budget.year_label"), t("budget.program"), t("budget.amount_label"),
			t("budget.note_label"), t("budget.updated_at"), t("budget.updated_by")}
		var rows [][]any
		for _, v := range d.Budgets {
			rows = append(rows, []any{v.RegionName, v.Budget.Year, v.ProgramName, v.Amount, v.Budget.Note, v.Budget.UpdatedAt, v.Budget.UpdatedBy})
		}
		s.download(w, r, "budgets.xlsx", t("budget.title")+".xlsx", t("budget.sheet"), header, rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"budgets": jsonList(list, bgJSON), "total": total, "page": n, "per_page": bgPerPage})
		return
	}
	s.render(w, r, http.StatusOK, "budgets", s.page(r, s.msg.T(lang, "budget.title"), d))
}

// bgSet creates or changes a budget.
func (s *Server) bgSet(w http.ResponseWriter, r *http.Request) {
	var f bgForm
	err := bind(r, &f)
	var b xiangpei.Budget
	if err == nil {
		fen, ok := xiangpei.ParseFen(f.Amount)
		if !ok {
			err = xiangpei.Errorf(xiangpei.Invalid, "budget.amount", "The budget is an amount from ¥0 to ¥10,000,000,000.")
		} else {
			b, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Budget, error) {
				return tx.SetBudget(xiangpei.Budget{Region: strings.TrimSpace(f.Region), Year: f.Year, Program: f.Program,
					AmountFen: fen, Note: f.Note, Version: f.Version, Stage1Pct: f.Stage1Pct})
			})
		}
	}
	if err != nil {
		again := s.bgPage(r, &f)
		if xiangpei.IsKind(err, xiangpei.Forbidden) {
			again = nil
		}
		s.formError(w, r, err, again)
		return
	}
	status := http.StatusOK
	if b.Version == 1 {
		status = http.StatusCreated
	}
	answer(w, r, status, bgJSON(b), "/subsidy/budgets?year="+strconv.Itoa(b.Year), "budget_set")
}
