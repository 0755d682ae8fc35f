package store

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
)

// 就业跟踪 — importing social-insurance contribution files (docs/employment-followup.md): one
// row per person, employer, month and insurance (身份证号, 姓名, 单位名称, 统一社会信用代码, 缴费月份,
// 险种, 缴费基数). A dry run names every bad row with its line and reason; the commit writes
// every row or none, in one transaction. Consecutive months with one employer make one spell,
// stored both as an employment record (source insurance_import, verified) and as the
// insurance_records row the claim audit and the staged payment read, under the same id. A
// file already imported (same SHA-256) is refused; months already known are skipped, so a
// later file with overlapping months only extends the spells.

// UploadInsurance is the purpose of a contribution file kept between its dry run and commit.
const UploadInsurance = "insurance"

// MaxInsuranceLines is the most data rows a contribution file may have.
const MaxInsuranceLines = 20000

// InsuranceKinds maps the names of the 险种 column to the kinds stored.
var InsuranceKinds = map[string]string{
	"养老": "pension", "养老保险": "pension", "基本养老保险": "pension", "企业职工基本养老保险": "pension", "pension": "pension",
	"医疗": "medical", "医疗保险": "medical", "基本医疗保险": "medical", "职工基本医疗保险": "medical", "medical": "medical",
	"失业": "unemployment", "失业保险": "unemployment", "unemployment": "unemployment",
	"工伤": "injury", "工伤保险": "injury", "injury": "injury",
	"生育": "maternity", "生育保险": "maternity", "maternity": "maternity",
}

// InsuranceLine is one data row of a contribution file, with its line in the file.
type InsuranceLine struct {
	Line       int
	IDNumber   string
	Name       string
	Employer   string
	CreditCode string
	Month      string
	Kind       string
	Base       string
	Lossy      bool // the ID number was stored as a number and lost its last digits
}

// InsuranceLineCheck is what the check found for one line.
type InsuranceLineCheck struct {
	InsuranceLine
	PersonID int64
	Code     string // the credit code, upper case
	MonthKey string // YYYY-MM
	KindKey  string // pension, medical, ...
	BaseFen  int64
	Known    bool // this month of this insurance is already imported: skipped
	Reasons  []*xiangpei.Error
}

// InsuranceCheck is the check of a whole contribution file.
type InsuranceCheck struct {
	SHA256  string
	Lines   []InsuranceLineCheck
	Good    int
	Refused int
	Known   int
}

// parseContributionMonth reads 缴费月份: YYYYMM (also YYYY-MM or YYYY/MM), not after this month.
func parseContributionMonth(s string, now time.Time) (string, bool) {
	s = strings.NewReplacer("-", "", "/", "", ".", "", "年", "", "月", "").Replace(strings.TrimSpace(s))
	if len(s) == 5 { // 2026年3月 → 20263
		s = s[:4] + "0" + s[4:]
	}
	t, err := time.ParseInLocation("200601", s, xiangpei.ChinaTime)
	if err != nil || t.Year() < 1990 {
		return "", false
	}
	key := t.Format("2006-01")
	return key, key <= now.In(xiangpei.ChinaTime).Format("2006-01")
}

// CheckInsuranceImport checks every line of a contribution file without changing anything:
// the file not imported before, the ID number (and whether a spreadsheet cut its digits), a
// person of that number registered in the officer's region, the name, the employer's name and
// credit code, the month, the insurance, the base, and the same row twice in the file.
func (tx *Tx) CheckInsuranceImport(s xiangpei.Scope, sha string, lines []InsuranceLine) (InsuranceCheck, error) {
	if err := tx.followUpOfficer(s); err != nil {
		return InsuranceCheck{}, err
	}
	if len(lines) == 0 {
		return InsuranceCheck{}, xiangpei.Errorf(xiangpei.Invalid, "followup.import_empty", "The file has a header row but no contributions below it.")
	}
	if len(lines) > MaxInsuranceLines {
		return InsuranceCheck{}, xiangpei.Errorf(xiangpei.TooLarge, "sheet.too_many_rows", "The file has more than %v rows. Split it into smaller files.", MaxInsuranceLines)
	}
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM insurance_imports WHERE sha256 = $1`, sha).Scan(&n); err != nil {
		return InsuranceCheck{}, err
	}
	if n > 0 {
		return InsuranceCheck{}, errSameInsuranceFile()
	}
	ids := make([]string, 0, len(lines))
	for _, l := range lines {
		ids = append(ids, strings.ToUpper(strings.TrimSpace(l.IDNumber)))
	}
	type reg struct {
		id           int64
		name, county string
	}
	persons := map[string]reg{}
	if err := eachChunk(tx.ctx, tx.tx, `SELECT id, id_number, name, county FROM persons WHERE id_number IN (`+inList1+`)`, distinct(ids), "", nil,
		func(r scanner) error {
			var p reg
			var num string
			if err := r.Scan(&p.id, &num, &p.name, &p.county); err != nil {
				return err
			}
			persons[num] = p
			return nil
		}); err != nil {
		return InsuranceCheck{}, err
	}
	ic := InsuranceCheck{SHA256: sha}
	seen := map[string]int{}
	var pids []int64
	for _, line := range lines {
		lc := InsuranceLineCheck{InsuranceLine: line}
		bad := func(key, format string, args ...any) {
			lc.Reasons = append(lc.Reasons, xiangpei.Errorf(xiangpei.Invalid, key, format, args...))
		}
		id, idErr := xiangpei.ParseIDNumber(strings.ToUpper(strings.TrimSpace(line.IDNumber)), tx.Now)
		p, known := persons[string(id)]
		switch {
		case line.Lossy:
			bad("roster.id_lossy", "The ID number was stored as a number and lost its last digits. Format the ID number column as text, type the numbers again and save.")
		case idErr != nil:
			bad("followup.import_bad_id", "The ID number is not valid (wrong length, date or check digit).")
		case !known || !s.Covers(p.county):
			bad("followup.import_unknown", "Nobody with this ID number is registered in your region.")
		default:
			if strings.TrimSpace(line.Name) != p.name {
				bad("followup.import_name", "The name differs from the registered name of this ID number, %v.", p.name)
			}
			lc.PersonID = p.id
		}
		if strings.TrimSpace(line.Employer) == "" {
			bad("followup.import_employer", "The employer's name (单位名称) is missing.")
		}
		code, ok, err := xiangpei.ParseCreditCode(line.CreditCode)
		if err != nil || !ok {
			bad("followup.import_code", "The unified social credit code %q is not valid.", strings.TrimSpace(line.CreditCode))
		}
		lc.Code = string(code)
		month, ok := parseContributionMonth(line.Month, tx.Now)
		if !ok {
			bad("followup.import_month", "The month %q is not a month like 202603, or it is in the future.", strings.TrimSpace(line.Month))
		}
		lc.MonthKey = month
		kind, ok := InsuranceKinds[strings.TrimSpace(line.Kind)]
		if !ok {
			bad("followup.import_kind", "The insurance %q is not one of 养老, 医疗, 失业, 工伤, 生育.", strings.TrimSpace(line.Kind))
		}
		lc.KindKey = kind
		fen, ok := xiangpei.ParseFen(strings.ReplaceAll(strings.TrimSpace(line.Base), ",", ""))
		if !ok || fen <= 0 {
			bad("followup.import_base", "The contribution base %q is not an amount in yuan above zero.", strings.TrimSpace(line.Base))
		}
		lc.BaseFen = fen
		if len(lc.Reasons) == 0 {
			key := string(id) + "|" + lc.Code + "|" + month + "|" + kind
			if first, dup := seen[key]; dup {
				bad("followup.import_duplicate", "The same person, employer, month and insurance is already on line %v of the file.", first)
			} else {
				seen[key] = line.Line
			}
		}
		if len(lc.Reasons) == 0 {
			ic.Good++
			pids = append(pids, lc.PersonID)
		} else {
			ic.Refused++
		}
		ic.Lines = append(ic.Lines, lc)
	}
	// months already imported are skipped
	have := map[string]bool{}
	if err := eachChunk(tx.ctx, tx.tx, `SELECT person_id, credit_code, month, kind FROM insurance_contributions WHERE person_id IN (`+inList1+`)`,
		distinct(pids), 0, nil, func(r scanner) error {
			var pid int64
			var code, month, kind string
			if err := r.Scan(&pid, &code, &month, &kind); err != nil {
				return err
			}
			have[contributionKey(pid, code, month, kind)] = true
			return nil
		}); err != nil {
		return InsuranceCheck{}, err
	}
	for i, l := range ic.Lines {
		if len(l.Reasons) == 0 && have[contributionKey(l.PersonID, l.Code, l.MonthKey, l.KindKey)] {
			ic.Lines[i].Known = true
			ic.Known++
		}
	}
	return ic, nil
}

func contributionKey(pid int64, code, month, kind string) string {
	return strings.Join([]string{strconv.FormatInt(pid, 10), code, month, kind}, "|")
}

func errSameInsuranceFile() error {
	return xiangpei.Errorf(xiangpei.Conflict, "followup.import_same_file", "This very file has already been imported; nothing was imported again.")
}

// RecordInsuranceCheck audits the dry run of an upload.
func (tx *Tx) RecordInsuranceCheck(u Upload, ic InsuranceCheck) error {
	return tx.Audit("insurance.import_check", "upload", u.ID, tx.Actor.Region, map[string]any{"name": u.Name, "sha256": u.SHA256,
		"good": ic.Good, "refused": ic.Refused, "known": ic.Known})
}

// InsuranceImported is what a committed contribution import wrote.
type InsuranceImported struct {
	ImportID  int64
	Lines     int
	NewMonths int // contribution rows stored
	Known     int // rows already imported before: skipped
	Spells    int // employment records made or extended
	Verified  int // self-reports verified by a matching spell
}

// spellKey is one person with one employer.
type spellKey struct {
	person int64
	code   string
}

// CommitInsuranceImport writes every line of an upload's contribution file in one
// transaction, or nothing: the lines are checked again and a file with any bad row is refused
// whole. The same file is imported once (by SHA-256, also against a race of two commits).
func (tx *Tx) CommitInsuranceImport(s xiangpei.Scope, uploadID int64, lines []InsuranceLine) (InsuranceImported, error) {
	var res InsuranceImported
	u, err := tx.takeUpload(uploadID, UploadInsurance, 0)
	if err != nil {
		return res, err
	}
	ic, err := tx.CheckInsuranceImport(s, u.SHA256, lines)
	if err != nil {
		return res, err
	}
	if ic.Refused > 0 {
		return res, xiangpei.Errorf(xiangpei.Invalid, "followup.import_has_bad_rows", "%v rows of the file are wrong, so nothing was imported: correct them and check the file again.", ic.Refused)
	}
	now := tx.Now.Truncate(time.Microsecond)
	res.ImportID, res.Lines, res.Known = xiangpei.NewID(), len(ic.Lines), ic.Known
	if _, err := tx.exec(`INSERT INTO insurance_imports (id, sha256, name, region, line_count, new_months, account_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, res.ImportID, u.SHA256, u.Name, s.Region, len(ic.Lines), len(ic.Lines)-ic.Known,
		tx.Actor.AccountID, now); err != nil {
		if err = mapError(err, "Import"); xiangpei.IsKind(err, xiangpei.Conflict) {
			return InsuranceImported{}, errSameInsuranceFile()
		}
		return InsuranceImported{}, err
	}
	touched := map[spellKey]string{} // → the employer's name on the latest row
	latest := map[spellKey]string{}
	for _, l := range ic.Lines {
		k := spellKey{l.PersonID, l.Code}
		if l.MonthKey >= latest[k] {
			latest[k], touched[k] = l.MonthKey, strings.TrimSpace(l.Employer)
		}
		if l.Known {
			continue
		}
		if _, err := tx.exec(`INSERT INTO insurance_contributions (id, import_id, person_id, credit_code, employer_name, month, kind, base_fen, record_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)`, xiangpei.NewID(), res.ImportID, l.PersonID, l.Code, strings.TrimSpace(l.Employer),
			l.MonthKey, l.KindKey, l.BaseFen); err != nil {
			return InsuranceImported{}, mapError(err, "Contribution")
		}
		res.NewMonths++
	}
	keys := make([]spellKey, 0, len(touched))
	for k := range touched {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b spellKey) int { return cmp.Or(cmp.Compare(a.person, b.person), cmp.Compare(a.code, b.code)) })
	for _, k := range keys {
		n, v, err := tx.rebuildSpells(k, touched[k])
		if err != nil {
			return InsuranceImported{}, err
		}
		res.Spells += n
		res.Verified += v
	}
	if err := tx.Audit("insurance.import", "insurance_import", res.ImportID, s.Region, map[string]any{"upload": uploadID, "sha256": u.SHA256,
		"lines": res.Lines, "new_months": res.NewMonths, "known": res.Known, "spells": res.Spells, "verified": res.Verified}); err != nil {
		return InsuranceImported{}, err
	}
	return res, nil
}

// rebuildSpells recomputes the spells of one person with one employer from every month
// imported: each run of consecutive months is one spell from the first day of its first month
// to the last day of its last, full-time when a pension contribution was paid in it. A run
// keeps the oldest record it already had (extended); records of runs that merged are removed.
// Self-reports of the person with this credit code that overlap a spell become verified.
func (tx *Tx) rebuildSpells(k spellKey, employer string) (spells, verified int, err error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT month, kind, record_id FROM insurance_contributions WHERE person_id = $1 AND credit_code = $2
		ORDER BY month, kind`, k.person, k.code)
	if err != nil {
		return 0, 0, err
	}
	type month struct {
		m        string
		pension  bool
		recordID int64
	}
	var months []month
	if _, err := collect(rows, func(r scanner) (int, error) {
		var m, kind string
		var rec int64
		if err := r.Scan(&m, &kind, &rec); err != nil {
			return 0, err
		}
		if len(months) > 0 && months[len(months)-1].m == m {
			last := &months[len(months)-1]
			last.pension = last.pension || kind == "pension"
			last.recordID = max(last.recordID, rec)
			return 0, nil
		}
		months = append(months, month{m, kind == "pension", rec})
		return 0, nil
	}); err != nil {
		return 0, 0, err
	}
	var empID int64
	county := ""
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT id, county FROM organisations WHERE credit_code = $1`, k.code).Scan(&empID, &county); err != nil {
		// not on the platform: the registration authority's region in the code (characters 3–8)
		county = k.code[2:8]
	}
	now := tx.Now.Truncate(time.Microsecond)
	for i := 0; i < len(months); {
		j := i
		for j+1 < len(months) && nextMonth(months[j].m) == months[j+1].m {
			j++
		}
		run := months[i : j+1]
		i = j + 1
		var ids []int64
		full := false
		for _, m := range run {
			full = full || m.pension
			if m.recordID != 0 && !slices.Contains(ids, m.recordID) {
				ids = append(ids, m.recordID)
			}
		}
		slices.Sort(ids)
		starts := run[0].m + "-01"
		ends := xiangpei.ChinaDate(xiangpei.AddMonths(parseDay(run[len(run)-1].m+"-01"), 1).AddDate(0, 0, -1))
		var keep int64
		changed := true
		if len(ids) == 0 {
			keep = xiangpei.NewID()
			if _, err := tx.exec(`INSERT INTO employment_records (id, person_id, employer_id, employer_name, credit_code, occupation, county, source,
				starts_on, ends_on, full_time, verified, created_at, entered_by, verified_by, verified_at)
				VALUES ($1, $2, $3, $4, $5, '', $6, 'insurance_import', $7, $8, $9, TRUE, $10, $11, 0, $10)`,
				keep, k.person, nullID(empID), employer, k.code, county, starts, ends, full, now, tx.Actor.AccountID); err != nil {
				return 0, 0, mapError(err, "Employment record")
			}
			if _, err := tx.exec(`INSERT INTO insurance_records (id, person_id, employer, full_time, starts_on, ends_on, imported_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, keep, k.person, employer, full, starts, ends, now); err != nil {
				return 0, 0, mapError(err, "Insurance record")
			}
		} else {
			keep = ids[0]
			var oldStart, oldEnd string
			var oldFull bool
			if err := tx.tx.QueryRowContext(tx.ctx, `SELECT starts_on, ends_on, full_time FROM employment_records WHERE id = $1`, keep).
				Scan(&oldStart, &oldEnd, &oldFull); err != nil {
				return 0, 0, err
			}
			changed = oldStart != starts || oldEnd != ends || oldFull != full || len(ids) > 1
			if changed {
				if _, err := tx.exec(`UPDATE employment_records SET employer_name = $2, starts_on = $3, ends_on = $4, full_time = $5 WHERE id = $1`,
					keep, employer, starts, ends, full); err != nil {
					return 0, 0, err
				}
				if _, err := tx.exec(`UPDATE insurance_records SET employer = $2, starts_on = $3, ends_on = $4, full_time = $5, imported_at = $6 WHERE id = $1`,
					keep, employer, starts, ends, full, now); err != nil {
					return 0, 0, err
				}
			}
			for _, gone := range ids[1:] {
				for _, q := range []string{`DELETE FROM employment_records WHERE id = $1 AND source = 'insurance_import'`,
					`DELETE FROM insurance_records WHERE id = $1`} {
					if _, err := tx.exec(q, gone); err != nil {
						return 0, 0, err
					}
				}
			}
		}
		if _, err := tx.exec(`UPDATE insurance_contributions SET record_id = $1 WHERE person_id = $2 AND credit_code = $3
			AND month >= $4 AND month <= $5`, keep, k.person, k.code, run[0].m, run[len(run)-1].m); err != nil {
			return 0, 0, err
		}
		if changed {
			spells++
		}
		res, err := tx.exec(`UPDATE employment_records SET verified = TRUE, verified_by = 0, verified_at = $1 WHERE person_id = $2
			AND source = 'self_report' AND NOT verified AND rejected_reason = '' AND credit_code = $3 AND starts_on <= $4 AND (ends_on = '' OR ends_on >= $5)`,
			now, k.person, k.code, ends, starts)
		if err != nil {
			return 0, 0, err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			verified += int(n)
			if _, err := tx.NotifyPerson(k.person, "您报告的就业信息（"+employer+"）已由社保缴费记录核验。"); err != nil {
				return 0, 0, err
			}
		}
	}
	return spells, verified, nil
}

// nextMonth is the month after m (YYYY-MM).
func nextMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}
