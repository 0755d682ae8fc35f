package xiangpei

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

var histToday = time.Date(2026, 12, 1, 12, 0, 0, 0, ChinaTime)

func reasonKeys(errs []*Error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Key)
	}
	return out
}

// TestHistoryRows: each file's row check accepts a good row (Chinese labels or English codes)
// and names every fault of a bad one.
func TestHistoryRows(t *testing.T) {
	id := func(s17 string) string { return s17 + string(IDCheckDigit(s17)) }
	cc := func(s17 string) string { return s17 + string(CreditCheckChar(s17)) }
	goodID := id("43021119850101101")
	type tc struct {
		name string
		run  func(map[string]string) []*Error
		v    map[string]string
		want []string // reason keys, in order; none: good
	}
	org := func(v map[string]string) []*Error { _, e := ParseHistOrg(2, v, histToday); return e }
	per := func(v map[string]string) []*Error { _, e := ParseHistPerson(2, v, histToday); return e }
	cls := func(v map[string]string) []*Error { _, e := ParseHistClass(2, v, histToday); return e }
	ses := func(v map[string]string) []*Error { _, e := ParseHistSession(2, v, histToday); return e }
	tra := func(v map[string]string) []*Error { _, e := ParseHistTrainee(2, v, histToday); return e }
	evt := func(v map[string]string) []*Error { _, e := ParseHistEvent(2, v, histToday); return e }
	cer := func(v map[string]string) []*Error { _, e := ParseHistCertificate(2, v, histToday); return e }
	ins := func(v map[string]string) []*Error { _, e := ParseHistInsurance(2, v, histToday); return e }
	sub := func(v map[string]string) []*Error { _, e := ParseHistSubsidy(2, v, histToday); return e }
	classRow := map[string]string{"ext_id": "C1", "org_ext_id": "O1", "name": "养老护理员班", "occupation_code": "4-10-01-05", "level": "初级",
		"funding": "补贴", "capacity": "30", "venue_name": "实训楼", "venue_address": "株洲市天元区1号", "venue_lat": "27.8", "venue_lng": "113.1",
		"filed_at": "2026-04-01 09:00", "status": "已结业"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, c := range []tc{
		{"org good", org, map[string]string{"ext_id": "O1", "credit_code": cc("52430211MJ9000001"), "name": "阳光培训学校", "kind": "培训机构", "county": "430211"}, nil},
		{"org blacklisted without reason or date", org, map[string]string{"ext_id": "O1", "credit_code": cc("52430211MJ9000001"), "name": "阳光培训学校",
			"kind": "institution", "county": "430211", "blacklisted": "是"}, []string{"history.blacklist_reason", "history.missing"}},
		{"org bad kind and yes/no", org, map[string]string{"ext_id": "O1", "credit_code": "x", "name": "阳光", "kind": "公司", "county": "430211", "blacklisted": "也许"},
			[]string{"history.enum", "history.yesno"}},
		{"person good without phone", per, map[string]string{"ext_id": "P1", "id_number": goodID, "name": "王建国", "county": "430211", "household": "农村"}, nil},
		{"person bad check digit, name, phone", per, map[string]string{"ext_id": "P1", "id_number": goodID[:17] + "0", "name": "王1", "county": "430211", "phone": "123"},
			[]string{"id.check_digit", "person.name", "phone.invalid"}},
		{"class good", cls, classRow, nil},
		{"class bad level, capacity, coords, filed_at", cls, with(classRow, "level", "六级", "capacity", "0", "venue_lat", "99", "filed_at", "昨天"),
			[]string{"history.enum", "history.int", "history.decimal", "history.datetime"}},
		{"class filed in the future", cls, with(classRow, "filed_at", "2027-01-01 09:00"), []string{"history.future"}},
		{"session end before start", ses, map[string]string{"ext_id": "S1", "class_ext_id": "C1", "starts_at": "2026-05-11 09:00", "ends_at": "2026-05-11 08:00",
			"kind": "理论", "teacher_name": "周红梅", "teacher_id_number": goodID}, []string{"history.session_times"}},
		{"roster unknown state", tra, map[string]string{"ext_id": "R1", "class_ext_id": "C1", "person_ext_id": "P1", "status": "毕业", "attended_minutes": "90"}, []string{"history.enum"}},
		{"check-in half a place", evt, map[string]string{"ext_id": "E1", "session_ext_id": "S1", "person_ext_id": "P1", "at": "2026-05-11 08:55", "direction": "签到", "lat": "27.8"},
			[]string{"history.place"}},
		{"certificate kind against level", cer, map[string]string{"ext_id": "X1", "number": "ZZ-1", "kind": "专项职业能力证书", "person_ext_id": "P1",
			"occupation_code": "4-10-01-05", "level": "5", "issuer_name": "鉴定中心", "issued_on": "2026-06-10"}, []string{"history.cert_kind"}},
		{"insurance ends before it starts", ins, map[string]string{"ext_id": "I1", "person_ext_id": "P1", "employer": "株洲某公司", "starts_on": "2025-06-01", "ends_on": "2025-01-01"},
			[]string{"history.period"}},
		{"subsidy bad amount and year", sub, map[string]string{"ext_id": "S1", "person_ext_id": "P1", "occupation_code": "4-10-01-05", "level": "5", "year": "2031",
			"paid_on": "2025-07-15", "amount": "12.345"}, []string{"history.int", "history.amount"}},
		{"subsidy good", sub, map[string]string{"ext_id": "S1", "person_ext_id": "P1", "occupation_code": "4-10-01-05", "level": "中级", "year": "2025",
			"paid_on": "2025/07/15", "amount": "1,500.50"}, nil},
	} {
		if got := reasonKeys(c.run(c.v)); !slices.Equal(got, c.want) {
			t.Errorf("%s: reasons %v, want %v", c.name, got, c.want)
		}
	}
	s, _ := ParseHistSubsidy(2, map[string]string{"ext_id": "S1", "person_ext_id": "P1", "occupation_code": "4-10-01-05", "level": "中级", "year": "2025",
		"paid_on": "2025/07/15", "amount": "1,500.50"}, histToday)
	if s.AmountFen != 150050 || s.Level != "4" || s.PaidOn != "2025-07-15" {
		t.Errorf("subsidy row %+v", s)
	}
	e, _ := ParseHistEvent(2, map[string]string{"ext_id": "E1", "session_ext_id": "S1", "person_ext_id": "P1", "at": "2026-05-11 08:55", "direction": "签退",
		"device_id": "PHONE-1", "device_kind": "手机", "lat": "27.8", "lng": "113.1"}, histToday)
	if e.Kind != CheckOut || e.Terminal || !e.HasPlace || !e.At.Equal(time.Date(2026, 5, 11, 8, 55, 0, 0, ChinaTime)) {
		t.Errorf("event row %+v", e)
	}
}

// TestHistoryDocs: docs/history-import.md describes every file and column of the set.
func TestHistoryDocs(t *testing.T) {
	b, err := os.ReadFile("docs/history-import.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, f := range HistoryFiles {
		if !strings.Contains(doc, "### "+f.Name) {
			t.Errorf("docs/history-import.md does not describe %s", f.Name)
		}
		for _, c := range f.Columns {
			if !strings.Contains(doc, "| "+c.Header+" | `"+c.Key+"` |") {
				t.Errorf("docs/history-import.md does not describe %s column %s (%s)", f.Name, c.Key, c.Header)
			}
		}
	}
}

// FuzzHistoryRows feeds arbitrary values to every file's row check: none panics, and a row it
// accepts holds what its rules promise.
func FuzzHistoryRows(f *testing.F) {
	f.Add("P1", "430211198501011015", "王建国", "2026-05-11 09:00", "1500.50", "5")
	f.Add("", "x", "", "2026/13/40", "-1", "七级")
	f.Fuzz(func(t *testing.T, ext, idn, name, when, amount, level string) {
		v := map[string]string{"ext_id": ext, "id_number": idn, "name": name, "at": when, "starts_at": when, "ends_at": when, "filed_at": when,
			"paid_on": when, "issued_on": when, "starts_on": when, "amount": amount, "level": level, "year": "2025", "person_ext_id": ext,
			"class_ext_id": ext, "session_ext_id": ext, "org_ext_id": ext, "direction": "in", "status": "closed", "kind": "theory",
			"teacher_name": name, "teacher_id_number": idn, "county": "430211", "credit_code": idn, "occupation_code": "4-10-01-05"}
		if s, errs := ParseHistSubsidy(1, v, histToday); len(errs) == 0 && (s.AmountFen <= 0 || s.ExtID == "") {
			t.Errorf("accepted subsidy %+v", s)
		}
		if p, errs := ParseHistPerson(1, v, histToday); len(errs) == 0 && p.Person.IDNumber == "" {
			t.Errorf("accepted person %+v", p)
		}
		if s, errs := ParseHistSession(1, v, histToday); len(errs) == 0 && !s.Ends.After(s.Starts) {
			t.Errorf("accepted session %+v", s)
		}
		ParseHistOrg(1, v, histToday)
		ParseHistClass(1, v, histToday)
		ParseHistTrainee(1, v, histToday)
		ParseHistEvent(1, v, histToday)
		ParseHistCertificate(1, v, histToday)
		ParseHistInsurance(1, v, histToday)
	})
}
