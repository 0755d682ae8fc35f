package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 教 — a school imports its registry roster (学籍名册: 身份证号, 姓名, 专业代码, 入学年份, 入学日期,
// optional 手机号) in two steps (docs/schools.md, "Demo, roster import"): the dry run names
// every bad row with its line and reason; the commit enrols every row or, when any row is bad,
// none. The same file is imported once per school.

func (s *Server) registerSchoolRosterImportRoutes() {
	school := Roles(xiangpei.RoleSchool)
	s.handleBoth("GET /school/roster-import", "/api/v1/school/roster-import", school, s.schoolRosterPage)
	s.handleBoth("POST /school/roster-import", "/api/v1/school/roster-import", school, s.schoolRosterCheck)
	s.handleBoth("POST /school/roster-import/{rosterimport}/commit", "/api/v1/school/roster-import/{rosterimport}/commit", school, s.schoolRosterCommit)
	s.handle("GET /school/roster-import-template.xlsx", school, s.schoolRosterTemplate)
}

var schoolRosterColumns = []sheet.Column{
	{Key: "id", Names: []string{"身份证号", "公民身份号码", "身份证号码", "证件号码", "ID number"}, Required: true, Kind: sheet.Number},
	{Key: "name", Names: []string{"姓名", "学生姓名", "Name"}, Required: true},
	{Key: "major", Names: []string{"专业代码", "专业编码", "Major code"}, Required: true},
	{Key: "year", Names: []string{"入学年份", "年级", "Entry year"}, Required: true},
	{Key: "date", Names: []string{"入学日期", "入学时间", "Enrolled on"}, Required: true, Kind: sheet.Time},
	{Key: "phone", Names: []string{"手机号", "手机号码", "联系电话", "Phone"}, Kind: sheet.Number},
}

func schoolRosterLimits() sheet.Limits {
	lim := sheet.DefaultLimits()
	lim.MaxRows = store.MaxSchoolRosterLines
	return lim
}

// schoolRosterLines reads a registry roster into the store's lines.
func schoolRosterLines(data []byte, name string) ([]store.SchoolRosterLine, error) {
	tb, err := sheet.Read(strings.NewReader(string(data)), name, schoolRosterLimits(), schoolRosterColumns)
	if err != nil {
		return nil, err
	}
	lines := make([]store.SchoolRosterLine, 0, len(tb.Rows))
	for _, row := range tb.Rows {
		v := row.Values
		lines = append(lines, store.SchoolRosterLine{Line: row.Line, IDNumber: v["id"], Name: v["name"], MajorCode: v["major"],
			EntryYear: v["year"], EnrolledOn: v["date"], Phone: v["phone"], Lossy: row.Lossy["id"]})
	}
	return lines, nil
}

type schoolRosterCheckLine struct {
	Line     int
	Name     string
	MaskedID string
	Major    string
	Reasons  []string
}

type schoolRosterData struct {
	MaxRows    int
	Checked    bool
	Name       string
	Upload     int64
	Good       int
	NewPersons int
	Refused    []schoolRosterCheckLine
}

func (s *Server) schoolRosterView(r *http.Request, d schoolRosterData) *Page {
	d.MaxRows = store.MaxSchoolRosterLines
	return s.page(r, s.msg.T(stateOf(r).lang, "school_roster.title"), d)
}

func (s *Server) schoolRosterPage(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		cols := make([]map[string]any, 0, len(schoolRosterColumns))
		for _, c := range schoolRosterColumns {
			cols = append(cols, map[string]any{"name": c.Names[0], "required": c.Required})
		}
		writeJSON(w, http.StatusOK, map[string]any{"columns": cols, "max_rows": store.MaxSchoolRosterLines})
		return
	}
	s.render(w, r, http.StatusOK, "school_roster_import", s.schoolRosterView(r, schoolRosterData{}))
}

// schoolRosterCheck is the dry run: every line is checked and nothing is enrolled; the file is
// kept for the commit.
func (s *Server) schoolRosterCheck(w http.ResponseWriter, r *http.Request) {
	again := &formPage{"school_roster_import", func() (*Page, error) { return s.schoolRosterView(r, schoolRosterData{}), nil }}
	rc, u, err := dryRun(s, r, schoolRosterLimits().MaxBytes,
		xiangpei.Errorf(xiangpei.Invalid, "school_roster.no_file", "Choose the registry roster (.xlsx or .csv) to upload."), schoolRosterLines,
		store.Upload{Purpose: store.UploadSchoolRoster, OrgID: actorOf(r).OrgID},
		func(tx *store.Tx, a xiangpei.Actor, u store.Upload, lines []store.SchoolRosterLine) (store.SchoolRosterCheck, error) {
			rc, err := tx.CheckSchoolRoster(a.Scope(), u.SHA256, lines)
			if err != nil {
				return rc, err
			}
			return rc, tx.RecordSchoolRosterCheck(u, rc)
		})
	if err != nil {
		s.formError(w, r, err, again)
		return
	}
	if stateOf(r).api {
		rows := jsonList(rc.Lines, func(l store.SchoolRosterLineCheck) map[string]any {
			return map[string]any{"line": l.Line, "ok": len(l.Reasons) == 0, "new_person": l.New(), "name": l.Name,
				"id_number": maskTyped(l.IDNumber), "major_code": l.MajorCode, "major_name": l.MajorName, "entry_year": l.Year,
				"reasons": s.rosterReasonsJSON(r, l.Reasons)}
		})
		writeJSON(w, http.StatusOK, map[string]any{"upload_id": u.ID, "good": rc.Good, "refused": rc.Refused,
			"new_persons": rc.NewPersons, "rows": rows,
			"commit": "/api/v1/school/roster-import/" + strconv.FormatInt(u.ID, 10) + "/commit"})
		return
	}
	d := schoolRosterData{Checked: true, Name: u.Name, Upload: u.ID, Good: rc.Good, NewPersons: rc.NewPersons}
	for _, l := range rc.Lines {
		if len(l.Reasons) > 0 {
			d.Refused = append(d.Refused, schoolRosterCheckLine{Line: l.Line, Name: l.Name, MaskedID: maskTyped(l.IDNumber),
				Major: l.MajorCode, Reasons: s.rosterReasons(r, l.Reasons)})
		}
	}
	s.render(w, r, http.StatusOK, "school_roster_import_check", s.schoolRosterView(r, d))
}

// schoolRosterCommit enrols every row of a file kept by its dry run, or nothing.
func (s *Server) schoolRosterCommit(w http.ResponseWriter, r *http.Request) {
	upload, err := pathID(r, "rosterimport")
	var res store.SchoolRosterImported
	if err == nil {
		res, err = commitKept(s, r, upload, store.UploadSchoolRoster, 0, schoolRosterLines,
			func(tx *store.Tx, a xiangpei.Actor, lines []store.SchoolRosterLine) (store.SchoolRosterImported, error) {
				return tx.CommitSchoolRoster(a.Scope(), upload, lines)
			})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"school_roster_import", func() (*Page, error) { return s.schoolRosterView(r, schoolRosterData{}), nil }})
		return
	}
	numbers := make([]string, 0, len(res.Students))
	for _, st := range res.Students {
		numbers = append(numbers, st.Number)
	}
	answer(w, r, http.StatusOK, map[string]any{"import_id": res.ImportID, "upload_id": upload, "enrolled": res.Enrolled,
		"new_persons": res.NewPersons, "student_numbers": numbers}, "/school/students", "school_roster_imported")
}

// schoolRosterTemplate is the registry roster template: the header and one made-up row, the ID
// number, major code, year, date and phone columns formatted as text.
func (s *Server) schoolRosterTemplate(w http.ResponseWriter, r *http.Request) {
	header := make([]string, 0, len(schoolRosterColumns))
	for _, c := range schoolRosterColumns {
		header = append(header, c.Names[0])
	}
	rows := [][]any{{"11010520090101002X", "张三", "0401", "2026", "2026-09-01", ""}}
	s.download(w, r, "school-roster-template.xlsx", "学籍名册导入模板.xlsx", "学籍名册", header, rows, sheet.Options{TextCols: []int{1, 3, 4, 5, 6},
		Widths: map[int]float64{1: 22, 2: 10, 3: 10, 4: 10, 5: 14, 6: 14}})
}
