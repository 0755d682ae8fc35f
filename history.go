package xiangpei

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// 历史数据迁入 — a province switching to xiangpei brings its past records from the previous
// system as a documented set of CSV files (docs/history-import.md), so that the yearly cap, the
// duplicate checks and the audit see what was done before. This file holds the file set as data
// and the check of each row on its own; the store checks the references between rows and files
// and against what is already recorded.

// CertFromHistory is the source of a certificate brought in by the history import: it keeps
// its original number.
const CertFromHistory CertSource = "history"

// FromHistory is the source of an attendance event brought in by the history import.
const FromHistory = "history"

// HistoryColumn is one column of a history file.
type HistoryColumn struct {
	Key      string // English key, also accepted as the header
	Header   string // Chinese header
	Type     string // text, id_number, phone, credit_code, date, datetime, int, amount, yesno, decimal, enum
	Required bool   // a value must be given (the header is always expected)
	Rule     string // what the value must be, for the documentation
}

// HistoryFile is one file of the set: its name, whether the set must have it, and its columns.
// Kind is the external-reference kind of its rows.
type HistoryFile struct {
	Name     string
	Kind     string
	Required bool
	Columns  []HistoryColumn
}

// The files of the set, by name.
const (
	HistFileOrganisations = "organisations.csv"
	HistFilePersons       = "persons.csv"
	HistFileClasses       = "classes.csv"
	HistFileSessions      = "sessions.csv"
	HistFileRosters       = "rosters.csv"
	HistFileAttendance    = "attendance.csv"
	HistFileCertificates  = "certificates.csv"
	HistFileInsurance     = "insurance.csv"
	HistFileSubsidies     = "subsidies.csv"
)

func hc(key, header, typ string, required bool, rule string) HistoryColumn {
	return HistoryColumn{Key: key, Header: header, Type: typ, Required: required, Rule: rule}
}

var extCol = hc("ext_id", "原编号", "text", true, "the row's id in the previous system, unique within the file (at most 64 characters)")

// HistoryFiles is the file set in the order the import reads and writes it: a file refers only
// to files before it (or to rows an earlier import brought in).
var HistoryFiles = []HistoryFile{
	{Name: HistFileOrganisations, Kind: "organisation", Columns: []HistoryColumn{extCol,
		hc("credit_code", "统一社会信用代码", "credit_code", true, "18 characters; an existing organisation with the code is reused"),
		hc("name", "机构名称", "text", true, "2 to 100 characters"),
		hc("kind", "机构类型", "enum", true, "institution/培训机构, school/技工院校, assessor/评价机构, employer/用人单位"),
		hc("county", "所在区县", "text", true, "six-digit county code known to the reference data"),
		hc("address", "地址", "text", false, "at most 200 characters"),
		hc("scope", "核准培训范围", "scope", false, "the approved training scope of an institution or school: occupation:level pairs separated by semicolons, such as 4-10-01-05:5;4-10-01-05:四级 (each a current detailed occupation of the catalogue); kept only for organisations the import creates"),
		hc("blacklisted", "是否失信", "yesno", false, "是/否 (yes/no); empty is no"),
		hc("blacklist_reason", "失信原因", "text", false, "required when blacklisted, 4 to 1000 characters"),
		hc("blacklist_since", "失信起始日期", "date", false, "YYYY-MM-DD, required when blacklisted"),
	}},
	{Name: HistFilePersons, Kind: "person", Columns: []HistoryColumn{extCol,
		hc("id_number", "身份证号", "id_number", true, "18-character resident ID number with a correct check digit; an existing person with the number is reused"),
		hc("name", "姓名", "text", true, "as on the ID card; must equal the registry's name for an existing person"),
		hc("phone", "手机号", "phone", false, "11-digit mainland mobile number"),
		hc("county", "所在区县", "text", true, "six-digit county code known to the reference data"),
		hc("household", "户籍类型", "enum", false, "urban/城镇 or rural/农村"),
		hc("blacklisted", "是否失信", "yesno", false, "是/否"),
		hc("blacklist_reason", "失信原因", "text", false, "required when blacklisted, 4 to 1000 characters"),
		hc("blacklist_since", "失信起始日期", "date", false, "YYYY-MM-DD, required when blacklisted"),
	}},
	{Name: HistFileClasses, Kind: "class", Columns: []HistoryColumn{extCol,
		hc("org_ext_id", "机构原编号", "text", true, "ext_id of organisations.csv (or of an earlier import); an institution or school"),
		hc("name", "班级名称", "text", true, "2 to 100 characters"),
		hc("occupation_code", "职业编码", "text", true, "a current detailed occupation (细类) of the catalogue"),
		hc("level", "等级", "enum", true, "5..1, special or completion; a graded level the occupation has"),
		hc("funding", "经费类型", "enum", true, "subsidised/补贴 or self/自费"),
		hc("capacity", "计划人数", "int", true, "1 to 1000, at least the trainees on its roster"),
		hc("venue_name", "场地名称", "text", true, "2 to 100 characters"),
		hc("venue_address", "场地地址", "text", true, "4 to 200 characters"),
		hc("venue_lat", "场地纬度", "decimal", true, "18 to 54"),
		hc("venue_lng", "场地经度", "decimal", true, "73 to 136"),
		hc("county", "所在区县", "text", false, "county of the filing; empty: the organisation's"),
		hc("filed_at", "备案时间", "datetime", true, "YYYY-MM-DD HH:MM[:SS] China time, before the first session"),
		hc("status", "状态", "enum", true, "closed/已结业, cancelled/已取消, approved/已审核, in_progress/开班中"),
	}},
	{Name: HistFileSessions, Kind: "session", Columns: []HistoryColumn{extCol,
		hc("class_ext_id", "班级原编号", "text", true, "ext_id of classes.csv"),
		hc("starts_at", "开始时间", "datetime", true, "China time"),
		hc("ends_at", "结束时间", "datetime", true, "after starts_at, on the same day, at most 12 hours later"),
		hc("kind", "课程类型", "enum", true, "theory/理论 or practice/实操"),
		hc("teacher_name", "教师姓名", "text", true, "as on the ID card"),
		hc("teacher_id_number", "教师身份证号", "id_number", true, "valid ID number; the teacher is added to the organisation's teachers once"),
	}},
	{Name: HistFileRosters, Kind: "trainee", Columns: []HistoryColumn{extCol,
		hc("class_ext_id", "班级原编号", "text", true, "ext_id of classes.csv"),
		hc("person_ext_id", "人员原编号", "text", true, "ext_id of persons.csv"),
		hc("status", "学员状态", "enum", true, "completed/已结业, not_completed/未结业, withdrawn/已退出, enrolled/在读 (only for a class not closed)"),
		hc("attended_minutes", "出勤分钟数", "int", true, "0 to 100000, as the previous system computed it"),
	}},
	{Name: HistFileAttendance, Kind: "attendance", Columns: []HistoryColumn{extCol,
		hc("session_ext_id", "课次原编号", "text", true, "ext_id of sessions.csv"),
		hc("person_ext_id", "人员原编号", "text", true, "ext_id of persons.csv; the person is on the session's class roster"),
		hc("at", "打卡时间", "datetime", true, "China time, within 12 hours of the session"),
		hc("direction", "打卡类型", "enum", true, "in/签到 or out/签退"),
		hc("device_id", "设备号", "text", false, "at most 64 characters"),
		hc("device_kind", "设备类型", "enum", false, "terminal/考勤机 or phone/手机; empty is terminal when a device id is given"),
		hc("lat", "纬度", "decimal", false, "18 to 54, with lng"),
		hc("lng", "经度", "decimal", false, "73 to 136, with lat"),
	}},
	{Name: HistFileCertificates, Kind: "certificate", Columns: []HistoryColumn{extCol,
		hc("number", "证书编号", "text", true, "the original number, 4 to 64 characters, unknown to this platform"),
		hc("kind", "证书类型", "enum", false, "skill/职业技能等级证书, special/专项职业能力证书, training/培训合格证书; must match the level"),
		hc("person_ext_id", "人员原编号", "text", true, "ext_id of persons.csv"),
		hc("occupation_code", "职业编码", "text", true, "a detailed occupation of the catalogue"),
		hc("level", "等级", "enum", true, "5..1, special or completion"),
		hc("issuer_name", "发证机构", "text", true, "2 to 100 characters"),
		hc("issuer_org_ext_id", "发证机构原编号", "text", false, "ext_id of organisations.csv"),
		hc("issued_on", "发证日期", "date", true, "YYYY-MM-DD, not in the future"),
		hc("revoked", "是否注销", "yesno", false, "是/否"),
	}},
	{Name: HistFileInsurance, Kind: "insurance", Columns: []HistoryColumn{extCol,
		hc("person_ext_id", "人员原编号", "text", true, "ext_id of persons.csv"),
		hc("employer", "参保单位", "text", true, "2 to 100 characters"),
		hc("full_time", "是否全日制", "yesno", false, "是/否; empty is yes"),
		hc("starts_on", "参保开始日期", "date", true, "YYYY-MM-DD"),
		hc("ends_on", "参保结束日期", "date", false, "YYYY-MM-DD, not before starts_on; empty: still insured"),
	}},
	{Name: HistFileSubsidies, Kind: "subsidy", Columns: []HistoryColumn{extCol,
		hc("person_ext_id", "人员原编号", "text", true, "ext_id of persons.csv"),
		hc("occupation_code", "职业编码", "text", true, "a detailed occupation of the catalogue"),
		hc("level", "等级", "enum", true, "5..1, special or completion"),
		hc("year", "补贴年度", "int", true, "2000 to this year"),
		hc("paid_on", "发放日期", "date", true, "YYYY-MM-DD, not in the future"),
		hc("amount", "金额(元)", "amount", true, "yuan with at most two decimals, more than 0"),
		hc("payee", "领取方", "text", false, "at most 100 characters"),
		hc("class_ext_id", "班级原编号", "text", false, "ext_id of classes.csv"),
	}},
}

// HistoryFileByName finds a file of the set by its name.
func HistoryFileByName(name string) (HistoryFile, bool) {
	for _, f := range HistoryFiles {
		if f.Name == name {
			return f, true
		}
	}
	return HistoryFile{}, false
}

// ---- typed rows ----

// HistBlacklist is the blacklist columns of an organisation or person.
type HistBlacklist struct {
	On     bool
	Reason string
	Since  string // YYYY-MM-DD
}

// HistOrg is a row of organisations.csv.
type HistOrg struct {
	Line      int
	ExtID     string
	Org       Organisation
	Scope     []ScopeEntry // the approved training scope (occupation and level), in file order, without repeats
	Blacklist HistBlacklist
}

// HistPerson is a row of persons.csv.
type HistPerson struct {
	Line      int
	ExtID     string
	Person    Person
	Blacklist HistBlacklist
}

// HistClass is a row of classes.csv; its first and last session come from sessions.csv.
type HistClass struct {
	Line           int
	ExtID          string
	OrgExt         string
	Name           string
	OccupationCode string
	Level          string
	Funding        string
	Capacity       int
	Venue          Venue // without org and county, which come from the organisation
	County         string
	FiledAt        time.Time
	Status         ClassStatus
}

// HistSession is a row of sessions.csv.
type HistSession struct {
	Line     int
	ExtID    string
	ClassExt string
	Starts   time.Time
	Ends     time.Time
	Kind     string
	Teacher  Teacher // name and ID number
}

// HistTrainee is a row of rosters.csv.
type HistTrainee struct {
	Line      int
	ExtID     string
	ClassExt  string
	PersonExt string
	Status    TraineeStatus
	Minutes   int
}

// HistEvent is a row of attendance.csv.
type HistEvent struct {
	Line       int
	ExtID      string
	SessionExt string
	PersonExt  string
	At         time.Time
	Kind       string // CheckIn or CheckOut
	Device     string
	Terminal   bool
	Lat, Lng   float64
	HasPlace   bool
}

// HistCertificate is a row of certificates.csv.
type HistCertificate struct {
	Line           int
	ExtID          string
	Number         string
	Kind           CertKind
	PersonExt      string
	OccupationCode string
	Level          string
	IssuerName     string
	IssuerExt      string
	IssuedOn       string
	Revoked        bool
}

// HistInsurance is a row of insurance.csv.
type HistInsurance struct {
	Line      int
	ExtID     string
	PersonExt string
	Employer  string
	FullTime  bool
	StartsOn  string
	EndsOn    string
}

// HistSubsidy is a row of subsidies.csv.
type HistSubsidy struct {
	Line           int
	ExtID          string
	PersonExt      string
	OccupationCode string
	Level          string
	Year           int
	PaidOn         string
	AmountFen      int64
	Payee          string
	ClassExt       string
}

// ---- reading one row ----

// histRow reads the values of one row and gathers every reason it is refused.
type histRow struct {
	v       map[string]string
	today   time.Time
	reasons []*Error
}

func (r *histRow) bad(key, text string, args ...any) {
	r.reasons = append(r.reasons, Errorf(Invalid, key, text, args...))
}

func (r *histRow) str(key string) string { return strings.TrimSpace(r.v[key]) }

// text reads a text column of at most max characters; required ones must have min.
func (r *histRow) text(key string, min, max int, required bool) string {
	s := r.str(key)
	n := utf8.RuneCountInString(s)
	switch {
	case s == "" && required:
		r.bad("history.missing", "The column %v is empty.", key)
	case s != "" && (n < min || n > max || !regPrintable(s)):
		r.bad("history.text_length", "The column %v must have %v to %v printable characters.", key, min, max)
	}
	return s
}

func (r *histRow) ext(key string, required bool) string { return r.text(key, 1, 64, required) }

// yesno reads 是/否 (or yes/no, y/n, 1/0, true/false); empty is def.
func (r *histRow) yesno(key string, def bool) bool {
	switch strings.ToLower(r.str(key)) {
	case "":
		return def
	case "是", "yes", "y", "1", "true":
		return true
	case "否", "no", "n", "0", "false":
		return false
	}
	r.bad("history.yesno", "The column %v must be 是 or 否 (yes or no).", key)
	return def
}

// enum maps a value (English code or Chinese label) to its code.
func (r *histRow) enum(key string, required bool, m map[string]string) string {
	s := r.str(key)
	if s == "" {
		if required {
			r.bad("history.missing", "The column %v is empty.", key)
		}
		return ""
	}
	if code, ok := m[strings.ToLower(s)]; ok {
		return code
	}
	r.bad("history.enum", "The column %v has “%v”, which is not one of its values.", key, s)
	return ""
}

func (r *histRow) date(key string, required bool) string {
	s := r.str(key)
	if s == "" {
		if required {
			r.bad("history.missing", "The column %v is empty.", key)
		}
		return ""
	}
	s = strings.ReplaceAll(s, "/", "-")
	t, err := time.ParseInLocation(time.DateOnly, s, ChinaTime)
	if err != nil {
		if t2, ok := histDateTime(s); ok {
			t, err = t2, nil
		}
	}
	if err != nil || t.Year() < 1950 {
		r.bad("history.date", "The column %v must be a date written YYYY-MM-DD.", key)
		return ""
	}
	if t.After(r.today) {
		r.bad("history.future", "The column %v is a date in the future.", key)
	}
	return t.Format(time.DateOnly)
}

// histDateTime reads a China-time date and time.
func histDateTime(s string) (time.Time, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "/", "-")
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, s, ChinaTime); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (r *histRow) datetime(key string) time.Time {
	s := r.str(key)
	if s == "" {
		r.bad("history.missing", "The column %v is empty.", key)
		return time.Time{}
	}
	t, ok := histDateTime(s)
	if !ok || t.Year() < 1950 {
		r.bad("history.datetime", "The column %v must be a date and time written YYYY-MM-DD HH:MM.", key)
		return time.Time{}
	}
	if t.After(r.today) {
		r.bad("history.future", "The column %v is a time in the future.", key)
	}
	return t.UTC()
}

func (r *histRow) integer(key string, min, max int) int {
	s := r.str(key)
	n, err := strconv.Atoi(s)
	if s == "" {
		r.bad("history.missing", "The column %v is empty.", key)
		return 0
	}
	if err != nil || n < min || n > max {
		r.bad("history.int", "The column %v must be a whole number from %v to %v.", key, min, max)
		return 0
	}
	return n
}

func (r *histRow) decimal(key string, min, max float64, required bool) (float64, bool) {
	s := r.str(key)
	if s == "" {
		if required {
			r.bad("history.missing", "The column %v is empty.", key)
		}
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= min && f <= max) {
		r.bad("history.decimal", "The column %v must be a number from %v to %v.", key, min, max)
		return 0, false
	}
	return f, true
}

func (r *histRow) idNumber(key string) IDNumber {
	s := r.str(key)
	if s == "" {
		r.bad("history.missing", "The column %v is empty.", key)
		return ""
	}
	id, err := ParseIDNumber(s, r.today)
	if err != nil {
		r.reasons = append(r.reasons, Reasons(err)...)
		return ""
	}
	return id
}

func (r *histRow) personName(key string) string {
	name, ok := regName(r.str(key))
	if !ok {
		r.reasons = append(r.reasons, errPersonName())
	}
	return name
}

func (r *histRow) county(key string, required bool) string {
	s := r.str(key)
	if s == "" && !required {
		return ""
	}
	if !IsCountyCode(s) {
		r.bad("history.county", "The column %v must be a six-digit county code.", key)
	}
	return s
}

func (r *histRow) blacklist() HistBlacklist {
	b := HistBlacklist{On: r.yesno("blacklisted", false)}
	if !b.On {
		return b
	}
	b.Reason = r.str("blacklist_reason")
	if n := utf8.RuneCountInString(b.Reason); n < 4 || n > 1000 {
		r.bad("history.blacklist_reason", "A blacklisted row needs its reason (4 to 1000 characters).")
	}
	b.Since = r.date("blacklist_since", true)
	return b
}

var (
	histOrgKinds    = map[string]string{"institution": "institution", "培训机构": "institution", "school": "school", "技工院校": "school", "assessor": "assessor", "评价机构": "assessor", "employer": "employer", "用人单位": "employer"}
	histHouseholds  = map[string]string{"urban": HouseholdUrban, "城镇": HouseholdUrban, "rural": HouseholdRural, "农村": HouseholdRural}
	histLevels      = map[string]string{"5": "5", "4": "4", "3": "3", "2": "2", "1": "1", "五级": "5", "四级": "4", "三级": "3", "二级": "2", "一级": "1", "初级": "5", "中级": "4", "高级": "3", "special": "special", "专项": "special", "completion": "completion", "培训合格": "completion"}
	histFundings    = map[string]string{"subsidised": FundingSubsidised, "补贴": FundingSubsidised, "self": FundingSelf, "自费": FundingSelf}
	histClassStates = map[string]string{"closed": string(ClassClosed), "已结业": string(ClassClosed), "cancelled": string(ClassCancelled), "已取消": string(ClassCancelled),
		"approved": string(ClassApproved), "已审核": string(ClassApproved), "in_progress": string(ClassInProgress), "开班中": string(ClassInProgress)}
	histSessionKinds = map[string]string{"theory": SessionTheory, "理论": SessionTheory, "practice": SessionPractice, "实操": SessionPractice}
	histTraineeState = map[string]string{"completed": string(TraineeCompleted), "已结业": string(TraineeCompleted), "not_completed": string(TraineeNotCompleted),
		"未结业": string(TraineeNotCompleted), "withdrawn": string(TraineeWithdrawn), "已退出": string(TraineeWithdrawn), "enrolled": string(TraineeEnrolled), "在读": string(TraineeEnrolled)}
	histDirections  = map[string]string{"in": CheckIn, "签到": CheckIn, "out": CheckOut, "签退": CheckOut}
	histDeviceKinds = map[string]string{"terminal": "terminal", "考勤机": "terminal", "phone": "phone", "手机": "phone"}
	histCertKinds   = map[string]string{"skill": string(CertSkill), "职业技能等级证书": string(CertSkill), "special": string(CertSpecial), "专项职业能力证书": string(CertSpecial),
		"training": string(CertTraining), "培训合格证书": string(CertTraining)}
)

// ParseHistOrg checks a row of organisations.csv on its own.
func ParseHistOrg(line int, v map[string]string, today time.Time) (HistOrg, []*Error) {
	r := &histRow{v: v, today: today}
	h := HistOrg{Line: line, ExtID: r.ext("ext_id", true)}
	kind := r.enum("kind", true, histOrgKinds)
	if len(r.reasons) == 0 {
		o, err := OrgInput{Kind: kind, Name: r.str("name"), CreditCode: r.str("credit_code"), County: r.str("county"), Address: r.str("address")}.Validate(nil)
		if err != nil {
			r.reasons = append(r.reasons, Reasons(err)...)
		}
		h.Org = o
	}
	h.Scope = r.scope("scope", kind)
	h.Blacklist = r.blacklist()
	return h, r.reasons
}

// scope reads an approved-scope column: occupation:level pairs separated by ; (or ；), the
// colon half- or full-width, the level as in every other file. Only institutions and schools
// have one.
func (r *histRow) scope(key, kind string) []ScopeEntry {
	s := strings.ReplaceAll(strings.ReplaceAll(r.str(key), "；", ";"), "：", ":")
	if s == "" {
		return nil
	}
	if kind != "" && kind != string(OrgInstitution) && kind != string(OrgSchool) {
		r.bad("history.scope_kind", "Only a training institution or a technical school has an approved training scope.")
		return nil
	}
	var out []ScopeEntry
	for _, pair := range strings.Split(s, ";") {
		code, lv, ok := strings.Cut(strings.TrimSpace(pair), ":")
		level, known := histLevels[strings.TrimSpace(lv)]
		if strings.TrimSpace(pair) == "" {
			continue
		}
		if !ok || !known {
			r.bad("history.scope_pair", "The scope entry %v is not an occupation code and a level joined by a colon, such as 4-10-01-05:5.", pair)
			continue
		}
		e, err := ScopeEntry{OccupationCode: code, Level: level}.Validate()
		if err != nil {
			r.reasons = append(r.reasons, Reasons(err)...)
			continue
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// ParseHistPerson checks a row of persons.csv on its own. The phone is optional: the previous
// system may not have had one.
func ParseHistPerson(line int, v map[string]string, today time.Time) (HistPerson, []*Error) {
	r := &histRow{v: v, today: today}
	h := HistPerson{Line: line, ExtID: r.ext("ext_id", true)}
	id := r.idNumber("id_number")
	name := r.personName("name")
	p := Person{IDNumber: id, Name: name, County: r.county("county", true), Household: r.enum("household", false, histHouseholds), Employment: EmploymentUnknown}
	if s := r.str("phone"); s != "" {
		phone, err := ParseMobile(s)
		if err != nil {
			r.reasons = append(r.reasons, Reasons(err)...)
		}
		p.Phone = phone
	}
	if id != "" {
		p.Sex, p.BirthDate = id.Sex(), id.Birth().Format(time.DateOnly)
	}
	h.Person = p
	h.Blacklist = r.blacklist()
	return h, r.reasons
}

// ParseHistClass checks a row of classes.csv on its own.
func ParseHistClass(line int, v map[string]string, today time.Time) (HistClass, []*Error) {
	r := &histRow{v: v, today: today}
	h := HistClass{Line: line, ExtID: r.ext("ext_id", true), OrgExt: r.ext("org_ext_id", true)}
	h.Name = r.text("name", 2, 100, true)
	h.OccupationCode = r.str("occupation_code")
	if _, err := (ScopeEntry{OccupationCode: h.OccupationCode, Level: "x"}).Validate(); err != nil {
		r.reasons = append(r.reasons, Reasons(err)...)
	}
	h.Level = r.enum("level", true, histLevels)
	h.Funding = r.enum("funding", true, histFundings)
	h.Capacity = r.integer("capacity", 1, 1000)
	lat, _ := r.decimal("venue_lat", 18, 54, true)
	lng, _ := r.decimal("venue_lng", 73, 136, true)
	h.Venue = Venue{Name: r.text("venue_name", 2, 100, true), Address: r.text("venue_address", 4, 200, true), Lat: lat, Lng: lng}
	h.County = r.county("county", false)
	h.FiledAt = r.datetime("filed_at")
	h.Status = ClassStatus(r.enum("status", true, histClassStates))
	return h, r.reasons
}

// ParseHistSession checks a row of sessions.csv on its own.
func ParseHistSession(line int, v map[string]string, today time.Time) (HistSession, []*Error) {
	r := &histRow{v: v, today: today}
	h := HistSession{Line: line, ExtID: r.ext("ext_id", true), ClassExt: r.ext("class_ext_id", true)}
	h.Starts, h.Ends = r.datetime("starts_at"), r.datetime("ends_at")
	if !h.Starts.IsZero() && !h.Ends.IsZero() && (!h.Ends.After(h.Starts) || h.Ends.Sub(h.Starts) > 12*time.Hour) {
		r.bad("history.session_times", "The session must end after it starts, at most 12 hours later.")
	}
	h.Kind = r.enum("kind", true, histSessionKinds)
	h.Teacher = Teacher{Name: r.personName("teacher_name"), IDNumber: r.idNumber("teacher_id_number"), Qualification: "历史数据迁入"}
	return h, r.reasons
}

// ParseHistTrainee checks a row of rosters.csv on its own.
func ParseHistTrainee(line int, v map[string]string, today time.Time) (HistTrainee, []*Error) {
	r := &histRow{v: v, today: today}
	h := HistTrainee{Line: line, ExtID: r.ext("ext_id", true), ClassExt: r.ext("class_ext_id", true), PersonExt: r.ext("person_ext_id", true)}
	h.Status = TraineeStatus(r.enum("status", true, histTraineeState))
	h.Minutes = r.integer("attended_minutes", 0, 100000)
	return h, r.reasons
}

// ParseHistEvent checks a row of attendance.csv on its own.
func ParseHistEvent(line int, v map[string]string, today time.Time) (HistEvent, []*Error) {
	r := &histRow{v: v, today: today}
	h := HistEvent{Line: line, ExtID: r.ext("ext_id", true), SessionExt: r.ext("session_ext_id", true), PersonExt: r.ext("person_ext_id", true)}
	h.At = r.datetime("at")
	h.Kind = r.enum("direction", true, histDirections)
	h.Device = r.text("device_id", 1, 64, false)
	kind := r.enum("device_kind", false, histDeviceKinds)
	h.Terminal = kind == "terminal" || (kind == "" && h.Device != "")
	lat, okLat := r.decimal("lat", 18, 54, false)
	lng, okLng := r.decimal("lng", 73, 136, false)
	if okLat != okLng && (r.str("lat") == "") != (r.str("lng") == "") {
		r.bad("history.place", "Give both lat and lng, or neither.")
	}
	h.Lat, h.Lng, h.HasPlace = lat, lng, okLat && okLng
	return h, r.reasons
}

// ParseHistCertificate checks a row of certificates.csv on its own.
func ParseHistCertificate(line int, v map[string]string, today time.Time) (HistCertificate, []*Error) {
	r := &histRow{v: v, today: today}
	h := HistCertificate{Line: line, ExtID: r.ext("ext_id", true), PersonExt: r.ext("person_ext_id", true), IssuerExt: r.ext("issuer_org_ext_id", false)}
	h.Number = strings.ToUpper(r.text("number", 4, 64, true))
	h.OccupationCode = r.str("occupation_code")
	if _, err := (ScopeEntry{OccupationCode: h.OccupationCode, Level: "x"}).Validate(); err != nil {
		r.reasons = append(r.reasons, Reasons(err)...)
	}
	h.Level = r.enum("level", true, histLevels)
	h.Kind = CertKindOf(h.Level)
	if k := r.enum("kind", false, histCertKinds); k != "" && h.Level != "" && CertKind(k) != h.Kind {
		r.bad("history.cert_kind", "The certificate kind does not match its level.")
	}
	h.IssuerName = r.text("issuer_name", 2, 100, true)
	h.IssuedOn = r.date("issued_on", true)
	h.Revoked = r.yesno("revoked", false)
	return h, r.reasons
}

// ParseHistInsurance checks a row of insurance.csv on its own.
func ParseHistInsurance(line int, v map[string]string, today time.Time) (HistInsurance, []*Error) {
	r := &histRow{v: v, today: today}
	h := HistInsurance{Line: line, ExtID: r.ext("ext_id", true), PersonExt: r.ext("person_ext_id", true)}
	h.Employer = r.text("employer", 2, 100, true)
	h.FullTime = r.yesno("full_time", true)
	h.StartsOn, h.EndsOn = r.date("starts_on", true), r.date("ends_on", false)
	if h.StartsOn != "" && h.EndsOn != "" && h.EndsOn < h.StartsOn {
		r.bad("history.period", "The insurance ends before it starts.")
	}
	return h, r.reasons
}

// ParseHistSubsidy checks a row of subsidies.csv on its own.
func ParseHistSubsidy(line int, v map[string]string, today time.Time) (HistSubsidy, []*Error) {
	r := &histRow{v: v, today: today}
	h := HistSubsidy{Line: line, ExtID: r.ext("ext_id", true), PersonExt: r.ext("person_ext_id", true), ClassExt: r.ext("class_ext_id", false)}
	h.OccupationCode = r.str("occupation_code")
	if _, err := (ScopeEntry{OccupationCode: h.OccupationCode, Level: "x"}).Validate(); err != nil {
		r.reasons = append(r.reasons, Reasons(err)...)
	}
	h.Level = r.enum("level", true, histLevels)
	h.Year = r.integer("year", 2000, today.In(ChinaTime).Year())
	h.PaidOn = r.date("paid_on", true)
	if s := r.str("amount"); s == "" {
		r.bad("history.missing", "The column %v is empty.", "amount")
	} else if fen, ok := ParseFen(s); !ok || fen <= 0 {
		r.bad("history.amount", "The amount must be in yuan with at most two decimals and more than 0, such as 1500.00.")
	} else {
		h.AmountFen = fen
	}
	h.Payee = r.text("payee", 1, 100, false)
	return h, r.reasons
}
