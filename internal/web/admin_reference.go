package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// The system administrator's reference data: regions, the occupation catalogue, skill levels,
// key groups, sectors, special actions and the working-day calendar, each correctable with
// its version checked.

type adminRefIndex struct {
	Regions, Occupations, Levels, KeyGroups, Sectors, Actions, CalendarDays int
	Year                                                                    int
	HasSchedule                                                             bool
}

func (s *Server) adminShowReference(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	year := adminThisYear(s.now())
	d := adminRefIndex{Year: year}
	if v, err := s.db.ListRegions(ctx); err == nil {
		d.Regions = len(v)
	}
	if _, n, err := s.db.ListOccupations(ctx, "", "", store.Page{Limit: 1}); err == nil {
		d.Occupations = n
	}
	if v, err := s.db.ListSkillLevels(ctx); err == nil {
		d.Levels = len(v)
	}
	if v, err := s.db.ListKeyGroups(ctx); err == nil {
		d.KeyGroups = len(v)
	}
	if v, err := s.db.ListSectors(ctx); err == nil {
		d.Sectors = len(v)
	}
	if v, err := s.db.ListSpecialActions(ctx, year); err == nil {
		d.Actions = len(v)
	}
	if v, err := s.db.ListCalendar(ctx, year); err == nil {
		d.CalendarDays = len(v)
	}
	if cal, err := s.db.CalendarYear(ctx, year); err == nil {
		d.HasSchedule = cal.HasSchedule(year)
	}
	s.render(w, r, http.StatusOK, "admin_reference", s.page(r, s.adminTitle(r, "admin.ref_title"), d))
}

type adminRegionsData struct {
	Regions []store.Region
	// Edited keeps what was typed into one region's form after an error.
	Edited     string
	EditedName string
	EditedVer  int64
}

func (s *Server) adminRegionsPage(r *http.Request, edited string, name string, version int64) (*Page, error) {
	regions, err := s.db.ListRegions(r.Context())
	if err != nil {
		return nil, err
	}
	d := adminRegionsData{Regions: regions, Edited: edited, EditedName: name, EditedVer: version}
	return s.page(r, s.adminTitle(r, "admin.ref_regions"), d), nil
}

func (s *Server) adminShowRegions(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_regions", func() (*Page, error) { return s.adminRegionsPage(r, "", "", 0) }})
}

func adminRegionJSON(reg store.Region) map[string]any {
	return map[string]any{"code": reg.Code, "name": reg.Name, "level": reg.Level, "parent": reg.Parent, "version": reg.Version}
}

func (s *Server) adminAPIRegions(w http.ResponseWriter, r *http.Request) {
	answerList(s, w, r, "regions", s.db.ListRegions, adminRegionJSON)
}

type adminNameForm struct {
	Name    string `json:"name"`
	Version int64  `json:"version"`
}

func (s *Server) adminRenameRegion(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminNameForm
	err := bind(r, &f)
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.UpdateRegionName(code, f.Name, f.Version) })
	}
	var reg store.Region
	if err == nil {
		reg, err = s.db.Region(r.Context(), code)
	}
	if err != nil {
		build := func() (*Page, error) { return s.adminRegionsPage(r, code, f.Name, f.Version) }
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			build = nil
		}
		s.formError(w, r, err, &formPage{"admin_ref_regions", build})
		return
	}
	answer(w, r, http.StatusOK, adminRegionJSON(reg), "/admin/reference/regions", "saved")
}

type adminOccAncestor struct {
	Code, Name string
}

type adminOccupationsData struct {
	Q           string
	Parent      string
	ParentOcc   *store.Occupation
	Ancestors   []adminOccAncestor
	Occupations []store.Occupation
	Pager       *pager
	Levels      []adminLevelOption
	Add         adminAddOccForm
	CanAdd      bool
}

type adminLevelOption struct {
	Code, Name string
	Checked    bool
}

func (s *Server) adminLevelOptions(r *http.Request, checked []string) []adminLevelOption {
	levels, _ := s.db.ListSkillLevels(r.Context())
	var out []adminLevelOption
	en := stateOf(r).lang == "en"
	for _, l := range levels {
		name := l.NameZh
		if en {
			name = l.NameEn
		}
		out = append(out, adminLevelOption{Code: l.Code, Name: name, Checked: slices.Contains(checked, l.Code)})
	}
	return out
}

// adminAncestors names the entries above an occupation code, from the 大类 down.
func (s *Server) adminAncestors(r *http.Request, code string) []adminOccAncestor {
	parts := strings.Split(code, "-")
	var out []adminOccAncestor
	for i := 1; i <= len(parts); i++ {
		c := strings.Join(parts[:i], "-")
		a := adminOccAncestor{Code: c}
		if o, err := s.db.Occupation(r.Context(), c); err == nil {
			a.Name = o.Name
		}
		out = append(out, a)
	}
	return out
}

type adminAddOccForm struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	GBM     string   `json:"gbm"`
	Levels  []string `json:"levels"`
	Edition string   `json:"edition"`
}

func (s *Server) adminOccupationsPage(r *http.Request, add *adminAddOccForm) (*Page, error) {
	q := r.URL.Query()
	d := adminOccupationsData{Q: strings.TrimSpace(q.Get("q")), Parent: strings.TrimSpace(q.Get("parent"))}
	if add != nil && d.Parent == "" {
		if i := strings.LastIndex(add.Code, "-"); i > 0 {
			d.Parent = add.Code[:i]
		}
	}
	parent := d.Parent
	if parent == "" && d.Q == "" {
		parent = store.OccupationsTop
	}
	if d.Parent != "" {
		o, err := s.db.Occupation(r.Context(), d.Parent)
		if err != nil {
			return nil, err
		}
		d.ParentOcc = &o
		d.Ancestors = s.adminAncestors(r, d.Parent)
		d.CanAdd = o.Depth == 3 && !o.Deprecated
	}
	list, total, err := s.db.ListOccupations(r.Context(), d.Q, parent, adminPage(r))
	if err != nil {
		return nil, err
	}
	d.Occupations, d.Pager = list, pagerOf(r, pageNumber(r), total, adminPageSize)
	if add != nil {
		d.Add = *add
	} else if d.CanAdd {
		d.Add = adminAddOccForm{Code: d.Parent + "-", Levels: strings.Split(store.DefaultOccupationLevels, ",")}
	}
	d.Levels = s.adminLevelOptions(r, d.Add.Levels)
	return s.page(r, s.adminTitle(r, "admin.ref_occupations"), d), nil
}

func (s *Server) adminShowOccupations(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_occupations", func() (*Page, error) { return s.adminOccupationsPage(r, nil) }})
}

func adminOccupationJSON(o store.Occupation) map[string]any {
	levels := []string{}
	if o.Levels != "" {
		levels = strings.Split(o.Levels, ",")
	}
	return map[string]any{"id": o.ID, "code": o.Code, "gbm": o.GBM, "name": o.Name, "depth": o.Depth, "parent": o.Parent,
		"levels": levels, "deprecated": o.Deprecated, "replaced_by": o.ReplacedBy, "edition": o.Edition, "version": o.Version}
}

func (s *Server) adminAPIOccupations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	list, total, err := s.db.ListOccupations(r.Context(), q.Get("q"), q.Get("parent"), adminPage(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := jsonList(list, adminOccupationJSON)
	writeJSON(w, http.StatusOK, map[string]any{"occupations": out, "total": total, "page": pageNumber(r), "page_size": adminPageSize})
}

func (s *Server) adminAPIOccupation(w http.ResponseWriter, r *http.Request) {
	o, err := s.db.Occupation(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, adminOccupationJSON(o))
}

func adminOccupationPath(code string) string { return "/admin/reference/occupations/" + code }

func (s *Server) adminAddOccupation(w http.ResponseWriter, r *http.Request) {
	var f adminAddOccForm
	err := bind(r, &f)
	var o store.Occupation
	if err == nil {
		o, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (store.Occupation, error) {
			return tx.AddOccupation(store.Occupation{Code: f.Code, Name: f.Name, GBM: f.GBM,
				Levels: strings.Join(f.Levels, ","), Edition: f.Edition})
		})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_ref_occupations", func() (*Page, error) { return s.adminOccupationsPage(r, &f) }})
		return
	}
	answer(w, r, http.StatusCreated, adminOccupationJSON(o), adminOccupationPath(o.Code), "admin_occupation_added")
}

type adminOccupationData struct {
	Occ         store.Occupation
	Ancestors   []adminOccAncestor
	Children    int
	Levels      []adminLevelOption
	Form        adminOccForm
	Deprecate   adminDeprecateForm
	Replacement *store.Occupation
}

type adminOccForm struct {
	Name    string   `json:"name"`
	Levels  []string `json:"levels"`
	Version int64    `json:"version"`
}

type adminDeprecateForm struct {
	ReplacedBy string `json:"replaced_by"`
	Version    int64  `json:"version"`
}

func (s *Server) adminOccupationPage(r *http.Request, code string, form *adminOccForm, dep *adminDeprecateForm) (*Page, error) {
	o, err := s.db.Occupation(r.Context(), code)
	if err != nil {
		return nil, err
	}
	d := adminOccupationData{Occ: o}
	if a := s.adminAncestors(r, code); len(a) > 1 {
		d.Ancestors = a[:len(a)-1]
	}
	if o.Depth < 4 {
		_, d.Children, _ = s.db.ListOccupations(r.Context(), "", o.Code, store.Page{Limit: 1})
	}
	d.Form = adminOccForm{Name: o.Name, Version: o.Version}
	if o.Levels != "" {
		d.Form.Levels = strings.Split(o.Levels, ",")
	}
	if form != nil {
		d.Form = *form
	}
	d.Deprecate = adminDeprecateForm{ReplacedBy: o.ReplacedBy, Version: o.Version}
	if dep != nil {
		d.Deprecate = *dep
	}
	if o.ReplacedBy != "" {
		if rep, err := s.db.Occupation(r.Context(), o.ReplacedBy); err == nil {
			d.Replacement = &rep
		}
	}
	d.Levels = s.adminLevelOptions(r, d.Form.Levels)
	return s.page(r, o.Code+" "+o.Name, d), nil
}

func (s *Server) adminShowOccupation(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_occupation", func() (*Page, error) { return s.adminOccupationPage(r, r.PathValue("code"), nil, nil) }})
}

// adminUpdateOccupation corrects an entry's name and skill levels. On the API, leaving out
// "levels" keeps the levels the entry has; the browser form always sends them.
func (s *Server) adminUpdateOccupation(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminOccForm
	err := bind(r, &f)
	var o store.Occupation
	if err == nil {
		o, err = s.db.Occupation(r.Context(), code)
	}
	if err == nil {
		levels := o.Levels
		if f.Levels != nil {
			levels = strings.Join(f.Levels, ",")
		}
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.UpdateOccupation(code, f.Name, levels, f.Version) })
	}
	if err == nil {
		o, err = s.db.Occupation(r.Context(), code)
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_ref_occupation", func() (*Page, error) { return s.adminOccupationPage(r, code, &f, nil) }})
		return
	}
	answer(w, r, http.StatusOK, adminOccupationJSON(o), adminOccupationPath(code), "saved")
}

func (s *Server) adminDeprecateOccupation(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminDeprecateForm
	err := bind(r, &f)
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.DeprecateOccupation(code, f.ReplacedBy, f.Version) })
	}
	var o store.Occupation
	if err == nil {
		o, err = s.db.Occupation(r.Context(), code)
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_ref_occupation", func() (*Page, error) { return s.adminOccupationPage(r, code, nil, &f) }})
		return
	}
	answer(w, r, http.StatusOK, adminOccupationJSON(o), adminOccupationPath(code), "admin_occupation_deprecated")
}

// adminEdit keeps what was typed into one item's form after an error, by the item's code.
type adminEdit[T any] struct {
	Code string
	Form T
}

type adminLevelForm struct {
	NameZh  string `json:"name_zh"`
	NameEn  string `json:"name_en"`
	Rank    int    `json:"rank"`
	Version int64  `json:"version"`
}

type adminLevelsData struct {
	Levels []store.SkillLevel
	Edit   adminEdit[adminLevelForm]
}

func (s *Server) adminLevelsPage(r *http.Request, edit adminEdit[adminLevelForm]) (*Page, error) {
	levels, err := s.db.ListSkillLevels(r.Context())
	if err != nil {
		return nil, err
	}
	for i, l := range levels {
		if l.Code == edit.Code {
			levels[i] = store.SkillLevel{Code: l.Code, NameZh: edit.Form.NameZh, NameEn: edit.Form.NameEn, Rank: edit.Form.Rank, Version: edit.Form.Version}
		}
	}
	return s.page(r, s.adminTitle(r, "admin.ref_levels"), adminLevelsData{Levels: levels, Edit: edit}), nil
}

func (s *Server) adminShowLevels(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_levels", func() (*Page, error) { return s.adminLevelsPage(r, adminEdit[adminLevelForm]{}) }})
}

func adminLevelJSON(l store.SkillLevel) map[string]any {
	return map[string]any{"code": l.Code, "name_zh": l.NameZh, "name_en": l.NameEn, "rank": l.Rank, "version": l.Version}
}

func (s *Server) adminAPILevels(w http.ResponseWriter, r *http.Request) {
	answerList(s, w, r, "levels", s.db.ListSkillLevels, adminLevelJSON)
}

func (s *Server) adminUpdateLevel(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminLevelForm
	err := bind(r, &f)
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error {
			return tx.UpdateSkillLevel(store.SkillLevel{Code: code, NameZh: f.NameZh, NameEn: f.NameEn, Rank: f.Rank, Version: f.Version})
		})
	}
	var out store.SkillLevel
	if err == nil {
		out, err = s.db.SkillLevel(r.Context(), code)
	}
	if err != nil {
		build := func() (*Page, error) { return s.adminLevelsPage(r, adminEdit[adminLevelForm]{Code: code, Form: f}) }
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			build = nil
		}
		s.formError(w, r, err, &formPage{"admin_ref_levels", build})
		return
	}
	answer(w, r, http.StatusOK, adminLevelJSON(out), "/admin/reference/levels", "saved")
}

type adminKeyGroupForm struct {
	Code      string `json:"code"`
	NameZh    string `json:"name_zh"`
	NameEn    string `json:"name_en"`
	DetailZh  string `json:"detail_zh"`
	DetailEn  string `json:"detail_en"`
	Sensitive bool   `json:"sensitive"`
	Version   int64  `json:"version"`
}

type adminKeyGroupsData struct {
	Groups []store.KeyGroup
	Add    adminKeyGroupForm
	Edit   string
}

func (s *Server) adminKeyGroupsPage(r *http.Request, edit string, f adminKeyGroupForm) (*Page, error) {
	groups, err := s.db.ListKeyGroups(r.Context())
	if err != nil {
		return nil, err
	}
	d := adminKeyGroupsData{Groups: groups, Edit: edit}
	if edit == "" {
		d.Add = f
	}
	for i, g := range groups {
		if g.Code == edit {
			groups[i] = store.KeyGroup{Code: g.Code, NameZh: f.NameZh, NameEn: f.NameEn, DetailZh: f.DetailZh, DetailEn: f.DetailEn,
				Sensitive: f.Sensitive, Version: f.Version}
		}
	}
	return s.page(r, s.adminTitle(r, "admin.ref_key_groups"), d), nil
}

func (s *Server) adminShowKeyGroups(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_key_groups", func() (*Page, error) { return s.adminKeyGroupsPage(r, "", adminKeyGroupForm{}) }})
}

func adminKeyGroupJSON(g store.KeyGroup) map[string]any {
	return map[string]any{"code": g.Code, "name_zh": g.NameZh, "name_en": g.NameEn, "detail_zh": g.DetailZh,
		"detail_en": g.DetailEn, "sensitive": g.Sensitive, "version": g.Version}
}

func (s *Server) adminAPIKeyGroups(w http.ResponseWriter, r *http.Request) {
	answerList(s, w, r, "key_groups", s.db.ListKeyGroups, adminKeyGroupJSON)
}

// adminSaveKeyGroup adds a key group (POST to the collection) or corrects one (POST to its code,
// with the version edited).
func (s *Server) adminSaveKeyGroup(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminKeyGroupForm
	err := bind(r, &f)
	adding := code == ""
	if adding {
		f.Version = 0
	} else {
		f.Code = code
		if f.Version == 0 && err == nil {
			err = xiangpei.StaleVersion()
		}
	}
	if err == nil && (strings.TrimSpace(f.DetailZh) == "") != (strings.TrimSpace(f.DetailEn) == "") {
		err = adminInvalid("admin.key_group_detail_pair", "Name the detail in both Chinese and English, or in neither.")
	}
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error {
			return tx.UpsertKeyGroup(store.KeyGroup{Code: f.Code, NameZh: f.NameZh, NameEn: f.NameEn, DetailZh: f.DetailZh,
				DetailEn: f.DetailEn, Sensitive: f.Sensitive, Version: f.Version})
		})
	}
	var g store.KeyGroup
	if err == nil {
		g, err = s.db.KeyGroup(r.Context(), strings.TrimSpace(f.Code))
	}
	if err != nil {
		build := func() (*Page, error) { return s.adminKeyGroupsPage(r, code, f) }
		if !adding && xiangpei.IsKind(err, xiangpei.NotFound) {
			build = nil
		}
		s.formError(w, r, err, &formPage{"admin_ref_key_groups", build})
		return
	}
	status, done := http.StatusOK, "saved"
	if adding {
		status, done = http.StatusCreated, "admin_added"
	}
	answer(w, r, status, adminKeyGroupJSON(g), "/admin/reference/key-groups", done)
}

type adminSectorForm struct {
	Code    string `json:"code"`
	NameZh  string `json:"name_zh"`
	NameEn  string `json:"name_en"`
	Version int64  `json:"version"`
}

type adminSectorsData struct {
	Sectors []store.Sector
	Add     adminSectorForm
	Edit    string
}

func (s *Server) adminSectorsPage(r *http.Request, edit string, f adminSectorForm) (*Page, error) {
	sectors, err := s.db.ListSectors(r.Context())
	if err != nil {
		return nil, err
	}
	d := adminSectorsData{Sectors: sectors, Edit: edit}
	if edit == "" {
		d.Add = f
	}
	for i, x := range sectors {
		if x.Code == edit {
			sectors[i] = store.Sector{Code: x.Code, NameZh: f.NameZh, NameEn: f.NameEn, Version: f.Version}
		}
	}
	return s.page(r, s.adminTitle(r, "admin.ref_sectors"), d), nil
}

func (s *Server) adminShowSectors(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_sectors", func() (*Page, error) { return s.adminSectorsPage(r, "", adminSectorForm{}) }})
}

func adminSectorJSON(x store.Sector) map[string]any {
	return map[string]any{"code": x.Code, "name_zh": x.NameZh, "name_en": x.NameEn, "version": x.Version}
}

func (s *Server) adminAPISectors(w http.ResponseWriter, r *http.Request) {
	answerList(s, w, r, "sectors", s.db.ListSectors, adminSectorJSON)
}

func (s *Server) adminSaveSector(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminSectorForm
	err := bind(r, &f)
	adding := code == ""
	if adding {
		f.Version = 0
	} else {
		f.Code = code
		if f.Version == 0 && err == nil {
			err = xiangpei.StaleVersion()
		}
	}
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error {
			return tx.UpsertSector(store.Sector{Code: f.Code, NameZh: f.NameZh, NameEn: f.NameEn, Version: f.Version})
		})
	}
	var out store.Sector
	if err == nil {
		out, err = s.db.Sector(r.Context(), strings.TrimSpace(f.Code))
	}
	if err != nil {
		build := func() (*Page, error) { return s.adminSectorsPage(r, code, f) }
		if !adding && xiangpei.IsKind(err, xiangpei.NotFound) {
			build = nil
		}
		s.formError(w, r, err, &formPage{"admin_ref_sectors", build})
		return
	}
	status, done := http.StatusOK, "saved"
	if adding {
		status, done = http.StatusCreated, "admin_added"
	}
	answer(w, r, status, adminSectorJSON(out), "/admin/reference/sectors", done)
}

// adminThisYear is the current year in China.
func adminThisYear(now time.Time) int { return now.In(xiangpei.ChinaTime).Year() }

// adminYear reads ?year=, defaulting to def when it is missing or out of range.
func adminYear(r *http.Request, def int) int {
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || y < 2000 || y > 2100 {
		return def
	}
	return y
}

type adminActionForm struct {
	Year    int    `json:"year"`
	Code    string `json:"code"`
	NameZh  string `json:"name_zh"`
	NameEn  string `json:"name_en"`
	Version int64  `json:"version"`
}

type adminActionsData struct {
	Year    int
	Prev    int
	Next    int
	Actions []store.SpecialAction
	Add     adminActionForm
	Edit    int64
}

func (s *Server) adminActionsPage(r *http.Request, year int, edit int64, f adminActionForm) (*Page, error) {
	actions, err := s.db.ListSpecialActions(r.Context(), year)
	if err != nil {
		return nil, err
	}
	d := adminActionsData{Year: year, Prev: year - 1, Next: year + 1, Actions: actions, Edit: edit, Add: adminActionForm{Year: year}}
	if edit == 0 && (f.Code != "" || f.NameZh != "" || f.NameEn != "") {
		d.Add = f
	}
	for i, a := range actions {
		if a.ID == edit {
			actions[i].NameZh, actions[i].NameEn, actions[i].Version = f.NameZh, f.NameEn, f.Version
		}
	}
	return s.page(r, s.adminTitle(r, "admin.ref_actions"), d), nil
}

func (s *Server) adminShowActions(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_actions", func() (*Page, error) {
		return s.adminActionsPage(r, adminYear(r, adminThisYear(s.now())), 0, adminActionForm{})
	}})
}

func adminActionJSON(a store.SpecialAction) map[string]any {
	return map[string]any{"id": a.ID, "year": a.Year, "code": a.Code, "name_zh": a.NameZh, "name_en": a.NameEn, "version": a.Version}
}

// adminAPIActions lists the special actions of ?year=, or of every year without it.
func (s *Server) adminAPIActions(w http.ResponseWriter, r *http.Request) {
	actions, err := s.db.ListSpecialActions(r.Context(), adminYear(r, 0))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := jsonList(actions, adminActionJSON)
	writeJSON(w, http.StatusOK, map[string]any{"actions": out})
}

func adminActionsPath(year int) string { return "/admin/reference/actions?year=" + strconv.Itoa(year) }

func (s *Server) adminAddAction(w http.ResponseWriter, r *http.Request) {
	var f adminActionForm
	err := bind(r, &f)
	var a store.SpecialAction
	if err == nil {
		a, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (store.SpecialAction, error) {
			return tx.AddSpecialAction(f.Year, f.Code, f.NameZh, f.NameEn)
		})
	}
	if err != nil {
		year := f.Year
		if year < 2000 || year > 2100 {
			year = adminThisYear(s.now())
		}
		s.formError(w, r, err, &formPage{"admin_ref_actions", func() (*Page, error) { return s.adminActionsPage(r, year, 0, f) }})
		return
	}
	answer(w, r, http.StatusCreated, adminActionJSON(a), adminActionsPath(a.Year), "admin_added")
}

func (s *Server) adminUpdateAction(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	old, err := s.db.SpecialAction(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f adminActionForm
	err = bind(r, &f)
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.UpdateSpecialAction(id, f.NameZh, f.NameEn, f.Version) })
	}
	var a store.SpecialAction
	if err == nil {
		a, err = s.db.SpecialAction(r.Context(), id)
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_ref_actions", func() (*Page, error) { return s.adminActionsPage(r, old.Year, id, f) }})
		return
	}
	answer(w, r, http.StatusOK, adminActionJSON(a), adminActionsPath(a.Year), "saved")
}

type adminDayForm struct {
	Day  string `json:"day"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

type adminCalendarData struct {
	Year        int
	Prev, Next  int
	HasSchedule bool
	Years       []int
	Days        []adminDayRow
	Form        adminDayForm
}

type adminDayRow struct {
	store.CalendarDay
	Weekday int
}

func (s *Server) adminCalendarPage(r *http.Request, year int, f adminDayForm) (*Page, error) {
	ctx := r.Context()
	days, err := s.db.ListCalendar(ctx, year)
	if err != nil {
		return nil, err
	}
	cal, err := s.db.CalendarYear(ctx, year)
	if err != nil {
		return nil, err
	}
	all, err := s.db.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	d := adminCalendarData{Year: year, Prev: year - 1, Next: year + 1, HasSchedule: cal.HasSchedule(year), Years: all.Years(), Form: f}
	for _, day := range days {
		row := adminDayRow{CalendarDay: day}
		if t, err := time.Parse(time.DateOnly, day.Day); err == nil {
			row.Weekday = int(t.Weekday())
		}
		d.Days = append(d.Days, row)
	}
	return s.page(r, s.adminTitle(r, "admin.ref_calendar"), d), nil
}

func (s *Server) adminShowCalendar(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_calendar", func() (*Page, error) {
		return s.adminCalendarPage(r, adminYear(r, adminThisYear(s.now())), adminDayForm{Kind: xiangpei.DayHoliday})
	}})
}

func adminDayJSON(d store.CalendarDay) map[string]any {
	return map[string]any{"day": d.Day, "kind": d.Kind, "name": d.Name, "version": d.Version}
}

// adminAPICalendar lists the listed days of ?year= (this year without it) and says whether
// the year has a published schedule; without one, deadlines follow the weekday rule.
func (s *Server) adminAPICalendar(w http.ResponseWriter, r *http.Request) {
	year := adminYear(r, adminThisYear(s.now()))
	days, err := s.db.ListCalendar(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cal, err := s.db.CalendarYear(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := jsonList(days, adminDayJSON)
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "has_schedule": cal.HasSchedule(year), "days": out})
}

func adminDayYear(day string, def int) int {
	if t, err := time.Parse(time.DateOnly, strings.TrimSpace(day)); err == nil && t.Year() >= 2000 && t.Year() <= 2100 {
		return t.Year()
	}
	return def
}

func (s *Server) adminSetDay(w http.ResponseWriter, r *http.Request) {
	var f adminDayForm
	err := bind(r, &f)
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.SetCalendarDay(f.Day, f.Kind, f.Name) })
	}
	year := adminDayYear(f.Day, adminYear(r, adminThisYear(s.now())))
	var out store.CalendarDay
	if err == nil {
		err = xiangpei.ErrNotFound("calendar day")
		days, lerr := s.db.ListCalendar(r.Context(), year)
		if lerr != nil {
			err = lerr
		}
		for _, d := range days {
			if d.Day == strings.TrimSpace(f.Day) {
				out, err = d, nil
			}
		}
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_ref_calendar", func() (*Page, error) { return s.adminCalendarPage(r, year, f) }})
		return
	}
	answer(w, r, http.StatusOK, adminDayJSON(out), "/admin/reference/calendar?year="+strconv.Itoa(year), "saved")
}

func (s *Server) adminDeleteDay(w http.ResponseWriter, r *http.Request) {
	day := r.PathValue("day")
	err := s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.DeleteCalendarDay(day) })
	year := adminDayYear(day, adminThisYear(s.now()))
	if err != nil {
		build := func() (*Page, error) { return s.adminCalendarPage(r, year, adminDayForm{Kind: xiangpei.DayHoliday}) }
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			build = nil
		}
		s.formError(w, r, err, &formPage{"admin_ref_calendar", build})
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"deleted": day}, "/admin/reference/calendar?year="+strconv.Itoa(year), "admin_day_deleted")
}
