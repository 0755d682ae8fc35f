package xiangpei

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var personTestToday = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// personTestID completes 17 digits with their check digit.
func personTestID(first17 string) string {
	return first17 + string(IDCheckDigit(first17))
}

// personTestCounty accepts the Zhuzhou counties the tests use.
func personTestCounty(c string) bool {
	switch c {
	case "430202", "430203", "430204", "430211", "430212", "430223", "430224", "430225", "430281":
		return true
	}
	return false
}

func personTestKey(err error) string {
	if err == nil {
		return ""
	}
	e, ok := err.(*Error)
	if !ok {
		return "not a domain error: " + err.Error()
	}
	return e.Key
}

// personTestErrs collects every domain error the tests below produce, for the catalogue test.
var personTestErrs []error

func personTestNote(err error) error {
	if err != nil {
		personTestErrs = append(personTestErrs, err)
	}
	return err
}

func TestPersonInputValidate(t *testing.T) {
	man := personTestID("43020219900101123")   // 17th digit 3: male
	girl := personTestID("43021120200229004")  // born on a leap day, 17th digit 4 → female
	elder := personTestID("43028119300715004") // 96 years old: registration has no age limit
	base := PersonInput{IDNumber: man, Name: "王小明", Phone: "13812345678", Household: "rural", County: "430202"}

	p, err := base.Validate(personTestToday, personTestCounty)
	if err != nil {
		t.Fatalf("valid input refused: %v", err)
	}
	if p.IDNumber != IDNumber(man) || p.BirthDate != "1990-01-01" || p.Sex != Male || p.Name != "王小明" ||
		p.Phone != "13812345678" || p.Household != HouseholdRural || p.County != "430202" || p.Employment != EmploymentUnknown {
		t.Errorf("unexpected person %+v", p)
	}
	if p.ID != 0 || p.Version != 0 || !p.CreatedAt.IsZero() {
		t.Errorf("Validate must not invent id, version or times: %+v", p)
	}

	ok := []struct {
		name   string
		edit   func(*PersonInput)
		birth  string
		sex    Sex
		person func(Person) string // "" when the result is right
	}{
		{"leap-day girl", func(in *PersonInput) { in.IDNumber = girl }, "2020-02-29", Female, nil},
		{"elder", func(in *PersonInput) { in.IDNumber = elder }, "1930-07-15", Female, nil},
		{"lower-case x", func(in *PersonInput) {
			in.IDNumber = "11010519491231002x"
		}, "1949-12-31", Female, func(p Person) string {
			if p.IDNumber != "11010519491231002X" {
				return "ID not upper-cased: " + string(p.IDNumber)
			}
			return ""
		}},
		{"legacy 15 digits", func(in *PersonInput) { in.IDNumber = "430202900101123" }, "1990-01-01", Male, func(p Person) string {
			if len(p.IDNumber) != 18 {
				return "ID not upgraded: " + string(p.IDNumber)
			}
			return ""
		}},
		{"phone with +86 and spaces", func(in *PersonInput) { in.Phone = "+86 138 1234 5678" }, "1990-01-01", Male, func(p Person) string {
			if p.Phone != "13812345678" {
				return "phone not normalised: " + p.Phone
			}
			return ""
		}},
		{"minority name with dot variant", func(in *PersonInput) { in.Name = " 阿依古丽•买买提 " }, "1990-01-01", Male, func(p Person) string {
			if p.Name != "阿依古丽·买买提" {
				return "name not normalised: " + p.Name
			}
			return ""
		}},
		{"letters", func(in *PersonInput) { in.Name = "Anna·Kowalski" }, "1990-01-01", Male, nil},
		{"empty household", func(in *PersonInput) { in.Household = "" }, "1990-01-01", Male, nil},
		{"urban", func(in *PersonInput) { in.Household = "urban" }, "1990-01-01", Male, nil},
		{"30-rune name", func(in *PersonInput) { in.Name = strings.Repeat("王", 30) }, "1990-01-01", Male, nil},
	}
	for _, c := range ok {
		in := base
		c.edit(&in)
		p, err := in.Validate(personTestToday, personTestCounty)
		if err != nil {
			t.Errorf("%s: refused: %v", c.name, err)
			continue
		}
		if p.BirthDate != c.birth || p.Sex != c.sex {
			t.Errorf("%s: birth %s sex %s, want %s %s", c.name, p.BirthDate, p.Sex, c.birth, c.sex)
		}
		if c.person != nil {
			if msg := c.person(p); msg != "" {
				t.Errorf("%s: %s", c.name, msg)
			}
		}
	}

	bad := []struct {
		name string
		edit func(*PersonInput)
		key  string
	}{
		{"empty ID", func(in *PersonInput) { in.IDNumber = "" }, "id.empty"},
		{"wrong check digit", func(in *PersonInput) { in.IDNumber = man[:17] + "0" }, "id.check_digit"},
		{"future birth", func(in *PersonInput) { in.IDNumber = personTestID("43020220270101123") }, "id.birth_future"},
		{"name too short", func(in *PersonInput) { in.Name = "王" }, "person.name"},
		{"name too long", func(in *PersonInput) { in.Name = strings.Repeat("王", 31) }, "person.name"},
		{"name with digit", func(in *PersonInput) { in.Name = "王小2" }, "person.name"},
		{"name with space", func(in *PersonInput) { in.Name = "王 小明" }, "person.name"},
		{"name starting with dot", func(in *PersonInput) { in.Name = "·王小明" }, "person.name"},
		{"name with double dot", func(in *PersonInput) { in.Name = "阿依··买买提" }, "person.name"},
		{"name with markup", func(in *PersonInput) { in.Name = "<b>王</b>" }, "person.name"},
		{"empty name", func(in *PersonInput) { in.Name = "  " }, "person.name"},
		{"missing phone", func(in *PersonInput) { in.Phone = "" }, "person.phone_missing"},
		{"landline as phone", func(in *PersonInput) { in.Phone = "0731-2283700" }, "phone.invalid"},
		{"household", func(in *PersonInput) { in.Household = "城镇" }, "person.household"},
		{"unknown county", func(in *PersonInput) { in.County = "430299" }, "person.county"},
		{"city as county", func(in *PersonInput) { in.County = "430200" }, "person.county"},
		{"empty county", func(in *PersonInput) { in.County = "" }, "person.county"},
	}
	for _, c := range bad {
		in := base
		c.edit(&in)
		_, err := in.Validate(personTestToday, personTestCounty)
		personTestNote(err)
		if got := personTestKey(err); got != c.key {
			t.Errorf("%s: key %q, want %q (err %v)", c.name, got, c.key, err)
		}
		if err != nil && ErrorKind(err) != Invalid {
			t.Errorf("%s: kind %v, want invalid", c.name, ErrorKind(err))
		}
	}

	// The ID number's own error is returned as it is, with its arguments.
	in := base
	in.IDNumber = man[:17] + "0"
	_, err = in.Validate(personTestToday, personTestCounty)
	_, want := ParseIDNumber(in.IDNumber, personTestToday)
	if err.Error() != want.Error() {
		t.Errorf("ID error %q, want the parser's %q", err, want)
	}
}

func TestPersonMasking(t *testing.T) {
	id := personTestID("43020219900101123")
	p := Person{IDNumber: IDNumber(id), Phone: "13812345678"}
	if got, want := p.MaskedID(), "430202********"+id[14:]; got != want {
		t.Errorf("MaskedID = %q, want %q", got, want)
	}
	if got := p.MaskedPhone(); got != "138****5678" {
		t.Errorf("MaskedPhone = %q", got)
	}
	if got := (Person{}).MaskedPhone(); got != "" {
		t.Errorf("MaskedPhone of no phone = %q", got)
	}
	for _, s := range []string{p.MaskedID(), p.MaskedPhone()} {
		if strings.Contains(s, "19900101") || strings.Contains(s, "1234") {
			t.Errorf("masked value %q reveals the hidden part", s)
		}
	}
	tc := Teacher{IDNumber: IDNumber(id)}
	if tc.MaskedID() != p.MaskedID() {
		t.Errorf("teacher MaskedID = %q", tc.MaskedID())
	}
}

func TestPersonChangeValidate(t *testing.T) {
	base := PersonChange{Phone: "139-0000-1111", Household: "urban", County: "430211", Employment: "employed"}
	c, err := base.Validate(personTestCounty)
	if err != nil || c.Phone != "13900001111" || c.Employment != EmploymentEmployed {
		t.Fatalf("Validate = %+v, %v", c, err)
	}
	// nil knownCounty accepts any well-formed county code.
	if _, err := (PersonChange{Phone: "13900001111", County: "110105"}).Validate(nil); err != nil {
		t.Errorf("well-formed county refused without a list: %v", err)
	}
	for _, e := range Employments {
		in := base
		in.Employment = e
		if _, err := in.Validate(personTestCounty); err != nil {
			t.Errorf("employment %q refused: %v", e, err)
		}
	}
	in := base
	in.Employment = ""
	if c, err := in.Validate(personTestCounty); err != nil || c.Employment != EmploymentUnknown {
		t.Errorf("empty employment: %+v %v", c, err)
	}
	for _, c := range []struct {
		edit func(*PersonChange)
		key  string
	}{
		{func(c *PersonChange) { c.Employment = "boss" }, "person.employment"},
		{func(c *PersonChange) { c.County = "43021" }, "person.county"},
		{func(c *PersonChange) { c.County = "990211" }, "person.county"},
		{func(c *PersonChange) { c.County = "430000" }, "person.county"},
		{func(c *PersonChange) { c.Phone = "12345678901" }, "phone.invalid"},
	} {
		in := base
		c.edit(&in)
		_, err := in.Validate(nil)
		personTestNote(err)
		if got := personTestKey(err); got != c.key {
			t.Errorf("%+v: key %q, want %q", in, got, c.key)
		}
	}
}

func TestIsCountyCode(t *testing.T) {
	for code, want := range map[string]bool{"430202": true, "430281": true, "110105": true, "430200": false,
		"430000": false, "43020": false, "4302021": false, "990202": false, "43020a": false, "": false} {
		if got := IsCountyCode(code); got != want {
			t.Errorf("IsCountyCode(%q) = %v", code, got)
		}
	}
}

func TestCheckUnmaskReason(t *testing.T) {
	cases := []struct{ field, reason, key string }{
		{"id_number", "核对补贴申请", ""},
		{"phone", "联系学员本人", ""},
		{"phone", "  核对  ", "person.unmask_reason"},
		{"phone", "看看", "person.unmask_reason"},
		{"phone", "", "person.unmask_reason"},
		{"name", "核对补贴申请", "person.unmask_field"},
	}
	for _, c := range cases {
		err := personTestNote(CheckUnmaskReason(c.field, c.reason))
		if got := personTestKey(err); got != c.key {
			t.Errorf("CheckUnmaskReason(%q, %q) key %q, want %q", c.field, c.reason, got, c.key)
		}
	}
	for _, c := range []struct{ reason, key string }{{"身份信息有误", ""}, {"错了", "keygroup.remove_reason"}, {strings.Repeat("错", 501), "keygroup.remove_reason"}} {
		if got := personTestKey(personTestNote(CheckRemovalReason(c.reason))); got != c.key {
			t.Errorf("CheckRemovalReason(%q) key %q, want %q", c.reason, got, c.key)
		}
	}
}

func TestKeyGroupMembershipValidate(t *testing.T) {
	m, err := KeyGroupMembership{PersonID: 1, Group: " migrant_worker ", Evidence: " 务工证明 "}.Validate()
	if err != nil || m.Group != "migrant_worker" || m.Evidence != "务工证明" {
		t.Fatalf("Validate = %+v, %v", m, err)
	}
	for _, c := range []struct {
		m   KeyGroupMembership
		key string
	}{
		{KeyGroupMembership{Evidence: "x"}, "keygroup.group"},
		{KeyGroupMembership{Group: "veteran", Evidence: "  "}, "keygroup.evidence"},
		{KeyGroupMembership{Group: "veteran", Evidence: strings.Repeat("证", 501)}, "keygroup.evidence"},
		{KeyGroupMembership{Group: "veteran", Evidence: "退役证", Detail: strings.Repeat("x", 201)}, "keygroup.detail"},
	} {
		_, err := c.m.Validate()
		if got := personTestKey(personTestNote(err)); got != c.key {
			t.Errorf("%+v: key %q, want %q", c.m, got, c.key)
		}
	}
}

const personTestCode = "91310110666007217T" // valid (SPEC §3)

func TestOrgInputValidate(t *testing.T) {
	base := OrgInput{Kind: "institution", Name: "株洲市技能培训学校", CreditCode: strings.ToLower(personTestCode), County: "430211",
		Address: "天元区长江南路1号", Contact: "李老师", Phone: "0731 2283 7000", Capacity: 200}
	o, err := base.Validate(personTestCounty)
	if err != nil {
		t.Fatal(err)
	}
	if o.Kind != OrgInstitution || o.CreditCode != personTestCode || o.CodeStatus != CodeValid || o.Phone != "073122837000" || o.Capacity != 200 {
		t.Errorf("unexpected organisation %+v", o)
	}

	// Only the check character wrong: accepted, pending an officer's confirmation.
	in := base
	in.CreditCode = personTestCode[:17] + "A"
	if o, err := in.Validate(personTestCounty); err != nil || o.CodeStatus != CodePending || o.CreditCode != CreditCode(in.CreditCode) {
		t.Errorf("pending code: %+v, %v", o, err)
	}

	for _, c := range []struct{ phone, want string }{
		{"", ""}, {"13812345678", "13812345678"}, {"+86 138-1234-5678", "13812345678"}, {"0731-22837000", "0731-22837000"},
		{"(0731)22837000", "0731-22837000"}, {"010-12345678-801", "010-12345678-801"}, {"400-123-4567", "400-123-4567"},
	} {
		in := base
		in.Phone = c.phone
		o, err := in.Validate(personTestCounty)
		if err != nil || o.Phone != c.want {
			t.Errorf("phone %q: got %q, %v; want %q", c.phone, o.Phone, err, c.want)
		}
	}

	for _, c := range []struct {
		name string
		edit func(*OrgInput)
		key  string
	}{
		{"kind", func(in *OrgInput) { in.Kind = "shop" }, "org.kind"},
		{"empty code", func(in *OrgInput) { in.CreditCode = "" }, "credit.empty"},
		{"short code", func(in *OrgInput) { in.CreditCode = "9131011066600721" }, "credit.length"},
		{"bad char", func(in *OrgInput) { in.CreditCode = "9131011066600721IT" }, "credit.chars"},
		{"name", func(in *OrgInput) { in.Name = "校" }, "org.name"},
		{"name control char", func(in *OrgInput) { in.Name = "株洲\x00学校" }, "org.name"},
		{"county", func(in *OrgInput) { in.County = "430299" }, "org.county"},
		{"address", func(in *OrgInput) { in.Address = strings.Repeat("路", 201) }, "org.address"},
		{"contact", func(in *OrgInput) { in.Contact = strings.Repeat("李", 31) }, "org.contact"},
		{"phone", func(in *OrgInput) { in.Phone = "12345" }, "org.phone"},
		{"capacity negative", func(in *OrgInput) { in.Capacity = -1 }, "org.capacity"},
		{"capacity huge", func(in *OrgInput) { in.Capacity = 100001 }, "org.capacity"},
	} {
		in := base
		c.edit(&in)
		_, err := in.Validate(personTestCounty)
		if got := personTestKey(personTestNote(err)); got != c.key {
			t.Errorf("%s: key %q, want %q", c.name, got, c.key)
		}
	}
}

func TestOrganisationEdit(t *testing.T) {
	o, err := OrgInput{Kind: "school", Name: "株洲技师学院", CreditCode: personTestCode, County: "430211"}.Validate(nil)
	if err != nil {
		t.Fatal(err)
	}
	o.ID, o.Version = 7, 3
	e, err := o.Edit(OrgInput{Kind: "employer", CreditCode: "X", Name: "株洲技师学院（新校区）", County: "430202", Capacity: 500}, personTestCounty)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != OrgSchool || e.CreditCode != personTestCode || e.ID != 7 || e.Version != 3 || e.County != "430202" || e.Capacity != 500 {
		t.Errorf("Edit changed what it may not, or not what it should: %+v", e)
	}
	if _, err := o.Edit(OrgInput{Name: "x"}, nil); personTestKey(err) != "org.name" {
		t.Errorf("Edit with a bad name: %v", err)
	}
	for _, c := range []struct{ reason, key string }{{"已核对营业执照原件", ""}, {"核对执照", ""}, {"对", "org.code_reason"}} {
		if got := personTestKey(personTestNote(CheckCodeDecision(c.reason))); got != c.key {
			t.Errorf("CheckCodeDecision(%q) = %q, want %q", c.reason, got, c.key)
		}
	}
}

func TestVenueValidate(t *testing.T) {
	base := Venue{OrgID: 1, Name: "实训楼", Address: "天元区黄河北路88号", County: "430211", Lat: 27.83, Lng: 113.08}
	if v, err := base.Validate(personTestCounty); err != nil || v.Name != "实训楼" {
		t.Fatalf("valid venue refused: %v", err)
	}
	for _, c := range []struct {
		name     string
		lat, lng float64
		ok       bool
	}{
		{"Zhuzhou", 27.83, 113.08, true},
		{"south edge", 18, 109.5, true},
		{"north edge", 54, 122, true},
		{"west edge", 39, 73, true},
		{"east edge", 48, 136, true},
		{"zero", 0, 0, false},
		{"swapped", 113.08, 27.83, false},
		{"too far south", 17.9, 110, false},
		{"too far east", 30, 136.1, false},
		{"NaN", math.NaN(), 113, false},
		{"Inf", 27, math.Inf(1), false},
	} {
		v := base
		v.Lat, v.Lng = c.lat, c.lng
		_, err := v.Validate(personTestCounty)
		personTestNote(err)
		if (err == nil) != c.ok || (err != nil && personTestKey(err) != "venue.coords") {
			t.Errorf("%s (%v, %v): err %v, want ok=%v", c.name, c.lat, c.lng, err, c.ok)
		}
	}
	for _, c := range []struct {
		edit func(*Venue)
		key  string
	}{
		{func(v *Venue) { v.Name = "楼" }, "venue.name"},
		{func(v *Venue) { v.Address = "路" }, "venue.address"},
		{func(v *Venue) { v.County = "430200" }, "venue.county"},
	} {
		v := base
		c.edit(&v)
		_, err := v.Validate(personTestCounty)
		if got := personTestKey(personTestNote(err)); got != c.key {
			t.Errorf("%+v: key %q, want %q", v, got, c.key)
		}
	}
}

func TestTeacherValidate(t *testing.T) {
	id := personTestID("43020219850505222")
	base := Teacher{OrgID: 1, Name: "李红", IDNumber: IDNumber(strings.ToLower(id)), Qualification: "高级技师证书",
		OccupationCode: "6-18-01-01", Level: "2", CertificateNo: "S000043020000123"}
	tc, err := base.Validate(personTestToday)
	if err != nil || tc.IDNumber != IDNumber(id) {
		t.Fatalf("Validate = %+v, %v", tc, err)
	}
	for _, c := range []struct {
		edit func(*Teacher)
		key  string
	}{
		{func(t *Teacher) { t.Name = "李" }, "teacher.name"},
		{func(t *Teacher) { t.IDNumber = IDNumber(id[:17] + "0") }, "id.check_digit"},
		{func(t *Teacher) { t.IDNumber = "" }, "id.empty"},
		{func(t *Teacher) { t.Qualification = "" }, "teacher.qualification"},
		{func(t *Teacher) { t.OccupationCode = "6-18-01" }, "scope.occupation"},
		{func(t *Teacher) { t.OccupationCode = "" }, "teacher.level"},
		{func(t *Teacher) { t.CertificateNo = strings.Repeat("1", 51) }, "teacher.certificate"},
	} {
		in := base
		c.edit(&in)
		_, err := in.Validate(personTestToday)
		if got := personTestKey(personTestNote(err)); got != c.key {
			t.Errorf("%+v: key %q, want %q", in, got, c.key)
		}
	}
}

func TestScopeEntryValidate(t *testing.T) {
	if e, err := (ScopeEntry{OrgID: 1, OccupationCode: " 4-10-01-05 ", Level: " 4 "}).Validate(); err != nil || e.OccupationCode != "4-10-01-05" || e.Level != "4" {
		t.Errorf("Validate = %+v, %v", e, err)
	}
	for _, c := range []struct {
		e   ScopeEntry
		key string
	}{
		{ScopeEntry{OccupationCode: "4-10-01", Level: "4"}, "scope.occupation"},
		{ScopeEntry{OccupationCode: "4-10-01-5", Level: "4"}, "scope.occupation"},
		{ScopeEntry{OccupationCode: "4-10-01-05"}, "scope.level"},
	} {
		_, err := c.e.Validate()
		if got := personTestKey(personTestNote(err)); got != c.key {
			t.Errorf("%+v: key %q, want %q", c.e, got, c.key)
		}
	}
}

func TestSanctionEntry(t *testing.T) {
	base := SanctionEntry{OrgID: 1, Kind: SanctionSuspend, Reason: "虚报培训人数", Evidence: "检查记录 2026-017", StartsOn: "2026-03-01", EndsOn: "2026-03-31"}
	e, err := base.Validate()
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Record()
	if err != nil {
		t.Fatal(err)
	}
	// Days are China days, and the end day is included.
	for _, c := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 2, 28, 15, 59, 59, 0, time.UTC), false},
		{time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC), true}, // 2026-03-01 00:00 in China
		{time.Date(2026, 3, 31, 15, 59, 59, 0, time.UTC), true},
		{time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC), false}, // 2026-04-01 00:00 in China
	} {
		if got := r.InForce(c.at); got != c.want {
			t.Errorf("InForce(%v) = %v, want %v", c.at, got, c.want)
		}
	}
	open := base
	open.EndsOn = ""
	if r, err := open.Record(); err != nil || !r.Until.IsZero() || !r.InForce(time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("open-ended sanction: %+v, %v", r, err)
	}
	oneDay := base
	oneDay.EndsOn = oneDay.StartsOn
	if _, err := oneDay.Validate(); err != nil {
		t.Errorf("a one-day sanction is refused: %v", err)
	}

	for _, c := range []struct {
		name string
		edit func(*SanctionEntry)
		key  string
	}{
		{"kind", func(e *SanctionEntry) { e.Kind = "fine" }, "sanction.kind"},
		{"reason", func(e *SanctionEntry) { e.Reason = "违规" }, "sanction.reason"},
		{"reason length", func(e *SanctionEntry) { e.Reason = strings.Repeat("违", 1001) }, "sanction.reason_length"},
		{"no start", func(e *SanctionEntry) { e.StartsOn = "" }, "sanction.from"},
		{"bad date", func(e *SanctionEntry) { e.StartsOn = "2026-02-30" }, "sanction.date"},
		{"bad end date", func(e *SanctionEntry) { e.EndsOn = "31/03/2026" }, "sanction.date"},
		{"end before start", func(e *SanctionEntry) { e.EndsOn = "2026-02-27" }, "sanction.period"},
		{"evidence", func(e *SanctionEntry) { e.Evidence = " " }, "sanction.evidence"},
	} {
		in := base
		c.edit(&in)
		_, err := in.Validate()
		if got := personTestKey(personTestNote(err)); got != c.key {
			t.Errorf("%s: key %q, want %q", c.name, got, c.key)
		}
	}
}

// registrySources are the files whose error keys RegistryMessages must cover.
var registrySources = []string{"person.go", "internal/store/person.go", "internal/store/org.go"}

// errorfLiteral finds Errorf(kind, "key", "text" calls written with literal key and text.
var errorfLiteral = regexp.MustCompile(`Errorf\(\s*(?:xiangpei\.)?\w+,\s*"([^"]+)",\s*("(?:[^"\\]|\\.)*")`)

// TestRegistryMessages checks that every key of the registry has a Chinese and an English
// message: the keys the validators produced in the tests above, and every key written in the
// registry's source files, in the domain and the store. The English message is the error text.
func TestRegistryMessages(t *testing.T) {
	zh, en := RegistryMessages["zh-CN"], RegistryMessages["en"]
	for k, v := range zh {
		if strings.TrimSpace(v) == "" || strings.TrimSpace(en[k]) == "" {
			t.Errorf("key %q lacks a Chinese or an English message", k)
		}
		if strings.Count(v, "%v") != strings.Count(en[k], "%v") {
			t.Errorf("key %q: the two messages take different numbers of values", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("key %q has no Chinese message", k)
		}
	}
	known := func(k string) bool {
		_, a := zh[k]
		_, b := DomainMessages["zh-CN"][k]
		return a || b
	}

	if len(personTestErrs) == 0 {
		t.Log("run with the other tests of this file to check the produced errors too")
	}
	for _, err := range personTestErrs {
		e := err.(*Error)
		if !known(e.Key) {
			t.Errorf("key %q (produced by a validator) has no message", e.Key)
			continue
		}
		if tmpl, ok := en[e.Key]; ok {
			if got := fmt.Sprintf(tmpl, e.Args...); got != e.Text {
				t.Errorf("en %q renders %q, error text is %q", e.Key, got, e.Text)
			}
		}
	}

	seen := 0
	for _, path := range registrySources {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		for _, m := range errorfLiteral.FindAllStringSubmatch(string(src), -1) {
			seen++
			key := m[1]
			text, err := strconv.Unquote(m[2])
			if err != nil {
				t.Errorf("%s: key %q: text %s: %v", path, key, m[2], err)
				continue
			}
			if !known(key) {
				t.Errorf("%s: key %q has no message", path, key)
				continue
			}
			if tmpl, ok := en[key]; ok && tmpl != text {
				t.Errorf("%s: key %q: English message %q differs from the error text %q", path, key, tmpl, text)
			}
		}
	}
	if seen < 40 {
		t.Errorf("found only %d Errorf calls in %v: has the pattern stopped matching?", seen, registrySources)
	}
}
