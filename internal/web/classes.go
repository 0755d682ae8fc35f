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

// 培 — class filings (开班备案, SPEC §4.2): the institution's list and form, the class page with
// its actions, change and make-up filings (变更备案, 补课), and the county's review queue. Every
// page action has its JSON twin under /api/v1 with the same rule; every list exports to Excel
// with ?format=xlsx.

// classesPerPage is the page size of class lists.
const classesPerPage = 20

func (s *Server) registerClassRoutes() {
	staff := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool)
	reader := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool, xiangpei.RoleOfficer)
	review := Duty(xiangpei.DutyClassReview)

	s.handleBoth("GET /classes", "/api/v1/classes", reader, s.classList)
	s.handleBoth("GET /classes/review", "/api/v1/classes/review", review, s.classQueue)
	s.handle("GET /classes/new", staff, s.classNewForm)
	s.handleBoth("POST /classes", "/api/v1/classes", staff, s.classCreate)
	s.handleBoth("GET /classes/{class}", "/api/v1/classes/{class}", reader, s.classShow)
	s.handle("GET /classes/{class}/edit", staff, s.classEditForm)
	s.handleBoth("POST /classes/{class}", "/api/v1/classes/{class}", staff, s.classUpdate)
	s.handleBoth("POST /classes/{class}/submit", "/api/v1/classes/{class}/submit", staff, s.classMove(xiangpei.ClassSubmit))
	s.handleBoth("POST /classes/{class}/cancel", "/api/v1/classes/{class}/cancel", staff, s.classMove(xiangpei.ClassCancel))
	s.handleBoth("POST /classes/{class}/start", "/api/v1/classes/{class}/start", staff, s.classMove(xiangpei.ClassStart))
	s.handleBoth("POST /classes/{class}/approve", "/api/v1/classes/{class}/approve", review, s.classMove(xiangpei.ClassApprove))
	s.handleBoth("POST /classes/{class}/return", "/api/v1/classes/{class}/return", review, s.classMove(xiangpei.ClassReturn))
	s.handle("GET /classes/{class}/change", staff, s.classChangeForm(xiangpei.ChangeEdit))
	s.handle("GET /classes/{class}/makeup", staff, s.classChangeForm(xiangpei.ChangeMakeUp))
	s.handleBoth("POST /classes/{class}/changes", "/api/v1/classes/{class}/changes", staff, s.classFileChange)
	s.handle("GET /api/v1/classes/{class}/changes", reader, s.classChangesJSON)
	s.handleBoth("GET /classes/{class}/changes/{change}", "/api/v1/classes/{class}/changes/{change}", reader, s.classChangeShow)
	s.handleBoth("POST /classes/{class}/changes/{change}/approve", "/api/v1/classes/{class}/changes/{change}/approve", review,
		s.classDecide(xiangpei.ClassApprove))
	s.handleBoth("POST /classes/{class}/changes/{change}/return", "/api/v1/classes/{class}/changes/{change}/return", review,
		s.classDecide(xiangpei.ClassReturn))
}

// ---- JSON ----

func classTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func classSessionJSON(x xiangpei.Session) map[string]any {
	local := x.Starts.In(xiangpei.ChinaTime)
	return map[string]any{"id": x.ID, "seq": x.Seq, "date": local.Format(time.DateOnly), "start": local.Format("15:04"),
		"end": x.Ends.In(xiangpei.ChinaTime).Format("15:04"), "starts_at": x.Starts.UTC(), "ends_at": x.Ends.UTC(), "kind": x.Kind,
		"venue_id": x.VenueID, "teacher_id": x.TeacherID, "makeup": x.MakeUp, "minutes": x.Minutes()}
}

func classJSON(c xiangpei.Class) map[string]any {
	m := map[string]any{"id": c.ID, "org_id": c.OrgID, "county": c.County, "name": c.Name, "occupation_code": c.OccupationCode,
		"level": c.Level, "special_action": c.SpecialAction, "funding": c.Funding, "key_groups": nonNil(c.KeyGroups),
		"sector": c.Sector, "theory_hours": c.TheoryHours, "practice_hours": c.PracticeHours, "venue_id": c.VenueID,
		"capacity": c.Capacity, "self_enrol": c.SelfEnrol, "status": c.Status, "return_reason": c.ReturnReason,
		"first_session": classTime(c.FirstSession), "last_session": classTime(c.LastSession), "filed_at": classTime(c.FiledAt),
		"late": c.Late, "enrolled": c.Enrolled, "created_at": c.CreatedAt, "updated_at": c.UpdatedAt, "version": c.Version}
	if c.Sessions != nil {
		m["sessions"] = jsonList(c.Sessions, classSessionJSON)
		m["teacher_ids"] = nonNil(c.TeacherIDs)
		m["planned_minutes"] = c.PlannedMinutes()
	}
	return m
}

func nonNil[T any](x []T) []T {
	if x == nil {
		return []T{}
	}
	return x
}

func classInputJSON(in xiangpei.ClassInput) map[string]any {
	return map[string]any{"name": in.Name, "occupation_code": in.OccupationCode, "level": in.Level,
		"special_action": in.SpecialAction, "funding": in.Funding, "key_groups": nonNil(in.KeyGroups), "sector": in.Sector,
		"theory_hours": in.TheoryHours, "practice_hours": in.PracticeHours, "venue_id": in.VenueID,
		"teacher_ids": nonNil(in.TeacherIDs), "capacity": in.Capacity, "self_enrol": in.SelfEnrol,
		"sessions": jsonList(in.Sessions, classSessionJSON)}
}

func classChangeJSON(ch xiangpei.ClassChange) map[string]any {
	return map[string]any{"id": ch.ID, "class_id": ch.ClassID, "kind": ch.Kind, "status": ch.Status, "reason": ch.Reason,
		"return_reason": ch.ReturnReason, "filed_at": ch.FiledAt, "decided_at": classTime(ch.DecidedAt), "version": ch.Version,
		"changed": nonNil(xiangpei.ChangedFields(ch.Before, ch.After)), "before": classInputJSON(ch.Before),
		"after": classInputJSON(ch.After)}
}

func classFlagsJSON(f store.ReviewFlags) map[string]any {
	clashes := jsonList(f.Clashes, func(k store.TeacherClash) map[string]any {
		return map[string]any{"class_id": k.ClassID, "class_name": k.ClassName, "seq": k.Seq, "other_seq": k.OtherSeq,
			"teacher": k.Teacher, "starts_at": k.Starts, "other_starts_at": k.OtherStart}
	})
	return map[string]any{"attention": f.Any(), "late": f.Late, "soon_start": f.SoonStart, "teacher_clashes": clashes,
		"out_of_scope": f.OutOfScope, "teacher_occupation": nonNil(f.TeacherScope), "over_org_capacity": f.OverCapacity,
		"org_capacity": f.OrgCapacity, "over_capacity": f.OverRoster, "sanction_in_force": f.Blocked, "sanction": f.Sanction}
}

// ---- the list ----

type classListData struct {
	Q, Status string
	Statuses  []xiangpei.ClassStatus
	Classes   []xiangpei.Class
	OrgNames  map[int64]string
	N         *classNames
	Officer   bool
	CanFile   bool
	Pager     *pager
	Export    string
}

func (s *Server) classList(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	q := r.URL.Query()
	f := store.ClassFilter{Status: xiangpei.ClassStatus(q.Get("status")), Q: strings.TrimSpace(q.Get("q"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	ctx := r.Context()
	if q.Get("format") == "xlsx" {
		s.classListXLSX(w, r, f)
		return
	}
	n, pg := listPage(r, classesPerPage)
	list, total, err := s.db.Classes(ctx, a.Scope(), f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"classes": jsonList(list, classJSON), "total": total, "page": n,
			"per_page": classesPerPage})
		return
	}
	d := classListData{Q: f.Q, Status: string(f.Status), Statuses: xiangpei.ClassStatuses, Classes: list,
		Officer: a.Role == xiangpei.RoleOfficer, CanFile: a.OrgID != 0, Pager: pagerOf(r, n, total, classesPerPage),
		Export: exportLink(r), N: s.classNamesFor(r, 0)}
	if d.Officer {
		ids := make([]int64, 0, len(list))
		for _, c := range list {
			ids = append(ids, c.OrgID)
		}
		if d.OrgNames, err = s.db.OrgNames(ctx, a.Scope(), ids); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "classes", s.page(r, s.msg.T(stateOf(r).lang, "classes.list_title"), d))
}

func (s *Server) classListXLSX(w http.ResponseWriter, r *http.Request, f store.ClassFilter) {
	a := actorOf(r)
	ctx := r.Context()
	lang := stateOf(r).lang
	all, err := exportAll(func(pg store.Page) ([]xiangpei.Class, int, error) {
		return s.db.Classes(ctx, a.Scope(), f, pg)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ids := make([]int64, 0, len(all))
	for _, c := range all {
		ids = append(ids, c.OrgID)
	}
	orgs, err := s.db.OrgNames(ctx, a.Scope(), ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.classNamesFor(r, 0)
	T := func(k string) string { return s.msg.T(lang, k) }
	header := []string{T("classes.col_name"), T("classes.col_org"), T("classes.col_occupation_code"), T("classes.col_occupation"),
		T("classes.col_level"), T("classes.col_funding"), T("classes.col_first"), T("classes.col_last"), T("classes.col_status"),
		T("classes.col_enrolled"), T("classes.col_capacity"), T("classes.col_late"), T("classes.col_filed_at")}
	rows := make([][]any, 0, len(all))
	for _, c := range all {
		late := ""
		if c.Late {
			late = T("classes.late")
		}
		rows = append(rows, []any{c.Name, orgs[c.OrgID], c.OccupationCode, names.Occupation(c.OccupationCode), names.Level(c.Level),
			T("classes.funding." + c.Funding), c.FirstSession, c.LastSession, T("classes.status." + string(c.Status)),
			c.Enrolled, c.Capacity, late, c.FiledAt})
	}
	s.download(w, r, "classes.xlsx", T("classes.export_name")+".xlsx", T("classes.list_title"), header, rows, sheet.Options{})
}

// ---- the review queue ----

type classQueueRow struct {
	store.ReviewItem
	Link  string
	Attn  []string
	First time.Time
}

type classQueueData struct {
	Rows   []classQueueRow
	Pager  *pager
	Export string
}

func (s *Server) classQueueRows(r *http.Request, items []store.ReviewItem) []classQueueRow {
	out := make([]classQueueRow, 0, len(items))
	for _, it := range items {
		row := classQueueRow{ReviewItem: it, Link: classPath(it.Class.ID), Attn: s.classFlagTexts(r, it.Flags), First: it.Class.FirstSession}
		if it.Change != nil {
			row.Link = classChangePath(it.Class.ID, it.Change.ID)
			if len(it.Change.After.Sessions) > 0 {
				row.First = it.Change.After.Sessions[0].Starts
			}
		}
		out = append(out, row)
	}
	return out
}

func (s *Server) classQueue(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	ctx := r.Context()
	lang := stateOf(r).lang
	if r.URL.Query().Get("format") == "xlsx" {
		all, err := exportAll(func(pg store.Page) ([]store.ReviewItem, int, error) {
			return s.db.ReviewQueue(ctx, a.Scope(), pg)
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("classes.col_filed_at"), T("classes.col_kind"), T("classes.col_name"), T("classes.col_org"),
			T("classes.col_occupation_code"), T("classes.col_first"), T("classes.col_attention")}
		var rows [][]any
		for _, row := range s.classQueueRows(r, all) {
			rows = append(rows, []any{row.FiledAt, T(classItemKindKey(row.ReviewItem)), row.Class.Name, row.OrgName,
				row.Class.OccupationCode, row.First, strings.Join(row.Attn, "；")})
		}
		s.download(w, r, "class-review.xlsx", T("classes.review_export_name")+".xlsx", T("classes.review_title"), header, rows, sheet.Options{})
		return
	}
	n, pg := listPage(r, classesPerPage)
	items, total, err := s.db.ReviewQueue(ctx, a.Scope(), pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"items": jsonList(items, func(it store.ReviewItem) map[string]any {
			m := map[string]any{"kind": "class", "filed_at": classTime(it.FiledAt), "class": classJSON(it.Class),
				"org_name": it.OrgName, "attention": classFlagsJSON(it.Flags), "change": nil}
			if it.Change != nil {
				m["kind"], m["change"] = string(it.Change.Kind), classChangeJSON(*it.Change)
			}
			return m
		}), "total": total, "page": n, "per_page": classesPerPage})
		return
	}
	d := classQueueData{Rows: s.classQueueRows(r, items), Pager: pagerOf(r, n, total, classesPerPage), Export: exportLink(r)}
	s.render(w, r, http.StatusOK, "classes_review", s.page(r, s.msg.T(lang, "classes.review_title"), d))
}

// classItemKindKey names what a queue row is: a class filing, a change or make-up sessions.
func classItemKindKey(it store.ReviewItem) string {
	if it.Change == nil {
		return "classes.item_class"
	}
	return "classes.item_" + string(it.Change.Kind)
}

// classFlagTexts says in words what needs attention.
func (s *Server) classFlagTexts(r *http.Request, f store.ReviewFlags) []string {
	lang := stateOf(r).lang
	T := func(k string, args ...any) string { return s.msg.T(lang, k, args...) }
	var out []string
	if f.Late {
		out = append(out, T("classes.flag_late"))
	}
	if f.SoonStart {
		out = append(out, T("classes.flag_soon"))
	}
	for _, k := range f.Clashes {
		out = append(out, T("classes.flag_clash", k.Seq, k.Teacher, k.ClassName, k.OtherSeq))
	}
	if f.OutOfScope {
		out = append(out, T("classes.flag_scope"))
	}
	if len(f.TeacherScope) > 0 {
		out = append(out, T("classes.flag_teacher_scope", strings.Join(f.TeacherScope, "、")))
	}
	if f.OverCapacity {
		out = append(out, T("classes.flag_org_capacity", f.OrgCapacity))
	}
	if f.OverRoster {
		out = append(out, T("classes.flag_roster"))
	}
	if f.Blocked {
		out = append(out, T("classes.flag_blocked", T("registry.sanction."+string(f.Sanction))))
	}
	return out
}

// ---- names ----

// classNames turns the codes and ids of a filing into the names a page shows, reading each
// list once per request.
type classNames struct {
	s        *Server
	r        *http.Request
	en       bool
	occ      map[string]string
	levels   map[string]string
	actions  map[string]string
	sectors  map[string]string
	groups   map[string]string
	venues   map[int64]string
	teachers map[int64]string
}

// classNamesFor reads the reference lists, and the venues and teachers of an organisation
// when orgID is not 0.
func (s *Server) classNamesFor(r *http.Request, orgID int64) *classNames {
	ctx := r.Context()
	n := &classNames{s: s, r: r, en: regEnglish(r), occ: map[string]string{}, levels: s.levelNames(r),
		actions: map[string]string{}, sectors: map[string]string{}, groups: map[string]string{},
		venues: map[int64]string{}, teachers: map[int64]string{}}
	pick := func(zh, en string) string {
		if n.en && en != "" {
			return en
		}
		return zh
	}
	if acts, err := s.db.ListSpecialActions(ctx, 0); err == nil {
		for _, x := range acts {
			n.actions[x.Code] = pick(x.NameZh, x.NameEn)
		}
	}
	if secs, err := s.db.ListSectors(ctx); err == nil {
		for _, x := range secs {
			n.sectors[x.Code] = pick(x.NameZh, x.NameEn)
		}
	}
	if groups, err := s.db.ListKeyGroups(ctx); err == nil {
		for _, x := range groups {
			n.groups[x.Code] = pick(x.NameZh, x.NameEn)
		}
	}
	if orgID != 0 {
		sc := actorOf(r).Scope()
		if vs, err := s.db.Venues(ctx, sc, orgID); err == nil {
			for _, v := range vs {
				n.venues[v.ID] = v.Name
			}
		}
		if ts, err := s.db.Teachers(ctx, sc, orgID); err == nil {
			for _, t := range ts {
				n.teachers[t.ID] = t.Name
			}
		}
	}
	return n
}

func orCode[K comparable](m map[K]string, k K, fallback string) string {
	if v, ok := m[k]; ok && v != "" {
		return v
	}
	return fallback
}

// Occupation names an occupation code.
func (n *classNames) Occupation(code string) string {
	if v, ok := n.occ[code]; ok {
		return v
	}
	name := code
	if o, err := n.s.db.Occupation(n.r.Context(), code); err == nil {
		name = o.Name
	}
	n.occ[code] = name
	return name
}

// Level names a skill level.
func (n *classNames) Level(code string) string { return orCode(n.levels, code, code) }

// Action names a special action ("" none).
func (n *classNames) Action(code string) string { return orCode(n.actions, code, code) }

// Sector names a key sector.
func (n *classNames) Sector(code string) string { return orCode(n.sectors, code, code) }

// Groups names key groups.
func (n *classNames) Groups(codes []string) string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		out = append(out, orCode(n.groups, c, c))
	}
	return strings.Join(out, "、")
}

// Venue names a venue.
func (n *classNames) Venue(id int64) string { return orCode(n.venues, id, strconv.FormatInt(id, 10)) }

// Teacher names a teacher.
func (n *classNames) Teacher(id int64) string {
	return orCode(n.teachers, id, strconv.FormatInt(id, 10))
}

// Teachers names teachers.
func (n *classNames) Teachers(ids []int64) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, n.Teacher(id))
	}
	slices.Sort(out)
	return strings.Join(out, "、")
}

func classPath(id int64) string { return "/classes/" + strconv.FormatInt(id, 10) }

func classChangePath(classID, changeID int64) string {
	return classPath(classID) + "/changes/" + strconv.FormatInt(changeID, 10)
}
