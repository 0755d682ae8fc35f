package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 培 — the roster of a class (学员名册, SPEC §4.3): the institution adds trainees one by one
// or imports a file in two steps (a dry run that names every refused row, then a commit that
// adds all good rows or nothing), withdraws a trainee with a reason, and exports the roster;
// officers of the class's region read it. Every refusal gives every reason the eligibility
// rules found. The public course catalogue and self-enrolment are in catalogue.go.

func (s *Server) registerRosterRoutes() {
	staff := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool)
	reader := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool, xiangpei.RoleOfficer)

	s.handleBoth("GET /classes/{class}/roster", "/api/v1/classes/{class}/roster", reader, s.rosterShow)
	s.handleBoth("POST /classes/{class}/roster", "/api/v1/classes/{class}/roster", staff, s.rosterAdd)
	s.handleBoth("POST /classes/{class}/roster/{trainee}/withdraw", "/api/v1/classes/{class}/roster/{trainee}/withdraw", staff, s.rosterWithdraw)
	s.handle("GET /classes/{class}/roster/export.xlsx", reader, s.rosterExport)
	s.handle("GET /classes/{class}/roster/import", staff, s.rosterImportPage)
	s.handleBoth("POST /classes/{class}/roster/import", "/api/v1/classes/{class}/roster/import", staff, s.rosterImportCheck)
	s.handleBoth("POST /classes/{class}/roster/import/{id}/commit", "/api/v1/classes/{class}/roster/import/{id}/commit", staff, s.rosterImportCommit)
	s.handle("GET /roster/template.xlsx", Public(), s.rosterTemplate)

	s.registerCatalogueRoutes()
}

// rosterColumns are the columns of a roster file (the template's header is their first names).
var rosterColumns = []sheet.Column{
	{Key: "id", Names: []string{"身份证号", "公民身份号码", "身份证号码", "ID number"}, Required: true, Kind: sheet.Number},
	{Key: "name", Names: []string{"姓名", "Name"}, Required: true},
	{Key: "phone", Names: []string{"手机号", "手机号码", "联系电话", "Mobile"}, Kind: sheet.Number},
	{Key: "note", Names: []string{"备注", "Note"}},
}

// rosterFileLimits are sheet's limits with a roster's row limit.
func rosterFileLimits() sheet.Limits {
	lim := sheet.DefaultLimits()
	lim.MaxRows = store.MaxRosterLines
	return lim
}

// ---- the roster page ----

// rosterLine is a roster row as the page shows it.
type rosterLine struct {
	store.RosterRow
	MaskedID    string
	MaskedPhone string
	Hours       string
	Rate        int
	Withdraw    bool // the withdraw form of this row is open (after a failed try)
}

type rosterAddForm struct {
	IDNumber string `json:"id_number"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Note     string `json:"note"`
}

type rosterWithdrawForm struct {
	Reason  string `json:"reason"`
	Version int64  `json:"version"`
}

type rosterData struct {
	Class       xiangpei.Class
	N           *classNames
	StatusKey   string
	Rows        []rosterLine
	Enrolled    int
	SeatsLeft   int
	Planned     string
	EnrolUntil  time.Time
	Open        bool // the class takes trainees now
	CanEdit     bool // the class's institution, before the class closes
	CanUnmask   bool // may export full ID numbers
	Add         rosterAddForm
	AddReasons  []string
	WithdrawID  int64
	Withdraw    rosterWithdrawForm
	WithdrawErr string
}

func rosterPath(classID int64) string {
	return "/classes/" + strconv.FormatInt(classID, 10) + "/roster"
}

// rosterCanUnmask reports whether the actor may export a roster with full ID numbers: the
// class's own institution (who typed them in) or an officer holding the unmask duty.
func rosterCanUnmask(a xiangpei.Actor, c xiangpei.Class) bool {
	return (a.OrgID != 0 && a.OrgID == c.OrgID) || (a.Role == xiangpei.RoleOfficer && a.Can(xiangpei.DutyUnmask))
}

func (s *Server) rosterData(r *http.Request, classID int64) (rosterData, error) {
	a := actorOf(r)
	c, rows, err := s.db.Roster(r.Context(), a.Scope(), classID)
	if err != nil {
		return rosterData{}, err
	}
	rules := s.db.Rules()
	d := rosterData{Class: c, N: s.classNamesFor(r, 0), StatusKey: "classes.status." + string(c.Status),
		Planned: xiangpei.FormatHours(c.PlannedMinutes()), EnrolUntil: c.EnrolUntil(rules), CanUnmask: rosterCanUnmask(a, c)}
	d.Open = c.CheckOpen(s.now(), rules) == nil
	d.CanEdit = a.OrgID != 0 && a.OrgID == c.OrgID && c.Status != xiangpei.ClassClosed && c.Status != xiangpei.ClassCancelled
	for _, x := range rows {
		if x.Status != xiangpei.TraineeWithdrawn {
			d.Enrolled++
		}
		d.Rows = append(d.Rows, rosterLine{RosterRow: x, MaskedID: x.IDNumber.Masked(), MaskedPhone: xiangpei.MaskPhone(x.Phone),
			Hours: xiangpei.FormatHours(x.AttendedMinutes), Rate: xiangpei.RatePct(x.AttendedMinutes, c.PlannedMinutes())})
	}
	d.SeatsLeft = max(0, c.Capacity-c.Enrolled)
	return d, nil
}

func (s *Server) rosterTitle(r *http.Request, c xiangpei.Class) string {
	return s.msg.T(stateOf(r).lang, "roster.title", c.Name)
}

// rosterAgain shows the roster page again after a failed form, changed by keep.
func (s *Server) rosterAgain(r *http.Request, classID int64, keep func(d *rosterData)) *formPage {
	return &formPage{"roster", func() (*Page, error) {
		d, err := s.rosterData(r, classID)
		if err != nil {
			return nil, err
		}
		keep(&d)
		return s.page(r, s.rosterTitle(r, d.Class), d), nil
	}}
}

func rosterRowJSON(x store.RosterRow, planned int) map[string]any {
	return map[string]any{"id": x.ID, "class_id": x.ClassID, "person_id": x.PersonID, "name": x.Name,
		"id_number": x.IDNumber.Masked(), "phone": xiangpei.MaskPhone(x.Phone), "source": x.Source, "status": x.Status,
		"subsidised": x.Subsidised, "note": x.Note, "withdraw_reason": x.WithdrawReason, "withdrawn_at": classTime(x.WithdrawnAt),
		"attended_minutes": x.AttendedMinutes, "rate_pct": xiangpei.RatePct(x.AttendedMinutes, planned),
		"added_at": x.AddedAt, "version": x.Version}
}

func (s *Server) rosterShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.rosterData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		planned := d.Class.PlannedMinutes()
		rows := make([]map[string]any, 0, len(d.Rows))
		for _, x := range d.Rows {
			rows = append(rows, rosterRowJSON(x.RosterRow, planned))
		}
		writeJSON(w, http.StatusOK, map[string]any{"class": classJSON(d.Class), "capacity": d.Class.Capacity,
			"enrolled": d.Enrolled, "seats_left": d.SeatsLeft, "planned_minutes": planned, "open": d.Open,
			"enrol_until": classTime(d.EnrolUntil), "trainees": rows})
		return
	}
	s.render(w, r, http.StatusOK, "roster", s.page(r, s.rosterTitle(r, d.Class), d))
}

// rosterReasons translates the reasons of a refusal.
func (s *Server) rosterReasons(r *http.Request, reasons []*xiangpei.Error) []string {
	lang := stateOf(r).lang
	out := make([]string, len(reasons))
	for i, e := range reasons {
		out[i] = s.msg.Error(lang, e)
	}
	return out
}

func (s *Server) rosterReasonsJSON(r *http.Request, reasons []*xiangpei.Error) []map[string]any {
	lang := stateOf(r).lang
	return jsonList(reasons, func(e *xiangpei.Error) map[string]any {
		return map[string]any{"key": e.Key, "message": s.msg.Error(lang, e)}
	})
}

// rosterRefused answers a refusal that may have several reasons (a xiangpei.Ineligible): on
// the API an error whose "reasons" list every one; in the browser the form's page with all of
// them, put there by show. Other errors go the usual way.
func (s *Server) rosterRefused(w http.ResponseWriter, r *http.Request, err error, again *formPage, show func(reasons []string)) {
	var in xiangpei.Ineligible
	if !errors.As(err, &in) {
		s.formError(w, r, err, again)
		return
	}
	st := stateOf(r)
	if st.api {
		writeJSON(w, statusOf(err), map[string]any{"error": map[string]any{"kind": string(xiangpei.ErrorKind(err)),
			"message": s.msg.T(st.lang, "roster.refused"), "reasons": s.rosterReasonsJSON(r, in)}})
		return
	}
	show(s.rosterReasons(r, in))
	p, perr := again.build()
	if perr != nil {
		s.fail(w, r, err)
		return
	}
	p.Error = s.msg.T(st.lang, "roster.refused")
	s.render(w, r, statusOf(err), again.name, p)
}

func (f rosterAddForm) input() store.TraineeInput {
	return store.TraineeInput{IDNumber: sheet.Fold(f.IDNumber), Name: sheet.Fold(f.Name), Phone: sheet.Fold(f.Phone),
		Note: strings.TrimSpace(f.Note)}
}

func (s *Server) rosterAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f rosterAddForm
	var row store.RosterRow
	if err = bind(r, &f); err == nil {
		row, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.RosterRow, error) {
			return tx.AddTraineeByID(a.Scope(), id, f.input(), xiangpei.SourceManual)
		})
	}
	if err != nil {
		var reasons []string
		s.rosterRefused(w, r, err, s.rosterAgain(r, id, func(d *rosterData) { d.Add, d.AddReasons = f, reasons }),
			func(rs []string) { reasons = rs })
		return
	}
	planned := 0
	if c, err := s.db.Class(r.Context(), actorOf(r).Scope(), id); err == nil {
		planned = c.PlannedMinutes()
	}
	answer(w, r, http.StatusCreated, rosterRowJSON(row, planned), rosterPath(id), "roster_added")
}

func (s *Server) rosterWithdraw(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tid, err := pathID(r, "trainee")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f rosterWithdrawForm
	var row store.RosterRow
	if err = bind(r, &f); err == nil {
		row, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.RosterRow, error) {
			return tx.WithdrawTrainee(a.Scope(), id, tid, f.Version, f.Reason)
		})
	}
	if err != nil {
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			s.fail(w, r, err)
			return
		}
		lang := stateOf(r).lang
		s.formError(w, r, err, s.rosterAgain(r, id, func(d *rosterData) {
			d.WithdrawID, d.Withdraw, d.WithdrawErr = tid, f, s.msg.Error(lang, err)
			for i := range d.Rows {
				d.Rows[i].Withdraw = d.Rows[i].ID == tid
			}
		}))
		return
	}
	answer(w, r, http.StatusOK, rosterRowJSON(row, 0), rosterPath(id), "roster_withdrawn")
}

// rosterExport sends the roster as an Excel workbook, ID numbers and phones masked; with
// full=1 and a reason, the class's institution or an officer with the unmask duty gets them
// in full, and the export is recorded in the audit trail.
func (s *Server) rosterExport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actorOf(r)
	c, rows, err := s.db.Roster(r.Context(), a.Scope(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	full := r.URL.Query().Get("full") == "1"
	if full {
		if !rosterCanUnmask(a, c) {
			s.fail(w, r, xiangpei.Errorf(xiangpei.Forbidden, "roster.unmask_forbidden", "Only the class's institution and officers who may see full numbers can export them."))
			return
		}
		reason := strings.TrimSpace(r.URL.Query().Get("reason"))
		err := xiangpei.CheckUnmaskReason("id_number", reason)
		if err == nil {
			err = s.db.Tx(r.Context(), a, func(tx *store.Tx) error {
				return tx.Audit("roster.export_full", "class", c.ID, c.County, map[string]any{"reason": reason, "rows": len(rows)})
			})
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	header := []string{T("roster.col_no"), T("roster.col_name"), T("roster.col_id"), T("roster.col_phone"), T("roster.col_source"),
		T("roster.col_status"), T("roster.col_hours"), T("roster.col_rate"), T("roster.col_note"), T("roster.col_added"),
		T("roster.col_withdraw_reason")}
	out := make([][]any, 0, len(rows))
	for i, x := range rows {
		idn, phone := x.IDNumber.Masked(), xiangpei.MaskPhone(x.Phone)
		if full {
			idn, phone = string(x.IDNumber), x.Phone
		}
		out = append(out, []any{i + 1, x.Name, idn, phone, T("roster.source." + x.Source), T("completion.trainee." + string(x.Status)),
			float64(x.AttendedMinutes) / 60, xiangpei.RatePct(x.AttendedMinutes, c.PlannedMinutes()), x.Note, x.AddedAt, x.WithdrawReason})
	}
	s.download(w, r, fmt.Sprintf("roster-%d.xlsx", c.ID), c.Name+"-学员名册.xlsx", T("roster.sheet_name"), header, out, sheet.Options{TextCols: []int{3, 4},
		Widths: map[int]float64{1: 6, 2: 10, 3: 22, 4: 14, 9: 16, 10: 18, 11: 20}})
}

// rosterTemplate is the roster file template: the header and two example rows (made-up
// persons), the ID number and mobile columns formatted as text so that what is typed there
// keeps every digit.
func (s *Server) rosterTemplate(w http.ResponseWriter, r *http.Request) {
	header := []string{"身份证号", "姓名", "手机号", "备注"}
	rows := [][]any{
		{"11010519491231002X", "张三", "13800000000", "示例行，导入前请删除"},
		{"440524188001010014", "李四", "13900000000", "示例行，导入前请删除"},
	}
	s.download(w, r, "roster-template.xlsx", "学员名册导入模板.xlsx", "学员名册", header, rows, sheet.Options{TextCols: []int{1, 3},
		Widths: map[int]float64{1: 22, 2: 12, 3: 16, 4: 24}})
}

// ---- import ----

// rosterCheckLine is a checked line as the dry-run page shows it.
type rosterCheckLine struct {
	Line     int
	Name     string
	MaskedID string
	Reasons  []string
	New      bool
}

type rosterImportData struct {
	Class   xiangpei.Class
	MaxRows int
	Checked bool
	Name    string
	Upload  int64
	Good    int
	Refused []rosterCheckLine
	New     int
}

func (s *Server) rosterImportClass(r *http.Request) (xiangpei.Class, error) {
	id, err := pathID(r, "class")
	if err != nil {
		return xiangpei.Class{}, err
	}
	return s.db.Class(r.Context(), actorOf(r).Scope(), id)
}

func (s *Server) rosterImportView(r *http.Request, c xiangpei.Class, d rosterImportData) *Page {
	d.Class, d.MaxRows = c, store.MaxRosterLines
	return s.page(r, s.msg.T(stateOf(r).lang, "roster.import_title", c.Name), d)
}

func (s *Server) rosterImportPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.rosterImportClass(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "roster_import", s.rosterImportView(r, c, rosterImportData{}))
}

// maskTyped masks an ID number as typed in a file: a valid one as usual, anything else down
// to its first 6 and last 2 characters, so no answer repeats a full number.
func maskTyped(raw string) string {
	if id, err := xiangpei.ParseIDNumber(raw, time.Now()); err == nil {
		return id.Masked()
	}
	rs := []rune(raw)
	if len(rs) <= 8 {
		return strings.Repeat("*", len(rs))
	}
	return string(rs[:6]) + strings.Repeat("*", len(rs)-8) + string(rs[len(rs)-2:])
}

// rosterLines reads a roster file into the store's lines.
func rosterLines(data []byte, name string) ([]store.RosterLine, error) {
	tb, err := sheet.Read(bytes.NewReader(data), name, rosterFileLimits(), rosterColumns)
	if err != nil {
		return nil, err
	}
	lines := make([]store.RosterLine, 0, len(tb.Rows))
	for _, row := range tb.Rows {
		lines = append(lines, store.RosterLine{Line: row.Line, Lossy: row.Lossy["id"], PhoneLossy: row.Lossy["phone"],
			Input: store.TraineeInput{IDNumber: row.Values["id"], Name: row.Values["name"], Phone: row.Values["phone"], Note: row.Values["note"]}})
	}
	return lines, nil
}

// errNoRosterFile is what a person sees when no roster file was chosen.
func errNoRosterFile() error {
	return xiangpei.Errorf(xiangpei.Invalid, "roster.import_no_file", "Choose the roster file (.xlsx or .csv) to upload.")
}

func (s *Server) rosterCheckJSON(r *http.Request, ic store.ImportCheck, upload int64) map[string]any {
	rows := jsonList(ic.Lines, func(l store.LineCheck) map[string]any {
		return map[string]any{"line": l.Line, "ok": len(l.Reasons) == 0, "name": l.Input.Name,
			"id_number": maskTyped(l.Input.IDNumber), "new": l.New, "reasons": s.rosterReasonsJSON(r, l.Reasons)}
	})
	return map[string]any{"class_id": ic.Class.ID, "upload_id": upload, "good": ic.Good, "refused": ic.Refused,
		"rows": rows, "commit": fmt.Sprintf("/api/v1/classes/%d/roster/import/%d/commit", ic.Class.ID, upload)}
}

// rosterImportCheck is the dry run: the file is read and every line checked against the class
// and the rules; nothing is added, the file is kept for the commit, and the answer names every
// refused line with its reasons and counts the good ones.
func (s *Server) rosterImportCheck(w http.ResponseWriter, r *http.Request) {
	c, err := s.rosterImportClass(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	again := &formPage{"roster_import", func() (*Page, error) { return s.rosterImportView(r, c, rosterImportData{}), nil }}
	ic, u, err := dryRun(s, r, rosterFileLimits().MaxBytes, errNoRosterFile(), rosterLines,
		store.Upload{Purpose: store.UploadRoster, ClassID: c.ID, OrgID: c.OrgID},
		func(tx *store.Tx, a xiangpei.Actor, u store.Upload, lines []store.RosterLine) (store.ImportCheck, error) {
			ic, err := tx.CheckRosterImport(a.Scope(), c.ID, lines)
			if err != nil {
				return ic, err
			}
			return ic, tx.RecordRosterCheck(u, ic)
		})
	if err != nil {
		s.formError(w, r, err, again)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, s.rosterCheckJSON(r, ic, u.ID))
		return
	}
	d := rosterImportData{Checked: true, Name: u.Name, Upload: u.ID, Good: ic.Good}
	for _, l := range ic.Lines {
		if l.New {
			d.New++
		}
		if len(l.Reasons) > 0 {
			d.Refused = append(d.Refused, rosterCheckLine{Line: l.Line, Name: l.Input.Name, MaskedID: maskTyped(l.Input.IDNumber),
				Reasons: s.rosterReasons(r, l.Reasons)})
		}
	}
	s.render(w, r, http.StatusOK, "roster_import_check", s.rosterImportView(r, c, d))
}

// rosterImportCommit adds every good line of a file kept by its dry run, in one transaction,
// or nothing when anything changed since; a second commit is refused.
func (s *Server) rosterImportCommit(w http.ResponseWriter, r *http.Request) {
	c, err := s.rosterImportClass(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	upload, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := commitKept(s, r, upload, store.UploadRoster, c.ID, rosterLines,
		func(tx *store.Tx, a xiangpei.Actor, lines []store.RosterLine) (store.ImportResult, error) {
			return tx.CommitRosterImport(a.Scope(), c.ID, upload, lines)
		})
	if err != nil {
		s.formError(w, r, err, &formPage{"roster_import", func() (*Page, error) { return s.rosterImportView(r, c, rosterImportData{}), nil }})
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"class_id": c.ID, "upload_id": upload, "added": res.Added,
		"registered": res.Registered, "trainees": nonNil(res.Trainees)}, rosterPath(c.ID), "roster_imported")
}
