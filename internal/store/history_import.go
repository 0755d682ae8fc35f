package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
)

// 历史数据迁入 — the history import (docs/history-import.md). CheckHistory reads a file set,
// checks every row on its own (xiangpei.ParseHist*), against the other files, against the rows
// earlier imports brought in (external_refs) and against what is recorded (an ID number or a
// credit code already registered is that person or organisation, reused and said so), and
// reports per file what would be created and what matches, with every bad row. CommitHistory
// checks again and, only when no row is bad, writes everything in one transaction, in batches.

// UploadHistory is the purpose of a history file set kept between its dry run and its commit.
const UploadHistory = "history"

// HistoryProblem is a bad row (Line 0: the file as a whole), or a note about a row.
type HistoryProblem struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Key  string `json:"key"`
	Args []any  `json:"args,omitempty"`
	Text string `json:"text"`
}

// Err is the problem as the domain error it came from, for translation.
func (p HistoryProblem) Err() *xiangpei.Error {
	return &xiangpei.Error{Kind: xiangpei.Invalid, Key: p.Key, Args: p.Args, Text: p.Text}
}

// HistoryFileCount is what the check found in one file.
type HistoryFileCount struct {
	File   string `json:"file"`
	Read   int    `json:"read"`   // data rows
	Create int    `json:"create"` // rows that would be created
	Match  int    `json:"match"`  // rows already here: imported before, or the same person or organisation
	Bad    int    `json:"bad"`
}

// HistoryReport is the outcome of a dry run (and, once committed, of the commit).
type HistoryReport struct {
	UploadID     int64              `json:"upload_id,omitempty"`
	Source       string             `json:"source"`
	SHA256       string             `json:"sha256,omitempty"`
	Files        []HistoryFileCount `json:"files"`
	Problems     []HistoryProblem   `json:"problems"`
	Notes        []HistoryProblem   `json:"notes"`
	NotesOmitted int                `json:"notes_omitted,omitempty"`
	Clean        bool               `json:"clean"`
	CheckedAt    time.Time          `json:"checked_at"`
	CommittedAt  time.Time          `json:"committed_at,omitzero"`
	Written      map[string]int     `json:"written,omitempty"` // rows written per table, once committed
}

// maxHistoryNotes bounds the notes kept in a report; problems are all kept.
const maxHistoryNotes = 500

// MaxHistoryProblems bounds the bad rows kept in a report: past it, the report says how many
// more there were (a file set this broken is fixed at its source, not row by row).
const MaxHistoryProblems = 100000

// ---- the plan: rows with what the check decided ----

type rowState uint8

const (
	rowCreate rowState = iota
	rowMatch
	rowBad
)

type histFile[T any] struct {
	rows  []T
	line  []int
	ext   []string
	state []rowState
	id    []int64        // internal id: new for rowCreate, existing for rowMatch
	index map[string]int // ext_id → row
	known map[string]int64
	// known: ext_ids of this file's kind that earlier imports brought in (also those only referred to)
}

func (f *histFile[T]) add(line int, ext string, row T) int {
	f.rows, f.line, f.ext = append(f.rows, row), append(f.line, line), append(f.ext, ext)
	f.state, f.id = append(f.state, rowCreate), append(f.id, 0)
	return len(f.rows) - 1
}

// ref resolves an ext_id of this file's kind: the row of this set (ok only if the row is good),
// else an earlier import's internal id.
func (f *histFile[T]) ref(ext string) (row int, id int64, ok bool) {
	if i, in := f.index[ext]; in {
		return i, f.id[i], f.state[i] != rowBad
	}
	if id, in := f.known[ext]; in {
		return -1, id, true
	}
	return -1, 0, false
}

type histPlan struct {
	source   string
	report   *HistoryReport
	counts   map[string]*HistoryFileCount
	orgs     histFile[xiangpei.HistOrg]
	persons  histFile[xiangpei.HistPerson]
	classes  histFile[xiangpei.HistClass]
	sessions histFile[xiangpei.HistSession]
	trainees histFile[xiangpei.HistTrainee]
	events   histFile[xiangpei.HistEvent]
	certs    histFile[xiangpei.HistCertificate]
	insur    histFile[xiangpei.HistInsurance]
	subs     histFile[xiangpei.HistSubsidy]
	// derived for the commit
	orgOf      map[int64]histOrgInfo // internal org id → what classes need
	classOrg   []int64               // per class row
	classCty   []string
	classFirst []time.Time
	classLast  []time.Time
	classMins  [2][]int // theory, practice minutes per class row
	venueOf    []int64
	sessClass  []int // per session row: class row
	sessSeq    []int
	sessTeach  []int64
	newTeach   []xiangpei.Teacher
	traineeOf  map[[2]int64]bool // (class id, person id) on roster
	evSession  []int             // per event row: session row
	evPerson   []int64
	trPerson   []int64
	trClass    []int
	certPerson []int64
	certIssuer []int64
	certCounty []string
	insPerson  []int64
	subPerson  []int64
	subClass   []int64
	orgSanct   []int // org rows whose blacklist is written
	perSanct   []int
}

type histOrgInfo struct {
	kind   xiangpei.OrgKind
	county string
}

func (p *histPlan) problem(file string, line int, errs ...*xiangpei.Error) {
	for _, e := range errs {
		if len(p.report.Problems) >= MaxHistoryProblems {
			p.report.NotesOmitted++
			continue
		}
		p.report.Problems = append(p.report.Problems, HistoryProblem{File: file, Line: line, Key: e.Key, Args: e.Args, Text: e.Text})
	}
}

func (p *histPlan) note(file string, line int, e *xiangpei.Error) {
	if len(p.report.Notes) >= maxHistoryNotes {
		p.report.NotesOmitted++
		return
	}
	p.report.Notes = append(p.report.Notes, HistoryProblem{File: file, Line: line, Key: e.Key, Args: e.Args, Text: e.Text})
}

func herr(key, text string, args ...any) *xiangpei.Error {
	return xiangpei.Errorf(xiangpei.Invalid, key, text, args...)
}

// histColumns are a file's columns as the sheet reader finds them.
func histColumns(f xiangpei.HistoryFile) []sheet.Column {
	cols := make([]sheet.Column, len(f.Columns))
	for i, c := range f.Columns {
		kind := sheet.Text
		if c.Type == "id_number" || c.Type == "phone" {
			kind = sheet.Number
		}
		cols[i] = sheet.Column{Key: c.Key, Names: []string{c.Header, c.Key}, Required: c.Required, Kind: kind}
	}
	return cols
}

// loadFile reads one file of the set and parses each row with parse.
func loadFile[T any](p *histPlan, files map[string][]byte, lim HistoryLimits, f *histFile[T], name string,
	parse func(int, map[string]string, time.Time) (T, []*xiangpei.Error), extOf func(T) string, today time.Time) {
	f.index, f.known = map[string]int{}, map[string]int64{}
	data, ok := files[name]
	if !ok {
		return
	}
	def, _ := xiangpei.HistoryFileByName(name)
	t, err := sheet.Read(bytes.NewReader(data), name, sheet.Limits{MaxBytes: lim.MaxBytes, MaxUnzipped: lim.MaxUnzipped,
		MaxRatio: lim.MaxRatio, MaxRows: lim.MaxRows, MaxCols: 64}, histColumns(def))
	if err != nil {
		p.problem(name, 0, xiangpei.Reasons(err)...)
		p.counts[name].Bad++
		return
	}
	for _, r := range t.Rows {
		row, reasons := parse(r.Line, r.Values, today)
		for k, lossy := range r.Lossy {
			if lossy {
				reasons = append(reasons, herr("history.lossy", "The column %v was stored as a number and lost its last digits: format it as text.", k))
			}
		}
		ext := extOf(row)
		i := f.add(r.Line, ext, row)
		if first, dup := f.index[ext]; dup && ext != "" {
			reasons = append(reasons, herr("history.duplicate_ext", "The ext_id %v is already on line %v of this file.", ext, f.line[first]))
		} else if ext != "" {
			f.index[ext] = i
		}
		if len(reasons) > 0 {
			f.state[i] = rowBad
			p.problem(name, r.Line, reasons...)
		}
	}
	p.counts[name].Read = len(f.rows)
}

// bad marks a row bad with reasons.
func markBad[T any](p *histPlan, f *histFile[T], name string, i int, reasons ...*xiangpei.Error) {
	if f.state[i] != rowBad {
		f.state[i] = rowBad
	}
	p.problem(name, f.line[i], reasons...)
}

// knownRefs reads which ext_ids of a kind earlier imports of the source brought in.
func (tx *Tx) knownRefs(source, kind string, exts []string, into map[string]int64) error {
	exts = distinct(exts)
	for _, args := range inChunks(exts, "") {
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT ext_id, internal_id FROM external_refs WHERE source = $257 AND kind = $258
			AND ext_id IN (`+inList1+`)`, append(args, source, kind)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e string
			var id int64
			if err := rows.Scan(&e, &id); err != nil {
				rows.Close()
				return err
			}
			into[e] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// lookupStrings runs a chunked "IN" query over text keys, handing each row to scan.
func (tx *Tx) lookupStrings(query string, keys []string, scan func(scanner) error) error {
	return eachChunk(tx.ctx, tx.tx, query, distinct(keys), "", nil, scan)
}

// HistorySHA is the sha256 that names a file set: that of its packed zip.
func HistorySHA(zipped []byte) string {
	s := sha256.Sum256(zipped)
	return hex.EncodeToString(s[:])
}

// CheckHistory checks a file set without writing anything and reports what a commit would do.
func (tx *Tx) CheckHistory(source string, files map[string][]byte) (HistoryReport, error) {
	p, err := tx.planHistory(source, files, DefaultHistoryLimits())
	if err != nil {
		return HistoryReport{}, err
	}
	return *p.report, nil
}

func cleanSource(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = "legacy"
	}
	if len(s) > 40 || strings.Trim(strings.ToLower(s), "abcdefghijklmnopqrstuvwxyz0123456789_-.") != "" {
		return "", herr("history.source_bad", "The source must be a short name of the previous system: letters, digits, - _ . (at most 40).")
	}
	return s, nil
}

func (tx *Tx) planHistory(source string, files map[string][]byte, lim HistoryLimits) (*histPlan, error) {
	source, err := cleanSource(source)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errHistoryEmpty()
	}
	today := tx.Now
	p := &histPlan{source: source, report: &HistoryReport{Source: source, Problems: []HistoryProblem{}, Notes: []HistoryProblem{},
		CheckedAt: tx.Now.Truncate(time.Microsecond)}, counts: map[string]*HistoryFileCount{}}
	for _, f := range xiangpei.HistoryFiles {
		p.report.Files = append(p.report.Files, HistoryFileCount{File: f.Name})
	}
	for i := range p.report.Files {
		p.counts[p.report.Files[i].File] = &p.report.Files[i]
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, ok := xiangpei.HistoryFileByName(n); !ok {
			p.problem(n, 0, herr("history.unknown_file", "The file %v is not one of the set (organisations.csv, persons.csv, classes.csv, sessions.csv, rosters.csv, attendance.csv, certificates.csv, insurance.csv, subsidies.csv).", n))
		}
	}
	loadFile(p, files, lim, &p.orgs, xiangpei.HistFileOrganisations, xiangpei.ParseHistOrg, func(r xiangpei.HistOrg) string { return r.ExtID }, today)
	loadFile(p, files, lim, &p.persons, xiangpei.HistFilePersons, xiangpei.ParseHistPerson, func(r xiangpei.HistPerson) string { return r.ExtID }, today)
	loadFile(p, files, lim, &p.classes, xiangpei.HistFileClasses, xiangpei.ParseHistClass, func(r xiangpei.HistClass) string { return r.ExtID }, today)
	loadFile(p, files, lim, &p.sessions, xiangpei.HistFileSessions, xiangpei.ParseHistSession, func(r xiangpei.HistSession) string { return r.ExtID }, today)
	loadFile(p, files, lim, &p.trainees, xiangpei.HistFileRosters, xiangpei.ParseHistTrainee, func(r xiangpei.HistTrainee) string { return r.ExtID }, today)
	loadFile(p, files, lim, &p.events, xiangpei.HistFileAttendance, xiangpei.ParseHistEvent, func(r xiangpei.HistEvent) string { return r.ExtID }, today)
	loadFile(p, files, lim, &p.certs, xiangpei.HistFileCertificates, xiangpei.ParseHistCertificate, func(r xiangpei.HistCertificate) string { return r.ExtID }, today)
	loadFile(p, files, lim, &p.insur, xiangpei.HistFileInsurance, xiangpei.ParseHistInsurance, func(r xiangpei.HistInsurance) string { return r.ExtID }, today)
	loadFile(p, files, lim, &p.subs, xiangpei.HistFileSubsidies, xiangpei.ParseHistSubsidy, func(r xiangpei.HistSubsidy) string { return r.ExtID }, today)

	// earlier imports: the rows' own ext_ids and the ones they refer to
	var orgRefs, personRefs, classRefs []string
	orgRefs = append(orgRefs, p.orgs.ext...)
	for _, c := range p.classes.rows {
		orgRefs = append(orgRefs, c.OrgExt)
	}
	for _, c := range p.certs.rows {
		if c.IssuerExt != "" {
			orgRefs = append(orgRefs, c.IssuerExt)
		}
		personRefs = append(personRefs, c.PersonExt)
	}
	personRefs = append(personRefs, p.persons.ext...)
	for _, r := range p.trainees.rows {
		personRefs = append(personRefs, r.PersonExt)
	}
	for _, r := range p.events.rows {
		personRefs = append(personRefs, r.PersonExt)
	}
	for _, r := range p.insur.rows {
		personRefs = append(personRefs, r.PersonExt)
	}
	for _, r := range p.subs.rows {
		personRefs = append(personRefs, r.PersonExt)
		if r.ClassExt != "" {
			classRefs = append(classRefs, r.ClassExt)
		}
	}
	classRefs = append(classRefs, p.classes.ext...)
	for _, q := range []struct {
		kind string
		exts []string
		into map[string]int64
	}{{"organisation", orgRefs, p.orgs.known}, {"person", personRefs, p.persons.known}, {"class", classRefs, p.classes.known},
		{"session", p.sessions.ext, p.sessions.known}, {"trainee", p.trainees.ext, p.trainees.known},
		{"attendance", p.events.ext, p.events.known}, {"certificate", p.certs.ext, p.certs.known},
		{"insurance", p.insur.ext, p.insur.known}, {"subsidy", p.subs.ext, p.subs.known}} {
		if err := tx.knownRefs(source, q.kind, q.exts, q.into); err != nil {
			return nil, err
		}
	}
	if err := tx.planOrgsPersons(p); err != nil {
		return nil, err
	}
	if err := tx.planClasses(p); err != nil {
		return nil, err
	}
	if err := tx.planRecords(p); err != nil {
		return nil, err
	}
	// counts
	tally := func(name string, states []rowState) {
		c := p.counts[name]
		for _, s := range states {
			switch s {
			case rowCreate:
				c.Create++
			case rowMatch:
				c.Match++
			case rowBad:
				c.Bad++
			}
		}
	}
	tally(xiangpei.HistFileOrganisations, p.orgs.state)
	tally(xiangpei.HistFilePersons, p.persons.state)
	tally(xiangpei.HistFileClasses, p.classes.state)
	tally(xiangpei.HistFileSessions, p.sessions.state)
	tally(xiangpei.HistFileRosters, p.trainees.state)
	tally(xiangpei.HistFileAttendance, p.events.state)
	tally(xiangpei.HistFileCertificates, p.certs.state)
	tally(xiangpei.HistFileInsurance, p.insur.state)
	tally(xiangpei.HistFileSubsidies, p.subs.state)
	sort.SliceStable(p.report.Problems, func(i, j int) bool {
		a, b := p.report.Problems[i], p.report.Problems[j]
		if a.File != b.File {
			return histFileOrder(a.File) < histFileOrder(b.File)
		}
		return a.Line < b.Line
	})
	p.report.Clean = len(p.report.Problems) == 0
	return p, nil
}

func histFileOrder(name string) int {
	for i, f := range xiangpei.HistoryFiles {
		if f.Name == name {
			return i
		}
	}
	return len(xiangpei.HistoryFiles)
}

// counties reads the county codes of the reference data.
func (tx *Tx) counties() (map[string]bool, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT code FROM regions WHERE level = 'county'`)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, func(r scanner) (string, error) {
		var c string
		err := r.Scan(&c)
		return c, err
	})
	out := map[string]bool{}
	for _, c := range list {
		out[c] = true
	}
	return out, err
}

// occupationCheck checks each distinct occupation and level once, with the catalogue rule
// the scope entries use (checkOccupation).
type occupationCheck struct {
	tx   *Tx
	seen map[[2]string]*xiangpei.Error
}

func (o *occupationCheck) check(code, level string) (*xiangpei.Error, error) {
	k := [2]string{code, level}
	if e, ok := o.seen[k]; ok {
		return e, nil
	}
	err := o.tx.checkOccupation(code, level)
	var e *xiangpei.Error
	if err != nil && !errors.As(err, &e) {
		return nil, err
	}
	o.seen[k] = e
	return e, nil
}

// scopeProblem is the first scope entry the catalogue refuses, as the row's reason.
func scopeProblem(occ *occupationCheck, scope []xiangpei.ScopeEntry) (*xiangpei.Error, error) {
	for _, e := range scope {
		if bad, err := occ.check(e.OccupationCode, e.Level); err != nil || bad != nil {
			return bad, err
		}
	}
	return nil, nil
}

func (tx *Tx) planOrgsPersons(p *histPlan) error {
	counties, err := tx.counties()
	if err != nil {
		return err
	}
	p.orgOf = map[int64]histOrgInfo{}
	// organisations: imported before, or the same credit code
	byCode := map[string]int64{}
	var codes []string
	for _, o := range p.orgs.rows {
		codes = append(codes, string(o.Org.CreditCode))
	}
	if err := tx.lookupStrings(`SELECT credit_code, id FROM organisations WHERE credit_code IN (`+inList1+`)`, codes, func(r scanner) error {
		var c string
		var id int64
		err := r.Scan(&c, &id)
		byCode[c] = id
		return err
	}); err != nil {
		return err
	}
	seenCode := map[string]int{}
	occ := &occupationCheck{tx: tx, seen: map[[2]string]*xiangpei.Error{}}
	f := &p.orgs
	for i, o := range f.rows {
		if f.state[i] == rowBad {
			continue
		}
		if id, ok := f.known[f.ext[i]]; ok {
			f.state[i], f.id[i] = rowMatch, id
			continue
		}
		code := string(o.Org.CreditCode)
		if first, dup := seenCode[code]; dup {
			markBad(p, f, xiangpei.HistFileOrganisations, i, herr("history.duplicate_code", "The same credit code is already on line %v of this file.", f.line[first]))
			continue
		}
		seenCode[code] = i
		if !counties[o.Org.County] {
			markBad(p, f, xiangpei.HistFileOrganisations, i, herr("history.unknown_county", "The county %v is not in the reference data.", o.Org.County))
			continue
		}
		if bad, err := scopeProblem(occ, o.Scope); err != nil {
			return err
		} else if bad != nil {
			markBad(p, f, xiangpei.HistFileOrganisations, i, bad)
			continue
		}
		if id, ok := byCode[code]; ok {
			f.state[i], f.id[i] = rowMatch, id
			p.note(xiangpei.HistFileOrganisations, f.line[i], herr("history.org_exists", "An organisation with this credit code is already registered: it is used, not created again."))
		} else {
			f.id[i] = xiangpei.NewID()
			p.orgOf[f.id[i]] = histOrgInfo{kind: o.Org.Kind, county: o.Org.County}
		}
		if o.Blacklist.On {
			p.orgSanct = append(p.orgSanct, i)
		}
	}
	// existing organisations' kind and county, for classes and certificates
	var ids []int64
	for i, s := range f.state {
		if s == rowMatch {
			ids = append(ids, f.id[i])
		}
	}
	for _, id := range f.known {
		ids = append(ids, id)
	}
	if err := tx.eachIn(`SELECT id, kind, county FROM organisations WHERE id IN (`+inList1+`)`, distinct(ids), nil, func(r scanner) error {
		var id int64
		var o histOrgInfo
		err := r.Scan(&id, &o.kind, &o.county)
		p.orgOf[id] = o
		return err
	}); err != nil {
		return err
	}

	// persons: imported before, or the same ID number (the registry's name must agree)
	type reg struct {
		id   int64
		name string
	}
	byID := map[string]reg{}
	var nums []string
	for _, x := range p.persons.rows {
		nums = append(nums, string(x.Person.IDNumber))
	}
	if err := tx.lookupStrings(`SELECT id_number, id, name FROM persons WHERE id_number IN (`+inList1+`)`, nums, func(r scanner) error {
		var n string
		var x reg
		err := r.Scan(&n, &x.id, &x.name)
		byID[n] = x
		return err
	}); err != nil {
		return err
	}
	seenID := map[string]int{}
	g := &p.persons
	for i, x := range g.rows {
		if g.state[i] == rowBad {
			continue
		}
		if id, ok := g.known[g.ext[i]]; ok {
			g.state[i], g.id[i] = rowMatch, id
			continue
		}
		num := string(x.Person.IDNumber)
		if first, dup := seenID[num]; dup {
			markBad(p, g, xiangpei.HistFilePersons, i, herr("history.duplicate_person", "The same ID number is already on line %v of this file.", g.line[first]))
			continue
		}
		seenID[num] = i
		if !counties[x.Person.County] {
			markBad(p, g, xiangpei.HistFilePersons, i, herr("history.unknown_county", "The county %v is not in the reference data.", x.Person.County))
			continue
		}
		if r, ok := byID[num]; ok {
			if r.name != x.Person.Name {
				markBad(p, g, xiangpei.HistFilePersons, i, herr("history.name_mismatch", "This ID number is registered under another name: check the name against the ID card."))
				continue
			}
			g.state[i], g.id[i] = rowMatch, r.id
			p.note(xiangpei.HistFilePersons, g.line[i], herr("history.person_exists", "This ID number is already registered: the person is used, not created again."))
		} else {
			g.id[i] = xiangpei.NewID()
		}
		if x.Blacklist.On {
			p.perSanct = append(p.perSanct, i)
		}
	}
	return nil
}

// personOccupation resolves a row's person and checks its occupation and level against the
// catalogue, returning the reasons the row is refused (certificates, subsidies).
func personOccupation(p *histPlan, occ *occupationCheck, personExt, code, level string) (int64, []*xiangpei.Error, error) {
	var reasons []*xiangpei.Error
	pid, perr := personRef(p, personExt)
	if perr != nil {
		reasons = append(reasons, perr)
	}
	e, err := occ.check(code, level)
	if e != nil {
		reasons = append(reasons, e)
	}
	return pid, reasons, err
}

// personRef resolves a person ext_id of any file, marking the row bad when it does not resolve.
func personRef(p *histPlan, ext string) (int64, *xiangpei.Error) {
	_, id, ok := p.persons.ref(ext)
	if !ok {
		if _, in := p.persons.index[ext]; in {
			return 0, herr("history.bad_ref", "The person %v refers to a bad row of persons.csv.", ext)
		}
		return 0, herr("history.unknown_person", "No person with ext_id %v in persons.csv or an earlier import.", ext)
	}
	return id, nil
}

func (tx *Tx) planClasses(p *histPlan) error {
	counties, err := tx.counties()
	if err != nil {
		return err
	}
	occ := &occupationCheck{tx: tx, seen: map[[2]string]*xiangpei.Error{}}
	cl, ss, tr := &p.classes, &p.sessions, &p.trainees
	n := len(cl.rows)
	p.classOrg, p.classCty, p.classFirst, p.classLast = make([]int64, n), make([]string, n), make([]time.Time, n), make([]time.Time, n)
	p.classMins = [2][]int{make([]int, n), make([]int, n)}
	p.venueOf = make([]int64, n)
	for i, c := range cl.rows {
		if cl.state[i] == rowBad {
			continue
		}
		if id, ok := cl.known[cl.ext[i]]; ok {
			cl.state[i], cl.id[i] = rowMatch, id
			continue
		}
		var reasons []*xiangpei.Error
		_, orgID, ok := p.orgs.ref(c.OrgExt)
		info, known := p.orgOf[orgID]
		switch {
		case !ok || !known:
			reasons = append(reasons, herr("history.unknown_org", "No organisation with ext_id %v in organisations.csv or an earlier import.", c.OrgExt))
		case info.kind != xiangpei.OrgInstitution && info.kind != xiangpei.OrgSchool:
			reasons = append(reasons, herr("history.org_not_trainer", "The organisation %v is not a training institution or school.", c.OrgExt))
		}
		if e, err := occ.check(c.OccupationCode, c.Level); err != nil {
			return err
		} else if e != nil {
			reasons = append(reasons, e)
		}
		county := c.County
		if county == "" {
			county = info.county
		}
		if county != "" && !counties[county] {
			reasons = append(reasons, herr("history.unknown_county", "The county %v is not in the reference data.", county))
		}
		if len(reasons) > 0 {
			markBad(p, cl, xiangpei.HistFileClasses, i, reasons...)
			continue
		}
		cl.id[i], p.classOrg[i], p.classCty[i], p.venueOf[i] = xiangpei.NewID(), orgID, county, xiangpei.NewID()
	}
	// sessions: of a class of this set; their times give the class's first and last session
	p.sessClass, p.sessSeq, p.sessTeach = make([]int, len(ss.rows)), make([]int, len(ss.rows)), make([]int64, len(ss.rows))
	perClass := map[int][]int{}
	for i, s := range ss.rows {
		p.sessClass[i] = -1
		if ss.state[i] == rowBad {
			continue
		}
		ci, _, ok := cl.ref(s.ClassExt)
		if id, in := ss.known[ss.ext[i]]; in {
			ss.state[i], ss.id[i] = rowMatch, id
			continue
		}
		switch {
		case ci < 0 && ok:
			markBad(p, ss, xiangpei.HistFileSessions, i, herr("history.class_imported", "The class %v was imported before: its sessions, roster and attendance come with it, not later.", s.ClassExt))
			continue
		case !ok:
			markBad(p, ss, xiangpei.HistFileSessions, i, unknownClass(p, s.ClassExt))
			continue
		case cl.state[ci] == rowMatch:
			markBad(p, ss, xiangpei.HistFileSessions, i, herr("history.class_imported", "The class %v was imported before: its sessions, roster and attendance come with it, not later.", s.ClassExt))
			continue
		}
		ss.id[i], p.sessClass[i] = xiangpei.NewID(), ci
		perClass[ci] = append(perClass[ci], i)
	}
	// teachers: once per organisation and ID number, the organisation's own when it has one
	type teachKey struct {
		org int64
		id  string
	}
	teach := map[teachKey]int64{}
	var orgIDs []int64
	for _, ci := range p.classOrg {
		if ci != 0 {
			orgIDs = append(orgIDs, ci)
		}
	}
	if err := tx.eachIn(`SELECT org_id, id_number, id FROM teachers WHERE org_id IN (`+inList1+`)`, distinct(orgIDs), nil, func(r scanner) error {
		var k teachKey
		var id int64
		err := r.Scan(&k.org, &k.id, &id)
		teach[k] = id
		return err
	}); err != nil {
		return err
	}
	for ci := range cl.rows {
		list := perClass[ci]
		if cl.state[ci] != rowCreate {
			continue
		}
		if len(list) == 0 {
			markBad(p, cl, xiangpei.HistFileClasses, ci, herr("history.no_sessions", "The class has no session in sessions.csv."))
			continue
		}
		sort.SliceStable(list, func(a, b int) bool { return ss.rows[list[a]].Starts.Before(ss.rows[list[b]].Starts) })
		for seq, si := range list {
			s := ss.rows[si]
			if seq > 0 && s.Starts.Before(ss.rows[list[seq-1]].Ends) {
				markBad(p, ss, xiangpei.HistFileSessions, si, herr("history.session_overlap", "The session overlaps the class's session on line %v.", ss.line[list[seq-1]]))
				continue
			}
			p.sessSeq[si] = seq + 1
			k := teachKey{p.classOrg[ci], string(s.Teacher.IDNumber)}
			if _, ok := teach[k]; !ok {
				t := s.Teacher
				t.ID, t.OrgID = xiangpei.NewID(), p.classOrg[ci]
				teach[k] = t.ID
				p.newTeach = append(p.newTeach, t)
			}
			p.sessTeach[si] = teach[k]
			if s.Kind == xiangpei.SessionTheory {
				p.classMins[0][ci] += int(s.Ends.Sub(s.Starts) / time.Minute)
			} else {
				p.classMins[1][ci] += int(s.Ends.Sub(s.Starts) / time.Minute)
			}
		}
		p.classFirst[ci], p.classLast[ci] = ss.rows[list[0]].Starts, ss.rows[list[len(list)-1]].Ends
		if c := cl.rows[ci]; !c.FiledAt.Before(p.classFirst[ci]) {
			markBad(p, cl, xiangpei.HistFileClasses, ci, herr("history.filed_after_start", "The class was filed after its first session: filed_at must come before it."))
		}
	}
	// rosters: a person of the set on a class of the set, once
	p.trPerson, p.trClass = make([]int64, len(tr.rows)), make([]int, len(tr.rows))
	p.traineeOf = map[[2]int64]bool{}
	onRoster := make([]int, len(cl.rows))
	for i, t := range tr.rows {
		p.trClass[i] = -1
		if tr.state[i] == rowBad {
			continue
		}
		if id, in := tr.known[tr.ext[i]]; in {
			tr.state[i], tr.id[i] = rowMatch, id
			continue
		}
		var reasons []*xiangpei.Error
		ci, _, ok := cl.ref(t.ClassExt)
		switch {
		case !ok:
			reasons = append(reasons, unknownClass(p, t.ClassExt))
		case ci < 0 || cl.state[ci] == rowMatch:
			reasons = append(reasons, herr("history.class_imported", "The class %v was imported before: its sessions, roster and attendance come with it, not later.", t.ClassExt))
		}
		pid, e := personRef(p, t.PersonExt)
		if e != nil {
			reasons = append(reasons, e)
		}
		if len(reasons) == 0 {
			closed := cl.rows[ci].Status == xiangpei.ClassClosed
			switch {
			case p.traineeOf[[2]int64{cl.id[ci], pid}]:
				reasons = append(reasons, herr("history.duplicate_trainee", "The person is already on this class's roster in this file."))
			case closed && t.Status == xiangpei.TraineeEnrolled:
				reasons = append(reasons, herr("history.trainee_status", "A trainee of a closed class is completed, not_completed or withdrawn."))
			case !closed && (t.Status == xiangpei.TraineeCompleted || t.Status == xiangpei.TraineeNotCompleted):
				reasons = append(reasons, herr("history.trainee_status_open", "Only a trainee of a closed class can be completed or not."))
			}
		}
		if len(reasons) > 0 {
			markBad(p, tr, xiangpei.HistFileRosters, i, reasons...)
			continue
		}
		tr.id[i], p.trPerson[i], p.trClass[i] = xiangpei.NewID(), pid, ci
		p.traineeOf[[2]int64{cl.id[ci], pid}] = true
		if t.Status != xiangpei.TraineeWithdrawn {
			onRoster[ci]++
		}
	}
	for ci, c := range cl.rows {
		if cl.state[ci] == rowCreate && onRoster[ci] > c.Capacity {
			markBad(p, cl, xiangpei.HistFileClasses, ci, herr("history.over_capacity", "The roster has %v trainees, more than the class's capacity of %v.", onRoster[ci], c.Capacity))
		}
	}
	// a class made bad by its sessions or roster takes them with it
	for i, ci := range p.sessClass {
		if ci >= 0 && cl.state[ci] == rowBad && ss.state[i] != rowBad {
			markBad(p, ss, xiangpei.HistFileSessions, i, herr("history.bad_ref", "The class %v refers to a bad row of classes.csv.", ss.rows[i].ClassExt))
		}
	}
	for i, ci := range p.trClass {
		if ci >= 0 && cl.state[ci] == rowBad && tr.state[i] != rowBad {
			markBad(p, tr, xiangpei.HistFileRosters, i, herr("history.bad_ref", "The class %v refers to a bad row of classes.csv.", tr.rows[i].ClassExt))
		}
	}
	return nil
}

func unknownClass(p *histPlan, ext string) *xiangpei.Error {
	if _, in := p.classes.index[ext]; in {
		return herr("history.bad_ref", "The class %v refers to a bad row of classes.csv.", ext)
	}
	return herr("history.unknown_class", "No class with ext_id %v in classes.csv.", ext)
}

func (tx *Tx) planRecords(p *histPlan) error {
	// attendance: at a session of the set, by a trainee on its class's roster
	ev, ss := &p.events, &p.sessions
	p.evSession, p.evPerson = make([]int, len(ev.rows)), make([]int64, len(ev.rows))
	keys := map[string]int{}
	for i, e := range ev.rows {
		p.evSession[i] = -1
		if ev.state[i] == rowBad {
			continue
		}
		if id, in := ev.known[ev.ext[i]]; in {
			ev.state[i], ev.id[i] = rowMatch, id
			continue
		}
		var reasons []*xiangpei.Error
		si, in := ss.index[e.SessionExt]
		switch {
		case !in && ss.known[e.SessionExt] != 0:
			reasons = append(reasons, herr("history.class_imported", "The class %v was imported before: its sessions, roster and attendance come with it, not later.", e.SessionExt))
		case !in:
			reasons = append(reasons, herr("history.unknown_session", "No session with ext_id %v in sessions.csv.", e.SessionExt))
		case ss.state[si] != rowCreate:
			reasons = append(reasons, herr("history.bad_ref", "The session %v refers to a bad row of sessions.csv.", e.SessionExt))
		}
		pid, perr := personRef(p, e.PersonExt)
		if perr != nil {
			reasons = append(reasons, perr)
		}
		if len(reasons) == 0 {
			s := ss.rows[si]
			ci := p.sessClass[si]
			switch {
			case !p.traineeOf[[2]int64{p.classes.id[ci], pid}]:
				reasons = append(reasons, herr("history.not_on_roster", "The person is not on the roster of the session's class in rosters.csv."))
			case e.At.Before(s.Starts.Add(-12*time.Hour)) || e.At.After(s.Ends.Add(12*time.Hour)):
				reasons = append(reasons, herr("history.event_far", "The check-in is more than 12 hours away from its session."))
			}
		}
		if len(reasons) == 0 {
			k := EventKey(xiangpei.Event{SessionID: ss.id[si], PersonID: pid, Kind: e.Kind, At: e.At, Source: xiangpei.FromHistory, Device: e.Device})
			if first, dup := keys[k]; dup {
				reasons = append(reasons, herr("history.duplicate_event", "The same check-in (person, session, time, device) is already on line %v.", ev.line[first]))
			} else {
				keys[k] = i
			}
		}
		if len(reasons) > 0 {
			markBad(p, ev, xiangpei.HistFileAttendance, i, reasons...)
			continue
		}
		ev.id[i], p.evSession[i], p.evPerson[i] = xiangpei.NewID(), si, pid
	}

	// certificates: a person, an occupation of the catalogue, a number unknown here
	occ := &occupationCheck{tx: tx, seen: map[[2]string]*xiangpei.Error{}}
	ce := &p.certs
	taken := map[string]bool{}
	if err := tx.lookupStrings(`SELECT number FROM certificates WHERE number IN (`+inList1+`)`, slicesMap(ce.rows, func(c xiangpei.HistCertificate) string { return c.Number }), func(r scanner) error {
		var n string
		err := r.Scan(&n)
		taken[n] = true
		return err
	}); err != nil {
		return err
	}
	personCounty := map[int64]string{}
	for i, x := range p.persons.rows {
		if p.persons.state[i] != rowBad {
			personCounty[p.persons.id[i]] = x.Person.County
		}
	}
	n := len(ce.rows)
	p.certPerson, p.certIssuer, p.certCounty = make([]int64, n), make([]int64, n), make([]string, n)
	seenNo := map[string]int{}
	for i, c := range ce.rows {
		if ce.state[i] == rowBad {
			continue
		}
		if id, in := ce.known[ce.ext[i]]; in {
			ce.state[i], ce.id[i] = rowMatch, id
			continue
		}
		pid, reasons, err := personOccupation(p, occ, c.PersonExt, c.OccupationCode, c.Level)
		if err != nil {
			return err
		}
		if first, dup := seenNo[c.Number]; dup {
			reasons = append(reasons, herr("history.duplicate_number", "The same certificate number is already on line %v.", ce.line[first]))
		} else {
			seenNo[c.Number] = i
		}
		if taken[c.Number] {
			reasons = append(reasons, herr("history.number_taken", "A certificate with this number is already recorded here."))
		}
		var issuer int64
		if c.IssuerExt != "" {
			_, id, ok := p.orgs.ref(c.IssuerExt)
			if !ok {
				reasons = append(reasons, herr("history.unknown_org", "No organisation with ext_id %v in organisations.csv or an earlier import.", c.IssuerExt))
			}
			issuer = id
		}
		if len(reasons) > 0 {
			markBad(p, ce, xiangpei.HistFileCertificates, i, reasons...)
			continue
		}
		county := p.orgOf[issuer].county
		if county == "" {
			county = personCounty[pid]
		}
		ce.id[i], p.certPerson[i], p.certIssuer[i], p.certCounty[i] = xiangpei.NewID(), pid, issuer, county
	}
	// the counties of persons imported before, for their certificates
	var missing []int64
	for i := range ce.rows {
		if ce.state[i] == rowCreate && p.certCounty[i] == "" {
			missing = append(missing, p.certPerson[i])
		}
	}
	if len(missing) > 0 {
		if err := tx.eachIn(`SELECT id, county FROM persons WHERE id IN (`+inList1+`)`, distinct(missing), nil, func(r scanner) error {
			var id int64
			var c string
			err := r.Scan(&id, &c)
			personCounty[id] = c
			return err
		}); err != nil {
			return err
		}
		for i := range ce.rows {
			if ce.state[i] == rowCreate && p.certCounty[i] == "" {
				p.certCounty[i] = personCounty[p.certPerson[i]]
			}
		}
	}

	// insurance
	in := &p.insur
	p.insPerson = make([]int64, len(in.rows))
	for i, x := range in.rows {
		if in.state[i] == rowBad {
			continue
		}
		if id, ok := in.known[in.ext[i]]; ok {
			in.state[i], in.id[i] = rowMatch, id
			continue
		}
		pid, perr := personRef(p, x.PersonExt)
		if perr != nil {
			markBad(p, in, xiangpei.HistFileInsurance, i, perr)
			continue
		}
		in.id[i], p.insPerson[i] = xiangpei.NewID(), pid
	}

	// subsidies already paid
	su := &p.subs
	p.subPerson, p.subClass = make([]int64, len(su.rows)), make([]int64, len(su.rows))
	for i, x := range su.rows {
		if su.state[i] == rowBad {
			continue
		}
		if id, ok := su.known[su.ext[i]]; ok {
			su.state[i], su.id[i] = rowMatch, id
			continue
		}
		pid, reasons, err := personOccupation(p, occ, x.PersonExt, x.OccupationCode, x.Level)
		if err != nil {
			return err
		}
		var classID int64
		if x.ClassExt != "" {
			_, id, ok := p.classes.ref(x.ClassExt)
			if !ok {
				reasons = append(reasons, unknownClass(p, x.ClassExt))
			}
			classID = id
		}
		if len(reasons) > 0 {
			markBad(p, su, xiangpei.HistFileSubsidies, i, reasons...)
			continue
		}
		su.id[i], p.subPerson[i], p.subClass[i] = xiangpei.NewID(), pid, classID
	}
	return nil
}

func slicesMap[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// ---- the upload: dry run, report, commit ----

// HistoryImport is a checked file set as kept: its report (the commit's, once committed).
type HistoryImport struct {
	UploadID    int64
	Source      string
	SHA256      string
	AccountID   int64
	Report      HistoryReport
	CheckedAt   time.Time
	CommittedAt time.Time
}

func errHistoryCommitted() error {
	return xiangpei.Errorf(xiangpei.Conflict, "history.committed", "This file set has already been imported.")
}

// CheckHistoryUpload keeps a file set as an upload of the transaction's actor, checks it and
// keeps the report; nothing else is written.
func (tx *Tx) CheckHistoryUpload(source string, files map[string][]byte) (HistoryImport, error) {
	zipped, err := PackHistory(files)
	if err != nil {
		return HistoryImport{}, err
	}
	p, err := tx.planHistory(source, files, DefaultHistoryLimits())
	if err != nil {
		return HistoryImport{}, err
	}
	u, err := tx.SaveUpload(Upload{Purpose: UploadHistory, Name: "history.zip", Data: zipped})
	if err != nil {
		return HistoryImport{}, err
	}
	p.report.UploadID, p.report.SHA256 = u.ID, u.SHA256
	switch err := tx.refuse(errHistoryCommitted(), `SELECT 1 FROM history_imports WHERE sha256 = $1 AND committed_at IS NOT NULL`, u.SHA256); {
	case xiangpei.IsKind(err, xiangpei.Conflict):
		p.problem("", 0, herr("history.committed_before", "This very file set was imported before: committing it again is refused."))
		p.report.Clean = false
	case err != nil:
		return HistoryImport{}, err
	}
	rep, err := json.Marshal(p.report)
	if err != nil {
		return HistoryImport{}, err
	}
	if _, err := tx.exec(`INSERT INTO history_imports (upload_id, source, sha256, account_id, clean, report, checked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.ID, p.source, u.SHA256, tx.Actor.AccountID, p.report.Clean, string(rep), p.report.CheckedAt); err != nil {
		return HistoryImport{}, err
	}
	if err := tx.Audit("history.check", "upload", u.ID, "", map[string]any{"source": p.source, "sha256": u.SHA256,
		"files": p.report.Files, "problems": len(p.report.Problems)}); err != nil {
		return HistoryImport{}, err
	}
	return HistoryImport{UploadID: u.ID, Source: p.source, SHA256: u.SHA256, AccountID: tx.Actor.AccountID, Report: *p.report, CheckedAt: p.report.CheckedAt}, nil
}

// HistoryImportByID reads a kept history import of the transaction's actor (an admin reads
// any: imports are the system administrators' work).
func (db *DB) HistoryImportByID(ctx context.Context, uploadID int64) (HistoryImport, error) {
	return historyImport(ctx, db.read, uploadID)
}

func historyImport(ctx context.Context, q querier, uploadID int64) (HistoryImport, error) {
	var h HistoryImport
	var rep string
	var committed sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT upload_id, source, sha256, account_id, report, checked_at, committed_at
		FROM history_imports WHERE upload_id = $1`, uploadID).Scan(&h.UploadID, &h.Source, &h.SHA256, &h.AccountID, &rep, &h.CheckedAt, &committed)
	if err != nil {
		return h, mapError(err, "History import")
	}
	if err := json.Unmarshal([]byte(rep), &h.Report); err != nil {
		return h, err
	}
	h.CheckedAt = h.CheckedAt.UTC()
	if committed.Valid {
		h.CommittedAt = committed.Time.UTC()
	}
	return h, nil
}

// HistoryImports lists the kept history imports, the newest first.
func (db *DB) HistoryImports(ctx context.Context, limit int) ([]HistoryImport, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT upload_id, source, sha256, account_id, report, checked_at, committed_at
		FROM history_imports ORDER BY checked_at DESC, upload_id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (HistoryImport, error) {
		var h HistoryImport
		var rep string
		var committed sql.NullTime
		if err := r.Scan(&h.UploadID, &h.Source, &h.SHA256, &h.AccountID, &rep, &h.CheckedAt, &committed); err != nil {
			return h, err
		}
		if committed.Valid {
			h.CommittedAt = committed.Time.UTC()
		}
		return h, json.Unmarshal([]byte(rep), &h.Report)
	})
}

// CommitHistory imports a checked upload: the files are checked again and, only if no row is
// bad, written in this one transaction — everything or nothing. An upload commits once, and a
// file set with the sha256 of one already committed is refused.
func (tx *Tx) CommitHistory(uploadID int64) (HistoryReport, error) {
	h, err := historyImport(tx.ctx, tx.tx, uploadID)
	if err != nil {
		return HistoryReport{}, err
	}
	var data []byte
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT data FROM uploads WHERE id = $1 AND purpose = $2`, uploadID, UploadHistory).Scan(&data); err != nil {
		return HistoryReport{}, mapError(err, "Upload")
	}
	if err := tx.refuse(errHistoryCommitted(), `SELECT 1 FROM history_imports WHERE sha256 = $1 AND committed_at IS NOT NULL`, h.SHA256); err != nil {
		return HistoryReport{}, err
	}
	if err := tx.CommitUpload(uploadID); err != nil {
		return HistoryReport{}, err
	}
	files, err := UnpackHistory(data, DefaultHistoryLimits())
	if err != nil {
		return HistoryReport{}, err
	}
	return tx.commitPlan(h.Source, files, uploadID, h.SHA256)
}

func (tx *Tx) commitPlan(source string, files map[string][]byte, uploadID int64, sha string) (HistoryReport, error) {
	p, err := tx.planHistory(source, files, DefaultHistoryLimits())
	if err != nil {
		return HistoryReport{}, err
	}
	p.report.UploadID, p.report.SHA256 = uploadID, sha
	if !p.report.Clean {
		return *p.report, xiangpei.Errorf(xiangpei.Invalid, "history.not_clean", "%v rows of the files are refused, so nothing was imported. Correct them and check the files again.", len(p.report.Problems))
	}
	written, err := tx.writeHistory(p, uploadID)
	if err != nil {
		return HistoryReport{}, err
	}
	p.report.Written, p.report.CommittedAt = written, tx.Now.Truncate(time.Microsecond)
	rep, err := json.Marshal(p.report)
	if err != nil {
		return HistoryReport{}, err
	}
	if _, err := tx.exec(`UPDATE history_imports SET committed_at = $2, report = $3, result = $4 WHERE upload_id = $1`,
		uploadID, p.report.CommittedAt, string(rep), "committed"); err != nil {
		return HistoryReport{}, err
	}
	if err := tx.Audit("history.import", "upload", uploadID, "", map[string]any{"source": p.source, "sha256": sha, "files": p.report.Files,
		"written": written}); err != nil {
		return HistoryReport{}, err
	}
	return *p.report, nil
}

// ImportHistory checks a file set and, when every row is good, commits it in the same
// transaction (the command line's --commit): the upload, its report and the records, or nothing.
func (tx *Tx) ImportHistory(source string, files map[string][]byte) (HistoryReport, error) {
	h, err := tx.CheckHistoryUpload(source, files)
	if err != nil {
		return HistoryReport{}, err
	}
	if !h.Report.Clean {
		if err := tx.refuse(errHistoryCommitted(), `SELECT 1 FROM history_imports WHERE sha256 = $1 AND committed_at IS NOT NULL`, h.SHA256); err != nil {
			return h.Report, err
		}
		return h.Report, xiangpei.Errorf(xiangpei.Invalid, "history.not_clean", "%v rows of the files are refused, so nothing was imported. Correct them and check the files again.", len(h.Report.Problems))
	}
	return tx.CommitHistory(h.UploadID)
}
