package xiangpei

import (
	"strings"
	"testing"
)

// subsidyLine is a line every check passes: 四级, attended 92%, certificate 30 days after the
// class, claimed 2 months later.
func subsidyLine() LineInput {
	return LineInput{
		Level: "4", OccupationCode: "6-31-01-03", AgeAtStart: 35, AttendedPct: 92, Completed: true,
		CertLevel: "4", CertOccupation: "6-31-01-03", CertIssued: "2026-05-31", CertValid: true,
		ClassEnd: "2026-05-01", ClaimDay: "2026-07-31",
	}
}

func traceOf(res LineResult) map[string]bool {
	m := map[string]bool{}
	for _, s := range res.Trace {
		m[s.Key] = s.Pass
	}
	return m
}

func TestSubsidyComputeChecks(t *testing.T) {
	rule := DefaultSubsidyRule("430000", "2026-01-01")
	cases := []struct {
		name string
		edit func(*LineInput)
		fail string // the key of the one failing step, "" none
	}{
		{"all pass", func(*LineInput) {}, ""},
		{"age 16 lowest", func(in *LineInput) { in.AgeAtStart = 16 }, ""},
		{"age 60 highest", func(in *LineInput) { in.AgeAtStart = 60 }, ""},
		{"age 15", func(in *LineInput) { in.AgeAtStart = 15 }, "trace.age"},
		{"age 61", func(in *LineInput) { in.AgeAtStart = 61 }, "trace.age"},
		{"attendance 80 exactly", func(in *LineInput) { in.AttendedPct = 80 }, ""},
		{"attendance 79", func(in *LineInput) { in.AttendedPct = 79 }, "trace.attendance"},
		{"not completed", func(in *LineInput) { in.Completed = false }, "trace.completed"},
		{"no certificate", func(in *LineInput) { in.CertIssued = "" }, "trace.cert_missing"},
		{"revoked certificate", func(in *LineInput) { in.CertValid = false }, "trace.cert_revoked"},
		{"other occupation", func(in *LineInput) { in.CertOccupation = "4-01-01-01" }, "trace.cert_occupation"},
		{"higher certificate level", func(in *LineInput) { in.CertLevel = "3" }, ""},
		{"lower certificate level", func(in *LineInput) { in.CertLevel = "5" }, "trace.cert_level"},
		{"special class, special cert", func(in *LineInput) { in.Level, in.CertLevel = "special", "special" }, ""},
		{"special class, graded cert", func(in *LineInput) { in.Level, in.CertLevel = "special", "1" }, "trace.cert_level"},
		{"issued on the last class day", func(in *LineInput) { in.CertIssued = "2026-05-01" }, ""},
		{"issued before class end", func(in *LineInput) { in.CertIssued = "2026-04-30" }, "trace.cert_window"},
		{"issued day 90", func(in *LineInput) { in.CertIssued, in.ClaimDay = "2026-07-30", "2026-08-01" }, ""},
		{"issued day 91", func(in *LineInput) { in.CertIssued, in.ClaimDay = "2026-07-31", "2026-08-01" }, "trace.cert_window"},
		{"claim 12 months to the day", func(in *LineInput) { in.ClaimDay = "2027-05-31" }, ""},
		{"claim a day late", func(in *LineInput) { in.ClaimDay = "2027-06-01" }, "trace.claim_window"},
		{"claim before the certificate", func(in *LineInput) { in.ClaimDay = "2026-05-30" }, "trace.claim_window"},
		{"two others this year", func(in *LineInput) { in.SubsidisedThisYear = 2 }, ""},
		{"three others this year", func(in *LineInput) { in.SubsidisedThisYear = 3 }, "trace.yearly"},
		{"earlier same level", func(in *LineInput) { in.SameOrHigherBefore = "2025 四级" }, "trace.earlier"},
	}
	for _, c := range cases {
		in := subsidyLine()
		c.edit(&in)
		res := rule.Compute(in)
		var failed []string
		for _, s := range res.Trace {
			if !s.Pass {
				failed = append(failed, s.Key)
			}
			if s.Text == "" || !strings.HasSuffix(s.Text, "pass") && !strings.HasSuffix(s.Text, "fail") && s.Key != "trace.amount" {
				t.Errorf("%s: step %s text %q", c.name, s.Key, s.Text)
			}
		}
		want := []string(nil)
		if c.fail != "" {
			want = []string{c.fail}
		}
		if strings.Join(failed, ",") != strings.Join(want, ",") {
			t.Errorf("%s: failed %v, want %v", c.name, failed, want)
		}
		if res.Payable != (c.fail == "") {
			t.Errorf("%s: payable %v", c.name, res.Payable)
		}
		if res.AmountFen <= 0 {
			t.Errorf("%s: amount %d; the amount is shown even when not payable", c.name, res.AmountFen)
		}
	}
}

func TestSubsidyComputeOrder(t *testing.T) {
	res := DefaultSubsidyRule("430000", "2026-01-01").Compute(subsidyLine())
	var keys []string
	for _, s := range res.Trace {
		keys = append(keys, s.Key)
	}
	want := "trace.age,trace.attendance,trace.completed,trace.cert_valid,trace.cert_occupation,trace.cert_level," +
		"trace.cert_window,trace.claim_window,trace.yearly,trace.earlier_none,trace.amount"
	if strings.Join(keys, ",") != want {
		t.Errorf("order %v", keys)
	}
	if res.Trace[1].Text != "attendance 92% ≥ 80%: pass" {
		t.Errorf("attendance text %q", res.Trace[1].Text)
	}
	// Without a certificate the certificate's other steps are left out, not failed twice.
	in := subsidyLine()
	in.CertIssued = ""
	if m := traceOf(DefaultSubsidyRule("430000", "").Compute(in)); len(m) != 7 || m["trace.cert_missing"] {
		t.Errorf("no certificate: %v", m)
	}
}

func TestSubsidyComputeAmount(t *testing.T) {
	rule := DefaultSubsidyRule("430000", "2026-01-01")
	odd := rule
	odd.StandardFen = map[string]int64{"5": 100001, "4": 150005, "3": 200000, "2": 250000, "1": 300000, "special": 60000, "completion": 40000}
	odd.CapFen = 10_000_000
	cases := []struct {
		name   string
		r      SubsidyRule
		level  string
		uplift int
		groups []string
		want   int64
		capped bool
	}{
		{"五级 plain", rule, "5", 0, nil, 100000, false},
		{"四级 plain", rule, "4", 0, nil, 150000, false},
		{"三级 +10%", rule, "3", 10, nil, 220000, false},
		{"四级 +30%", rule, "4", 30, nil, 195000, false},
		{"uplift over the cap is cut to 30", rule, "4", 50, nil, 195000, false},
		{"negative uplift counts as none", rule, "4", -10, nil, 150000, false},
		{"special", rule, "special", 0, nil, 60000, false},
		{"completion with allowance", rule, "completion", 0, []string{"migrant"}, 70000, false},
		{"one allowance only", rule, "5", 0, []string{"migrant", "veteran", "graduate"}, 130000, false},
		{"unknown group adds nothing", rule, "5", 0, []string{"martian"}, 100000, false},
		{"一级 +30% + allowance capped", rule, "1", 30, []string{"migrant"}, 330000, true},
		{"一级 + allowance exactly the cap", rule, "1", 0, []string{"migrant"}, 330000, false},
		// 100001 × 1.15 = 115001.15 → 115001; 150005 × 1.1 = 165005.5 → 165006 (half up); 100001 × 1.5 capped at 30%.
		{"round down", odd, "5", 15, nil, 115001, false},
		{"round half up", odd, "4", 10, nil, 165006, false},
		{"odd × 1.3", odd, "5", 30, nil, 130001, false},
	}
	for _, c := range cases {
		in := subsidyLine()
		in.Level, in.CertLevel, in.UpliftPct, in.KeyGroups = c.level, c.level, c.uplift, c.groups
		res := c.r.Compute(in)
		if res.AmountFen != c.want {
			t.Errorf("%s: %d, want %d", c.name, res.AmountFen, c.want)
		}
		if traceOf(res)["trace.capped"] != c.capped {
			t.Errorf("%s: capped step %v", c.name, traceOf(res))
		}
	}
	// The largest allowance wins whatever the order of the groups.
	big := rule
	big.KeyGroupFen = map[string]int64{"migrant": 10000, "disabled": 50000}
	in := subsidyLine()
	in.Level, in.KeyGroups = "5", []string{"disabled", "migrant"}
	if got := big.Compute(in).AmountFen; got != 150000 {
		t.Errorf("largest allowance: %d", got)
	}
}

func TestSubsidyRuleValidate(t *testing.T) {
	ok, err := DefaultSubsidyRule("430200", "2027-01-01").Validate()
	if err != nil || len(ok.StandardFen) != 7 {
		t.Fatalf("defaults: %v", err)
	}
	cases := []struct {
		name string
		edit func(*SubsidyRule)
		key  string
	}{
		{"county", func(r *SubsidyRule) { r.Region = "430211" }, "subsidy.region"},
		{"bad region", func(r *SubsidyRule) { r.Region = "43" }, "subsidy.region"},
		{"bad date", func(r *SubsidyRule) { r.EffectiveFrom = "2027-02-30" }, "subsidy.effective_from"},
		{"short date", func(r *SubsidyRule) { r.EffectiveFrom = "2027-1-1" }, "subsidy.effective_from"},
		{"level missing", func(r *SubsidyRule) { delete(r.StandardFen, "special") }, "subsidy.level_missing"},
		{"unknown level", func(r *SubsidyRule) { r.StandardFen["6"] = 1 }, "subsidy.level_unknown"},
		{"negative", func(r *SubsidyRule) { r.StandardFen["5"] = -1 }, "subsidy.amount"},
		{"too much", func(r *SubsidyRule) { r.StandardFen["5"] = SubsidyMaxFen + 1 }, "subsidy.amount"},
		{"group too much", func(r *SubsidyRule) { r.KeyGroupFen["migrant"] = SubsidyMaxFen + 1 }, "subsidy.amount"},
		{"unknown group", func(r *SubsidyRule) { r.KeyGroupFen["martian"] = 1 }, "subsidy.group_unknown"},
		{"cap negative", func(r *SubsidyRule) { r.CapFen = -5 }, "subsidy.amount"},
		{"uplift 101", func(r *SubsidyRule) { r.UpliftMaxPct = 101 }, "subsidy.uplift"},
		{"uplift -1", func(r *SubsidyRule) { r.UpliftMaxPct = -1 }, "subsidy.uplift"},
		{"ages crossed", func(r *SubsidyRule) { r.Limits.LabourAgeMin = 61 }, "subsidy.limit"},
		{"attendance 0", func(r *SubsidyRule) { r.Limits.AttendancePct = 0 }, "subsidy.limit"},
		{"no yearly", func(r *SubsidyRule) { r.Limits.YearlySubsidies = 0 }, "subsidy.limit"},
		{"claim months 0", func(r *SubsidyRule) { r.Limits.ClaimMonths = 0 }, "subsidy.limit"},
		{"note long", func(r *SubsidyRule) { r.Note = strings.Repeat("改", 501) }, "subsidy.note"},
	}
	for _, c := range cases {
		r := DefaultSubsidyRule("430200", "2027-01-01")
		c.edit(&r)
		_, err := r.Validate()
		if e, ok := err.(*Error); !ok || e.Key != c.key || e.Kind != Invalid {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
		}
	}
	// Boundaries that pass; zero allowances are dropped; the note is trimmed.
	r := DefaultSubsidyRule("430000", "2027-01-01")
	r.StandardFen["5"], r.UpliftMaxPct, r.KeyGroupFen["veteran"], r.Note = SubsidyMaxFen, 100, 0, "  更新 "
	got, err := r.Validate()
	if err != nil || got.Note != "更新" || len(got.KeyGroupFen) != 3 {
		t.Errorf("boundaries: %+v %v", got, err)
	}
}

func TestSubsidyFen(t *testing.T) {
	for fen, s := range map[int64]string{0: "0.00", 5: "0.05", 150000: "1500.00", 165006: "1650.06", -250: "-2.50"} {
		if FormatFen(fen) != s {
			t.Errorf("FormatFen(%d) = %s", fen, FormatFen(fen))
		}
	}
	for s, want := range map[string]int64{"1500": 150000, "1500.5": 150050, "1,500.05": 150005, " 0 ": 0, "3000.00": 300000} {
		if got, ok := ParseFen(s); !ok || got != want {
			t.Errorf("ParseFen(%q) = %d %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "-1", "1.234", "1.", ".5", "abc", "1e3", "10000000000"} {
		if _, ok := ParseFen(s); ok {
			t.Errorf("ParseFen(%q) accepted", s)
		}
	}
}

func TestSubsidyPermissions(t *testing.T) {
	prov := Actor{Role: RoleOfficer, Region: "430000", Duties: Duties{DutyTargets}}
	city := Actor{Role: RoleOfficer, Region: "430200", Duties: Duties{DutyTargets, DutyPayment}}
	pay := Actor{Role: RoleOfficer, Region: "430211", Duties: Duties{DutyPayment}}
	admin := Actor{Role: RoleAdmin, Duties: Duties{DutySysAdmin}}
	sec := Actor{Role: RoleAdmin, Duties: Duties{DutySecAdmin}}
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"prov own", CanSetSubsidyRules(prov, "430000"), true},
		{"prov city", CanSetSubsidyRules(prov, "430200"), true},
		{"prov other province", CanSetSubsidyRules(prov, "440000"), false},
		{"city officer", CanSetSubsidyRules(city, "430200"), false},
		{"admin", CanSetSubsidyRules(admin, "440000"), true},
		{"secadmin", CanSetSubsidyRules(sec, "430000"), false},
		{"budget city", CanSetBudgets(city, "430200"), true},
		{"budget city county", CanSetBudgets(city, "430211"), true},
		{"budget city province", CanSetBudgets(city, "430000"), false},
		{"budget county payment", CanSetBudgets(pay, "430211"), true},
		{"budget prov no payment/targets", CanSetBudgets(Actor{Role: RoleOfficer, Region: "430000", Duties: Duties{DutyPublish}}, "430000"), false},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v", c.name, c.got)
		}
	}
}
