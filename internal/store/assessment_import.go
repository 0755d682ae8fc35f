package store

import (
	"strings"

	"xiangpei"
)

// 评 — importing a plan's results from a spreadsheet (身份证号, 姓名, 理论成绩, 实操成绩): a dry run
// names every bad row with its line and reason, and the commit writes every row or none. The
// file is kept between the two as an upload (purpose "results", its ClassID field holding the
// plan's id) and read again at commit.

// UploadResults is the purpose of a results file kept between its dry run and its commit.
const UploadResults = "results"

// MaxResultLines is the most data rows a results file may have (a plan has at most 1000 places).
const MaxResultLines = 1000

// Absent is what a score cell says for a candidate who did not sit the exam.
const Absent = "缺考"

// ResultLine is one data row of a results file, with its line in the file.
type ResultLine struct {
	Line      int
	IDNumber  string
	Name      string
	Theory    string
	Practical string
	Lossy     bool // the ID number was stored as a number and lost its last digits
}

// ResultLineCheck is what the check found for one line: the candidate it names and their
// result, or why it is refused.
type ResultLineCheck struct {
	ResultLine
	CandidateID int64
	Entry       ScoreEntry
	Result      xiangpei.Result
	Reasons     []*xiangpei.Error
}

// ResultCheck is the check of a whole results file against a plan.
type ResultCheck struct {
	Plan    xiangpei.Plan
	Lines   []ResultLineCheck
	Good    int
	Refused int
}

func resultAbsent(s string) bool {
	s = strings.TrimSpace(s)
	return s == Absent || strings.EqualFold(s, "absent")
}

// CheckResultsImport checks every line of a results file against a plan of the body within
// scope, without changing anything: the ID number (and whether a spreadsheet cut its digits),
// an accepted candidate of this plan with that number, the name, the two scores (or 缺考), and
// the same candidate twice in the file.
func (tx *Tx) CheckResultsImport(s xiangpei.Scope, planID int64, lines []ResultLine) (ResultCheck, error) {
	p, err := tx.Plan(s, planID)
	if err != nil {
		return ResultCheck{}, err
	}
	if err := checkScoresOpen(s, p, tx.Now); err != nil {
		return ResultCheck{}, err
	}
	if len(lines) == 0 {
		return ResultCheck{}, xiangpei.Errorf(xiangpei.Invalid, "assess.import_empty", "The file has a header row but no results below it.")
	}
	if len(lines) > MaxResultLines {
		return ResultCheck{}, xiangpei.Errorf(xiangpei.TooLarge, "sheet.too_many_rows", "The file has more than %v rows. Split it into smaller files.", MaxResultLines)
	}
	cands, err := tx.planCandidates(planID)
	if err != nil {
		return ResultCheck{}, err
	}
	byID := map[xiangpei.IDNumber]CandidateRow{}
	for _, c := range cands {
		byID[c.IDNumber] = c
	}
	rc := ResultCheck{Plan: p}
	seen := map[int64]int{}
	for _, line := range lines {
		lc := ResultLineCheck{ResultLine: line}
		bad := func(key, format string, args ...any) {
			lc.Reasons = append(lc.Reasons, xiangpei.Errorf(xiangpei.Invalid, key, format, args...))
		}
		id, idErr := xiangpei.ParseIDNumber(strings.ToUpper(strings.TrimSpace(line.IDNumber)), tx.Now)
		c, known := byID[id]
		switch {
		case line.Lossy:
			bad("roster.id_lossy", "The ID number was stored as a number and lost its last digits. Format the ID number column as text, type the numbers again and save.")
		case idErr != nil:
			bad("assess.import_bad_id", "The ID number is not valid.")
		case !known || c.Status != xiangpei.CandidateAccepted:
			bad("assess.import_unknown", "Nobody with this ID number is an accepted candidate of this plan.")
		default:
			if first, dup := seen[c.ID]; dup {
				bad("assess.import_duplicate", "The same candidate is already on line %v of the file.", first)
			} else {
				seen[c.ID] = line.Line
			}
			if strings.TrimSpace(line.Name) != c.Name {
				bad("assess.import_name", "The name differs from the candidate's registered name, %v.", c.Name)
			}
			lc.CandidateID = c.ID
		}
		lc.Entry = ScoreEntry{CandidateID: lc.CandidateID}
		if resultAbsent(line.Theory) || resultAbsent(line.Practical) {
			lc.Entry.Absent, lc.Result = true, xiangpei.ResultAbsent
		} else {
			theory, terr := xiangpei.ParseScore(line.Theory)
			if terr != nil {
				bad("assess.import_theory", "The theory score %q is not a score from 0 to 100 with at most one decimal, nor 缺考.", line.Theory)
			}
			practical, perr := xiangpei.ParseScore(line.Practical)
			if perr != nil {
				bad("assess.import_practical", "The practical score %q is not a score from 0 to 100 with at most one decimal, nor 缺考.", line.Practical)
			}
			if terr == nil && perr == nil {
				lc.Entry.Theory, lc.Entry.Practical = theory, practical
				lc.Result = xiangpei.Judge(theory, practical, p.PassTheory, p.PassPractical)
			}
		}
		if len(lc.Reasons) == 0 {
			rc.Good++
		} else {
			rc.Refused++
		}
		rc.Lines = append(rc.Lines, lc)
	}
	return rc, nil
}

// RecordResultsCheck audits the dry run of an upload.
func (tx *Tx) RecordResultsCheck(u Upload, rc ResultCheck) error {
	return tx.Audit("plan.import_check", "assessment_plan", rc.Plan.ID, rc.Plan.County, map[string]any{"upload": u.ID,
		"good": rc.Good, "refused": rc.Refused})
}

// ImportedResults is what a committed results import wrote.
type ImportedResults struct {
	Written int
	Pass    int
	Fail    int
	Absent  int
}

// CommitResultsImport writes every line of an upload's file, in one transaction, or nothing:
// the lines are checked again, and a file with any bad row is refused whole (fix the rows and
// check the file again). An upload commits once; a second commit is a Conflict.
func (tx *Tx) CommitResultsImport(s xiangpei.Scope, planID, uploadID int64, lines []ResultLine) (ImportedResults, error) {
	var res ImportedResults
	if _, err := tx.takeUpload(uploadID, UploadResults, planID); err != nil {
		return res, err
	}
	rc, err := tx.CheckResultsImport(s, planID, lines)
	if err != nil {
		return res, err
	}
	if rc.Refused > 0 {
		return res, xiangpei.Errorf(xiangpei.Invalid, "assess.import_has_bad_rows", "%v rows of the file are wrong, so nothing was imported: correct them and check the file again.", rc.Refused)
	}
	cands, err := tx.planCandidates(planID)
	if err != nil {
		return res, err
	}
	byID := map[int64]CandidateRow{}
	for _, c := range cands {
		byID[c.ID] = c
	}
	for _, lc := range rc.Lines {
		if err := tx.writeScore(rc.Plan, byID[lc.CandidateID], lc.Entry); err != nil {
			return ImportedResults{}, err
		}
		res.Written++
		switch lc.Result {
		case xiangpei.ResultPass:
			res.Pass++
		case xiangpei.ResultFail:
			res.Fail++
		case xiangpei.ResultAbsent:
			res.Absent++
		}
	}
	if err := tx.Audit("plan.import", "assessment_plan", planID, rc.Plan.County, map[string]any{"upload": uploadID,
		"written": res.Written, "pass": res.Pass, "fail": res.Fail, "absent": res.Absent}); err != nil {
		return ImportedResults{}, err
	}
	return res, nil
}
