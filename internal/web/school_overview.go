package web

import (
	"net/http"
	"strconv"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 教 — the officer's overview of the technical schools in the region (docs/schools.md, "Demo,
// roster import"): per school the year's plan and admissions against quota, the students
// studying and suspended, the changes waiting for approval, and the year's graduates with
// their employment rate; links lead to the detailed pages of plans, changes and counts.

const schoolOverviewPerPage = 50

func (s *Server) registerSchoolOverviewRoutes() {
	s.handleBoth("GET /schools-overview", "/api/v1/schools-overview", Roles(xiangpei.RoleOfficer), s.schoolOverview)
}

type schoolOverviewData struct {
	Year   int
	Years  []int
	Rows   []store.SchoolOverviewRow
	Pager  *pager
	Export string
	Places places
}

// CountyName is the full name of a county code.
func (d schoolOverviewData) CountyName(code string) string { return d.Places.name(code) }

func schoolOverviewJSON(x store.SchoolOverviewRow) map[string]any {
	return map[string]any{"school_id": x.SchoolID, "name": x.Name, "county": x.County, "year": x.Year, "plan_status": x.PlanStatus,
		"quota": x.Quota, "applied": x.Applied, "admitted": x.Admitted, "studying": x.Studying, "suspended": x.Suspended,
		"pending_changes": x.Pending, "graduates": x.Graduates, "employed": x.Employed, "employment_rate_bp": x.RateBP()}
}

func (s *Server) schoolOverview(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	this := s.cfg.Now().In(xiangpei.ChinaTime).Year()
	year := this
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= this+1 {
		year = y
	}
	T := func(key string, args ...any) string { return s.msg.T(stateOf(r).lang, key, args...) }
	fetch := func(pg store.Page) ([]store.SchoolOverviewRow, int, error) {
		return s.db.SchoolOverview(r.Context(), a.Scope(), year, pg)
	}
	export := func(w http.ResponseWriter, r *http.Request, title string, fetch func(store.Page) ([]store.SchoolOverviewRow, int, error)) {
		all, err := exportAll(fetch)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pl := s.places(r)
		rows := make([][]any, 0, len(all))
		for _, x := range all {
			status := ""
			if x.PlanStatus != "" {
				status = T("school_overview.plan." + x.PlanStatus)
			}
			rows = append(rows, []any{x.Name, pl.name(x.County), x.Year, status, x.Quota, x.Applied, x.Admitted, x.Studying, x.Suspended,
				x.Pending, x.Graduates, x.Employed, x.Rate()})
		}
		s.download(w, r, "schools-overview.xlsx", T("school_overview.title")+".xlsx", T("school_overview.title"), []string{
			T("school_overview.col_school"), T("school_overview.col_county"), T("school_overview.col_year"), T("school_overview.col_plan"),
			T("school_overview.col_quota"), T("school_overview.col_applied"), T("school_overview.col_admitted"), T("school_overview.col_studying"),
			T("school_overview.col_suspended"), T("school_overview.col_pending"), T("school_overview.col_graduates"),
			T("school_overview.col_employed"), T("school_overview.col_rate")}, rows, sheet.Options{})
	}
	list, pages, ok := listAnswer(s, w, r, schoolOverviewPerPage, "schools", "school_overview.title", fetch, schoolOverviewJSON, export)
	if !ok {
		return
	}
	var years []int
	for y := this + 1; y >= this-4; y-- {
		years = append(years, y)
	}
	s.render(w, r, http.StatusOK, "school_overview", s.page(r, T("school_overview.title"), schoolOverviewData{Year: year, Years: years,
		Rows: list, Pager: pages, Export: exportLink(r), Places: s.places(r)}))
}
