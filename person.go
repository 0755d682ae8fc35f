package xiangpei

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Person is one entry of the person registry (SPEC §3): one person, one ID number. Birth date
// and sex are derived from the ID number and never typed.
type Person struct {
	ID         int64
	IDNumber   IDNumber
	Name       string
	Sex        Sex
	BirthDate  string // YYYY-MM-DD, from the ID number
	Phone      string // 11-digit mobile number
	Household  string // "", HouseholdUrban or HouseholdRural
	County     string // GB/T 2260 county code where the person lives
	Employment string // one of Employments
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64
}

// MaskedID is the ID number as shown by default, with the birth date hidden.
func (p Person) MaskedID() string { return p.IDNumber.Masked() }

// MaskedPhone is the phone number as shown by default (138****5678); empty when there is none.
func (p Person) MaskedPhone() string {
	if p.Phone == "" {
		return ""
	}
	return MaskPhone(p.Phone)
}

// Household types (户籍类型).
const (
	HouseholdUrban = "urban" // 城镇
	HouseholdRural = "rural" // 农村
)

// Employment statuses of a person; a new person's status is unknown until someone records it.
const (
	EmploymentUnknown    = "unknown"
	EmploymentEmployed   = "employed"
	EmploymentUnemployed = "unemployed"
	EmploymentStudent    = "student"
	EmploymentRetired    = "retired"
)

// Employments lists the employment statuses in display order.
var Employments = []string{EmploymentUnknown, EmploymentEmployed, EmploymentUnemployed, EmploymentStudent, EmploymentRetired}

// PersonInput is what a person (or an officer for them) types to register.
type PersonInput struct {
	IDNumber  string
	Name      string
	Phone     string
	Household string
	County    string
}

// Validate checks a registration and returns the person it describes (without id or times).
// The ID number's own error is returned as it is; birth date and sex come from the ID number.
// There is no age limit: registration is open to everyone.
func (in PersonInput) Validate(today time.Time, knownCounty func(string) bool) (Person, error) {
	id, err := ParseIDNumber(in.IDNumber, today)
	if err != nil {
		return Person{}, err
	}
	name, ok := regName(in.Name)
	if !ok {
		return Person{}, Errorf(Invalid, "person.name", "Give the full name as written on the ID card: 2 to 30 Chinese characters or letters, with · between the parts of a foreign or minority name.")
	}
	c, err := PersonChange{Phone: in.Phone, Household: in.Household, County: in.County, Employment: EmploymentUnknown}.Validate(knownCounty)
	if err != nil {
		return Person{}, err
	}
	return Person{
		IDNumber:   id,
		Name:       name,
		Sex:        id.Sex(),
		BirthDate:  id.Birth().Format(time.DateOnly),
		Phone:      c.Phone,
		Household:  c.Household,
		County:     c.County,
		Employment: c.Employment,
	}, nil
}

// PersonChange is what may change on a registered person; name, ID number, birth date and sex
// may not, since they come from the ID card.
type PersonChange struct {
	Phone      string
	Household  string
	County     string
	Employment string
}

// Validate checks and normalises a change: the phone through ParseMobile, the household type,
// the county against knownCounty (nil accepts any well-formed county code) and the employment status.
func (c PersonChange) Validate(knownCounty func(string) bool) (PersonChange, error) {
	c.Phone = strings.TrimSpace(c.Phone)
	if c.Phone == "" {
		return c, Errorf(Invalid, "person.phone_missing", "Give a mobile phone number, so that we can reach you about training and jobs.")
	}
	phone, err := ParseMobile(c.Phone)
	if err != nil {
		return c, err
	}
	c.Phone = phone
	c.Household = strings.TrimSpace(c.Household)
	if c.Household != "" && c.Household != HouseholdUrban && c.Household != HouseholdRural {
		return c, Errorf(Invalid, "person.household", "Choose the household type: urban or rural.")
	}
	c.County = strings.TrimSpace(c.County)
	if !IsCountyCode(c.County) || (knownCounty != nil && !knownCounty(c.County)) {
		return c, Errorf(Invalid, "person.county", "Choose the county or district where you live from the list.")
	}
	c.Employment = strings.TrimSpace(c.Employment)
	if c.Employment == "" {
		c.Employment = EmploymentUnknown
	}
	if !slices.Contains(Employments, c.Employment) {
		return c, Errorf(Invalid, "person.employment", "Choose an employment status from the list.")
	}
	return c, nil
}

// IsCountyCode reports whether s has the form of a county-level GB/T 2260 code: six digits,
// a province prefix, and not a province or city code.
func IsCountyCode(s string) bool {
	return len(s) == 6 && idAllDigits(s) && idValidProvince(s[:2]) && RegionLevel(s) == "county"
}

// CheckUnmaskReason checks the reason (事由) given for seeing a full ID number or phone.
func CheckUnmaskReason(field, reason string) error {
	if field != "id_number" && field != "phone" {
		return Errorf(Invalid, "person.unmask_field", "Only the ID number or the phone number can be shown in full.")
	}
	if utf8.RuneCountInString(strings.TrimSpace(reason)) < 4 {
		return Errorf(Invalid, "person.unmask_reason", "Say why you need to see the full number (at least 4 characters). This is recorded.")
	}
	return nil
}

// KeyGroupMembership records that a person belongs to a key group (重点群体), with the evidence
// seen and the officer who verified it.
type KeyGroupMembership struct {
	ID         int64
	PersonID   int64
	Group      string // key_groups code
	Detail     string // e.g. graduation year, disability certificate number
	Evidence   string // what was seen: document name and number
	VerifiedBy int64  // account id of the officer
	VerifiedAt time.Time
	Sensitive  bool // the group is sensitive personal information (disability, veteran status)
}

// Validate checks a membership before it is recorded.
func (m KeyGroupMembership) Validate() (KeyGroupMembership, error) {
	m.Group = strings.TrimSpace(m.Group)
	m.Detail = strings.TrimSpace(m.Detail)
	m.Evidence = strings.TrimSpace(m.Evidence)
	if m.Group == "" {
		return m, Errorf(Invalid, "keygroup.group", "Choose a key group from the list.")
	}
	if m.Evidence == "" || utf8.RuneCountInString(m.Evidence) > 500 {
		return m, Errorf(Invalid, "keygroup.evidence", "Write down the evidence you checked, such as the name and number of the certificate (at most 500 characters).")
	}
	if utf8.RuneCountInString(m.Detail) > 200 {
		return m, Errorf(Invalid, "keygroup.detail", "The detail is too long: at most 200 characters.")
	}
	return m, nil
}

// CheckRemovalReason checks the reason for removing a key-group membership.
func CheckRemovalReason(reason string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(reason)); n < 4 || n > 500 {
		return Errorf(Invalid, "keygroup.remove_reason", "Say why the key group is removed (4 to 500 characters). This is recorded.")
	}
	return nil
}

// Organisation is a training institution, technical school, assessment body or employer,
// identified by its unified social credit code.
type Organisation struct {
	ID         int64
	Kind       OrgKind
	Name       string
	CreditCode CreditCode
	CodeStatus CodeStatus
	County     string
	Address    string
	Contact    string // contact person's name
	Phone      string // mobile or landline
	Capacity   int    // trainees at one time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64
}

// OrgInput is what an administrator or officer types to register an organisation.
type OrgInput struct {
	Kind       string
	Name       string
	CreditCode string
	County     string
	Address    string
	Contact    string
	Phone      string
	Capacity   int
}

// Validate checks an organisation. A credit code whose only fault is its check character is
// not refused: the organisation is registered with CodeStatus pending, for an officer to confirm.
func (in OrgInput) Validate(knownCounty func(string) bool) (Organisation, error) {
	kind := OrgKind(strings.TrimSpace(in.Kind))
	if !kind.Valid() {
		return Organisation{}, Errorf(Invalid, "org.kind", "Choose what kind of organisation this is: training institution, technical school, assessment body or employer.")
	}
	code, ok, err := ParseCreditCode(in.CreditCode)
	if err != nil {
		return Organisation{}, err
	}
	status := CodeValid
	if !ok {
		status = CodePending
	}
	o := Organisation{Kind: kind, CreditCode: code, CodeStatus: status}
	if err := o.setFields(in, knownCounty); err != nil {
		return Organisation{}, err
	}
	return o, nil
}

// Edit applies the editable fields of in (name, county, address, contact, phone, capacity) to
// o; kind and credit code identify the organisation and do not change.
func (o Organisation) Edit(in OrgInput, knownCounty func(string) bool) (Organisation, error) {
	err := o.setFields(in, knownCounty)
	return o, err
}

func (o *Organisation) setFields(in OrgInput, knownCounty func(string) bool) error {
	o.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(o.Name); n < 2 || n > 100 || !regPrintable(o.Name) {
		return Errorf(Invalid, "org.name", "Give the organisation's registered name (2 to 100 characters).")
	}
	o.County = strings.TrimSpace(in.County)
	if !IsCountyCode(o.County) || (knownCounty != nil && !knownCounty(o.County)) {
		return Errorf(Invalid, "org.county", "Choose the county or district where the organisation is registered.")
	}
	o.Address = strings.TrimSpace(in.Address)
	if utf8.RuneCountInString(o.Address) > 200 || !regPrintable(o.Address) {
		return Errorf(Invalid, "org.address", "The address is too long: at most 200 characters.")
	}
	o.Contact = strings.TrimSpace(in.Contact)
	if utf8.RuneCountInString(o.Contact) > 30 || !regPrintable(o.Contact) {
		return Errorf(Invalid, "org.contact", "The contact person's name is too long: at most 30 characters.")
	}
	phone, err := regOrgPhone(in.Phone)
	if err != nil {
		return err
	}
	o.Phone = phone
	if in.Capacity < 0 || in.Capacity > 100000 {
		return Errorf(Invalid, "org.capacity", "The capacity must be a number of trainees from 0 to 100000.")
	}
	o.Capacity = in.Capacity
	return nil
}

// CheckCodeDecision checks an officer's decision on a pending credit code: a reason is required.
func CheckCodeDecision(reason string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(reason)); n < 4 || n > 500 {
		return Errorf(Invalid, "org.code_reason", "Say how you checked the credit code, for example against the business licence (4 to 500 characters).")
	}
	return nil
}

// regLandline matches a landline with area code (0731-12345678, extension allowed) or a 400 number.
var regLandline = regexp.MustCompile(`^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|400-?\d{3}-?\d{4})$`)

// regOrgPhone accepts an empty phone, a mobile number (normalised) or a landline.
func regOrgPhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if m, err := ParseMobile(s); err == nil {
		return m, nil
	}
	l := strings.NewReplacer(" ", "", "(", "", "（", "", ")", "-", "）", "-", "—", "-", "－", "-").Replace(s)
	if regLandline.MatchString(l) {
		return l, nil
	}
	return "", Errorf(Invalid, "org.phone", "The phone number is not valid: give a mobile number or a landline with its area code, such as 0731-22837000.")
}

// ScopeEntry is one line of an organisation's approved scope: an occupation (细类, depth 4) and
// a skill level it may train or assess.
type ScopeEntry struct {
	ID             int64
	OrgID          int64
	OccupationCode string
	Level          string
}

// regOccupationCode is the form of a detailed occupation code, 大类-中类-小类-细类.
var regOccupationCode = regexp.MustCompile(`^\d-\d{2}-\d{2}-\d{2}$`)

// Validate checks the form of a scope entry; the store checks it against the catalogue.
func (e ScopeEntry) Validate() (ScopeEntry, error) {
	e.OccupationCode = strings.TrimSpace(e.OccupationCode)
	e.Level = strings.TrimSpace(e.Level)
	if !regOccupationCode.MatchString(e.OccupationCode) {
		return e, Errorf(Invalid, "scope.occupation", "Choose an occupation from the catalogue, down to its most detailed entry (a code like 4-10-01-05).")
	}
	if e.Level == "" {
		return e, Errorf(Invalid, "scope.level", "Choose a skill level from the list.")
	}
	return e, nil
}

// Venue is a place where an organisation trains, with coordinates for attendance checks.
type Venue struct {
	ID      int64
	OrgID   int64
	Name    string
	Address string
	County  string
	Lat     float64
	Lng     float64
}

// Validate checks a venue; its coordinates must lie in China (latitude 18–54, longitude 73–136).
func (v Venue) Validate(knownCounty func(string) bool) (Venue, error) {
	v.Name = strings.TrimSpace(v.Name)
	v.Address = strings.TrimSpace(v.Address)
	v.County = strings.TrimSpace(v.County)
	if n := utf8.RuneCountInString(v.Name); n < 2 || n > 100 || !regPrintable(v.Name) {
		return v, Errorf(Invalid, "venue.name", "Give the venue a name (2 to 100 characters).")
	}
	if n := utf8.RuneCountInString(v.Address); n < 4 || n > 200 || !regPrintable(v.Address) {
		return v, Errorf(Invalid, "venue.address", "Give the venue's full address (4 to 200 characters).")
	}
	if !IsCountyCode(v.County) || (knownCounty != nil && !knownCounty(v.County)) {
		return v, Errorf(Invalid, "venue.county", "Choose the county or district where the venue is.")
	}
	if !(v.Lat >= 18 && v.Lat <= 54 && v.Lng >= 73 && v.Lng <= 136) {
		return v, Errorf(Invalid, "venue.coords", "The venue's position is not in China: pick it on the map again (latitude 18 to 54, longitude 73 to 136).")
	}
	return v, nil
}

// Teacher is a teacher of an organisation, with the qualification that lets them teach.
type Teacher struct {
	ID             int64
	OrgID          int64
	Name           string
	IDNumber       IDNumber
	Qualification  string // e.g. teacher certificate, title
	OccupationCode string // optional: the occupation of the teacher's skill certificate
	Level          string // optional: its skill level
	CertificateNo  string
}

// MaskedID is the teacher's ID number as shown by default.
func (t Teacher) MaskedID() string { return t.IDNumber.Masked() }

// Validate parses the teacher's ID number and checks the other fields.
func (t Teacher) Validate(today time.Time) (Teacher, error) {
	name, ok := regName(t.Name)
	if !ok {
		return t, Errorf(Invalid, "teacher.name", "Give the teacher's full name as written on the ID card: 2 to 30 Chinese characters or letters.")
	}
	t.Name = name
	id, err := ParseIDNumber(string(t.IDNumber), today)
	if err != nil {
		return t, err
	}
	t.IDNumber = id
	t.Qualification = strings.TrimSpace(t.Qualification)
	if n := utf8.RuneCountInString(t.Qualification); n < 2 || n > 100 || !regPrintable(t.Qualification) {
		return t, Errorf(Invalid, "teacher.qualification", "Give the teacher's qualification, such as a teacher certificate or a skill certificate (2 to 100 characters).")
	}
	t.OccupationCode = strings.TrimSpace(t.OccupationCode)
	t.Level = strings.TrimSpace(t.Level)
	if t.OccupationCode != "" && !regOccupationCode.MatchString(t.OccupationCode) {
		return t, Errorf(Invalid, "scope.occupation", "Choose an occupation from the catalogue, down to its most detailed entry (a code like 4-10-01-05).")
	}
	if t.Level != "" && t.OccupationCode == "" {
		return t, Errorf(Invalid, "teacher.level", "A skill level needs its occupation: choose the occupation too.")
	}
	t.CertificateNo = strings.TrimSpace(t.CertificateNo)
	if utf8.RuneCountInString(t.CertificateNo) > 50 || !regPrintable(t.CertificateNo) {
		return t, Errorf(Invalid, "teacher.certificate", "The certificate number is too long: at most 50 characters.")
	}
	return t, nil
}

// SanctionEntry is one decided sanction as recorded: dates are calendar days in China time,
// and EndsOn is the last day in force (empty: until lifted).
type SanctionEntry struct {
	ID        int64
	OrgID     int64
	Kind      Sanction
	Reason    string
	Evidence  string
	StartsOn  string // YYYY-MM-DD
	EndsOn    string // YYYY-MM-DD, inclusive; "" for open-ended
	DecidedBy int64  // account id of the officer
	CreatedAt time.Time
}

// Record turns the entry into its period: from the start of StartsOn to the end of EndsOn, China time.
func (e SanctionEntry) Record() (SanctionRecord, error) {
	r := SanctionRecord{Kind: e.Kind}
	if e.StartsOn != "" {
		t, err := time.ParseInLocation(time.DateOnly, e.StartsOn, ChinaTime)
		if err != nil {
			return r, Errorf(Invalid, "sanction.date", "A date of the sanction is not valid: write it as YYYY-MM-DD.")
		}
		r.From = t
	}
	if e.EndsOn != "" {
		t, err := time.ParseInLocation(time.DateOnly, e.EndsOn, ChinaTime)
		if err != nil {
			return r, Errorf(Invalid, "sanction.date", "A date of the sanction is not valid: write it as YYYY-MM-DD.")
		}
		r.Until = t.AddDate(0, 0, 1)
	}
	return r, nil
}

// Validate checks a sanction decision: ladder step, reason, evidence and period.
func (e SanctionEntry) Validate() (SanctionEntry, error) {
	e.Reason = strings.TrimSpace(e.Reason)
	e.Evidence = strings.TrimSpace(e.Evidence)
	e.StartsOn = strings.TrimSpace(e.StartsOn)
	e.EndsOn = strings.TrimSpace(e.EndsOn)
	r, err := e.Record()
	if err != nil {
		return e, err
	}
	if err := CheckSanctionInput(e.Kind, e.Reason, r.From, r.Until); err != nil {
		return e, err
	}
	if utf8.RuneCountInString(e.Reason) > 1000 {
		return e, Errorf(Invalid, "sanction.reason_length", "The reason is too long: at most 1000 characters.")
	}
	if e.Evidence == "" || utf8.RuneCountInString(e.Evidence) > 1000 {
		return e, Errorf(Invalid, "sanction.evidence", "Write down the evidence for the sanction, such as the inspection record number (at most 1000 characters).")
	}
	return e, nil
}

// regName checks and normalises a person's name: 2–30 runes of Han characters or letters, with
// a middle dot between parts (variants of the dot are normalised to ·).
func regName(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '•', '・', '･', '‧', '∙', '⋅':
			return '·'
		}
		return r
	}, strings.TrimSpace(s))
	n := utf8.RuneCountInString(s)
	bad := n < 2 || n > 30 || strings.HasPrefix(s, "·") || strings.HasSuffix(s, "·") || strings.Contains(s, "··")
	for _, r := range s {
		if r != '·' && !unicode.IsLetter(r) && !unicode.Is(unicode.Han, r) {
			bad = true
		}
	}
	return s, !bad
}

// regPrintable reports whether s is valid UTF-8 without control characters.
func regPrintable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// RegistryMessages holds, per language and error key, the messages of the person and
// organisation registry, filled with the error's Args like DomainMessages.
var RegistryMessages = map[string]map[string]string{
	"zh-CN": {
		"person.name":              "请按身份证填写姓名：2到30个汉字或字母，少数民族或外国人姓名中间用“·”隔开。",
		"person.phone_missing":     "请填写手机号，方便我们通知您培训和工作的消息。",
		"person.household":         "请选择户籍类型：城镇或农村。",
		"person.county":            "请从列表中选择您居住的区县。",
		"person.employment":        "请从列表中选择就业状态。",
		"person.duplicate_id":      "这个身份证号已经登记过了，不用再登记。请直接登录，或查找已有的记录。",
		"person.unmask_field":      "只能查看完整的身份证号或手机号。",
		"person.unmask_reason":     "请写明查看完整号码的事由（至少4个字），系统会记录。",
		"keygroup.group":           "请从列表中选择重点群体。",
		"keygroup.unknown":         "没有这个重点群体，请从列表中选择。",
		"keygroup.evidence":        "请写明核实时看过的材料，比如证件名称和编号（最多500字）。",
		"keygroup.detail":          "补充说明太长了，最多200字。",
		"keygroup.duplicate":       "这个人已经登记在这个重点群体里了。",
		"keygroup.remove_reason":   "请写明取消这个重点群体的原因（4到500字），系统会记录。",
		"org.kind":                 "请选择单位类型：培训机构、技工院校、评价机构或用人单位。",
		"org.name":                 "请填写单位的登记名称（2到100个字）。",
		"org.county":               "请选择单位登记所在的区县。",
		"org.address":              "地址太长了，最多200字。",
		"org.contact":              "联系人姓名太长了，最多30字。",
		"org.phone":                "电话号码不对：请填写手机号，或带区号的座机号，比如 0731-22837000。",
		"org.capacity":             "容纳人数应是0到100000之间的数字。",
		"org.duplicate_code":       "这个统一社会信用代码已经登记过了，不用再登记。请查找已有的单位。",
		"org.code_not_pending":     "这个单位的信用代码不在待确认状态，不需要再确认。",
		"org.code_reason":          "请写明您是怎样核对信用代码的，比如对照营业执照（4到500字）。",
		"org.officer_only":         "只有人社部门经办人员才能做这件事。",
		"org.not_training":         "用人单位没有培训或评价范围，不能添加。",
		"scope.occupation":         "请从职业目录中选择职业，要选到最细的一级（编码像 4-10-01-05）。",
		"scope.level":              "请从列表中选择技能等级。",
		"scope.unknown_occupation": "职业目录里没有这个职业，或者它不是最细的一级，请重新选择。",
		"scope.unknown_level":      "没有这个技能等级，请从列表中选择。",
		"scope.remove_reason":      "请写明从范围中去掉这个职业的原因（4到500字），系统会记录。",
		"scope.level_not_offered":  "这个职业没有这个技能等级，请从它的等级中选择。",
		"scope.duplicate":          "这个职业和等级已经在单位的范围里了。",
		"venue.name":               "请给场地起个名字（2到100个字）。",
		"venue.address":            "请填写场地的详细地址（4到200字）。",
		"venue.county":             "请选择场地所在的区县。",
		"venue.coords":             "场地位置不在中国境内，请在地图上重新选择（纬度18到54，经度73到136）。",
		"teacher.name":             "请按身份证填写老师的姓名：2到30个汉字或字母。",
		"teacher.qualification":    "请填写老师的资格，比如教师资格证或职业技能等级证书（2到100个字）。",
		"teacher.level":            "填写技能等级时，也要选择对应的职业。",
		"teacher.certificate":      "证书编号太长了，最多50个字符。",
		"teacher.duplicate":        "这位老师已经在本单位登记过了。",
		"sanction.kind":            "请选择处理方式：约谈、整改、停业整顿、移出目录或列入黑名单。",
		"sanction.reason":          "请写明处理的原因（至少4个字）。",
		"sanction.from":            "请填写处理开始的日期。",
		"sanction.period":          "结束日期不能早于开始日期。",
		"sanction.date":            "处理日期不对，请按“年-月-日”填写，比如 2026-03-01。",
		"sanction.reason_length":   "处理原因太长了，最多1000字。",
		"sanction.evidence":        "请写明处理的证据，比如检查记录编号（最多1000字）。",
	},
	"en": {
		"person.name":              "Give the full name as written on the ID card: 2 to 30 Chinese characters or letters, with · between the parts of a foreign or minority name.",
		"person.phone_missing":     "Give a mobile phone number, so that we can reach you about training and jobs.",
		"person.household":         "Choose the household type: urban or rural.",
		"person.county":            "Choose the county or district where you live from the list.",
		"person.employment":        "Choose an employment status from the list.",
		"person.duplicate_id":      "This ID number is already registered, so there is no need to register again. Sign in, or look up the existing record.",
		"person.unmask_field":      "Only the ID number or the phone number can be shown in full.",
		"person.unmask_reason":     "Say why you need to see the full number (at least 4 characters). This is recorded.",
		"keygroup.group":           "Choose a key group from the list.",
		"keygroup.unknown":         "There is no such key group: choose one from the list.",
		"keygroup.evidence":        "Write down the evidence you checked, such as the name and number of the certificate (at most 500 characters).",
		"keygroup.detail":          "The detail is too long: at most 200 characters.",
		"keygroup.duplicate":       "This person is already recorded in this key group.",
		"keygroup.remove_reason":   "Say why the key group is removed (4 to 500 characters). This is recorded.",
		"org.kind":                 "Choose what kind of organisation this is: training institution, technical school, assessment body or employer.",
		"org.name":                 "Give the organisation's registered name (2 to 100 characters).",
		"org.county":               "Choose the county or district where the organisation is registered.",
		"org.address":              "The address is too long: at most 200 characters.",
		"org.contact":              "The contact person's name is too long: at most 30 characters.",
		"org.phone":                "The phone number is not valid: give a mobile number or a landline with its area code, such as 0731-22837000.",
		"org.capacity":             "The capacity must be a number of trainees from 0 to 100000.",
		"org.duplicate_code":       "This unified social credit code is already registered, so there is no need to register it again. Look up the existing organisation.",
		"org.code_not_pending":     "This organisation's credit code is not waiting for confirmation.",
		"org.code_reason":          "Say how you checked the credit code, for example against the business licence (4 to 500 characters).",
		"org.officer_only":         "Only bureau officers can do this.",
		"org.not_training":         "An employer has no training or assessment scope to add to.",
		"scope.occupation":         "Choose an occupation from the catalogue, down to its most detailed entry (a code like 4-10-01-05).",
		"scope.level":              "Choose a skill level from the list.",
		"scope.unknown_occupation": "This occupation is not in the catalogue, or it is not a most detailed entry: choose again.",
		"scope.unknown_level":      "There is no such skill level: choose one from the list.",
		"scope.remove_reason":      "Say why this occupation is removed from the scope (4 to 500 characters). This is recorded.",
		"scope.level_not_offered":  "This occupation has no such skill level: choose one of its levels.",
		"scope.duplicate":          "This occupation and level are already in the organisation's scope.",
		"venue.name":               "Give the venue a name (2 to 100 characters).",
		"venue.address":            "Give the venue's full address (4 to 200 characters).",
		"venue.county":             "Choose the county or district where the venue is.",
		"venue.coords":             "The venue's position is not in China: pick it on the map again (latitude 18 to 54, longitude 73 to 136).",
		"teacher.name":             "Give the teacher's full name as written on the ID card: 2 to 30 Chinese characters or letters.",
		"teacher.qualification":    "Give the teacher's qualification, such as a teacher certificate or a skill certificate (2 to 100 characters).",
		"teacher.level":            "A skill level needs its occupation: choose the occupation too.",
		"teacher.certificate":      "The certificate number is too long: at most 50 characters.",
		"teacher.duplicate":        "This teacher is already registered with this organisation.",
		"sanction.kind":            "Choose a sanction from the ladder.",
		"sanction.reason":          "Give the reason for the sanction (at least 4 characters).",
		"sanction.from":            "Give the date the sanction starts.",
		"sanction.period":          "The sanction must end after it starts.",
		"sanction.date":            "A date of the sanction is not valid: write it as YYYY-MM-DD.",
		"sanction.reason_length":   "The reason is too long: at most 1000 characters.",
		"sanction.evidence":        "Write down the evidence for the sanction, such as the inspection record number (at most 1000 characters).",
	},
}
