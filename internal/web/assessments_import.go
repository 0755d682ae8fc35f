package web

import (
	"bytes"
	"fmt"
	"net/http"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 评 — importing a plan's results (身份证号, 姓名, 理论成绩, 实操成绩; 缺考 in a score cell for an
// absent candidate) in two steps: the dry run names every bad row with its line and reason,
// and the commit writes every row or, when any row is bad, none.

var resultColumns = []sheet.Column{
	{Key: "id", Names: []string{"身份证号", "公民身份号码", "身份证号码", "ID number"}, Required: true, Kind: sheet.Number},
	{Key: "name", Names: []string{"姓名", "Name"}, Required: true},
	{Key: "theory", Names: []string{"理论成绩", "理论", "Theory"}, Required: true},
	{Key: "practical", Names: []string{"实操成绩", "实操", "技能成绩", "Practical"}, Required: true},
}

func resultFileLimits() sheet.Limits {
	lim := sheet.DefaultLimits()
	lim.MaxRows = store.MaxResultLines
	return lim
}

// resultLines reads a results file into the store's lines.
func resultLines(data []byte, name string) ([]store.ResultLine, error) {
	tb, err := sheet.Read(bytes.NewReader(data), name, resultFileLimits(), resultColumns)
	if err != nil {
		return nil, err
	}
	lines := make([]store.ResultLine, 0, len(tb.Rows))
	for _, row := range tb.Rows {
		lines = append(lines, store.ResultLine{Line: row.Line, IDNumber: row.Values["id"], Name: row.Values["name"],
			Theory: row.Values["theory"], Practical: row.Values["practical"], Lossy: row.Lossy["id"]})
	}
	return lines, nil
}

type resultCheckLine struct {
	Line     int
	Name     string
	MaskedID string
	Reasons  []string
}

type resultsImportData struct {
	Plan    xiangpei.Plan
	MaxRows int
	Checked bool
	Name    string
	Upload  int64
	Good    int
	Refused []resultCheckLine
}

func (s *Server) resultsImportView(r *http.Request, p xiangpei.Plan, d resultsImportData) *Page {
	d.Plan, d.MaxRows = p, store.MaxResultLines
	return s.page(r, s.msg.T(stateOf(r).lang, "assess.import_title", p.OccupationName), d)
}

func (s *Server) resultsImportPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.planOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "assessment_import", s.resultsImportView(r, p, resultsImportData{}))
}

func (s *Server) resultsCheckJSON(r *http.Request, rc store.ResultCheck, upload int64) map[string]any {
	rows := jsonList(rc.Lines, func(l store.ResultLineCheck) map[string]any {
		return map[string]any{"line": l.Line, "ok": len(l.Reasons) == 0, "name": l.Name, "id_number": maskTyped(l.IDNumber),
			"candidate_id": l.CandidateID, "result": l.Result, "reasons": s.rosterReasonsJSON(r, l.Reasons)}
	})
	return map[string]any{"plan_id": rc.Plan.ID, "upload_id": upload, "good": rc.Good, "refused": rc.Refused, "rows": rows,
		"commit": fmt.Sprintf("/api/v1/assessments/%d/import/%d/commit", rc.Plan.ID, upload)}
}

// resultsImportCheck is the dry run: every line is checked and nothing is written; the file
// is kept for the commit.
func (s *Server) resultsImportCheck(w http.ResponseWriter, r *http.Request) {
	p, err := s.planOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	again := &formPage{"assessment_import", func() (*Page, error) { return s.resultsImportView(r, p, resultsImportData{}), nil }}
	rc, u, err := dryRun(s, r, resultFileLimits().MaxBytes,
		xiangpei.Errorf(xiangpei.Invalid, "assess.import_no_file", "Choose the results file (.xlsx or .csv) to upload."), resultLines,
		store.Upload{Purpose: store.UploadResults, ClassID: p.ID, OrgID: p.OrgID},
		func(tx *store.Tx, a xiangpei.Actor, u store.Upload, lines []store.ResultLine) (store.ResultCheck, error) {
			rc, err := tx.CheckResultsImport(a.Scope(), p.ID, lines)
			if err != nil {
				return rc, err
			}
			return rc, tx.RecordResultsCheck(u, rc)
		})
	if err != nil {
		s.formError(w, r, err, again)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, s.resultsCheckJSON(r, rc, u.ID))
		return
	}
	d := resultsImportData{Checked: true, Name: u.Name, Upload: u.ID, Good: rc.Good}
	for _, l := range rc.Lines {
		if len(l.Reasons) > 0 {
			d.Refused = append(d.Refused, resultCheckLine{Line: l.Line, Name: l.Name, MaskedID: maskTyped(l.IDNumber),
				Reasons: s.rosterReasons(r, l.Reasons)})
		}
	}
	s.render(w, r, http.StatusOK, "assessment_import_check", s.resultsImportView(r, p, d))
}

// resultsImportCommit writes every row of a file kept by its dry run, or nothing.
func (s *Server) resultsImportCommit(w http.ResponseWriter, r *http.Request) {
	p, upload, err := loadChild(r, s.planOf, "id", nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := commitKept(s, r, upload, store.UploadResults, p.ID, resultLines,
		func(tx *store.Tx, a xiangpei.Actor, lines []store.ResultLine) (store.ImportedResults, error) {
			return tx.CommitResultsImport(a.Scope(), p.ID, upload, lines)
		})
	if err != nil {
		s.formError(w, r, err, &formPage{"assessment_import", func() (*Page, error) { return s.resultsImportView(r, p, resultsImportData{}), nil }})
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"plan_id": p.ID, "upload_id": upload, "written": res.Written, "pass": res.Pass,
		"fail": res.Fail, "absent": res.Absent}, planPath(p.ID), "results_imported")
}

// resultsTemplate is the results file template: the header and one made-up example row, the
// ID number column formatted as text.
func (s *Server) resultsTemplate(w http.ResponseWriter, r *http.Request) {
	header := []string{"身份证号", "姓名", "理论成绩", "实操成绩"}
	rows := [][]any{{"11010519491231002X", "张三", "85.5", "缺考"}}
	s.download(w, r, "results-template.xlsx", "认定成绩导入模板.xlsx", "成绩", header, rows, sheet.Options{TextCols: []int{1, 3, 4},
		Widths: map[int]float64{1: 22, 2: 12, 3: 12, 4: 12}})
}
