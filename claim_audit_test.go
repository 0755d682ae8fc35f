package xiangpei

import (
	"encoding/json"
	"os"
	"testing"
)

// TestAuditCatalogue: every check has a known group, a severity, a catalogue key present in
// both languages and an English text; codes are unique, and the attendance codes are the
// anomaly codes.
func TestAuditCatalogue(t *testing.T) {
	cats := map[string]map[string]string{}
	for _, lang := range []string{"zh-CN", "en"} {
		b, err := os.ReadFile("internal/i18n/messages/" + lang + "/claimaudit.json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		cats[lang] = m
	}
	groups := map[string]bool{"identity": true, "duplicates": true, "overlap": true, "attendance": true, "certificates": true,
		"organisation": true, "evaluation": true, "ghost": true, "integrity": true}
	seen := map[string]bool{}
	for _, c := range AuditChecks {
		if seen[c.Code] || c.Code == "" {
			t.Errorf("code %q repeated or empty", c.Code)
		}
		seen[c.Code] = true
		if !groups[c.Group] || (c.Severity != SeverityFlag && c.Severity != SeverityFail) || c.Text == "" {
			t.Errorf("check %+v", c)
		}
		for lang, m := range cats {
			if m[c.Key] == "" {
				t.Errorf("%s: no text for %s", lang, c.Key)
			}
		}
		if got, ok := AuditCheckOf(c.Code); !ok || got != c {
			t.Errorf("AuditCheckOf(%s)", c.Code)
		}
	}
	// the attendance checks are the anomalies, with the anomalies' own severities
	sev := map[string]string{AnomalyOutsideWindow: SeverityFlag, AnomalyOutsideGeofence: SeverityFlag, AnomalySharedDevice: SeverityFlag,
		AnomalyCopiedTimes: SeverityFlag, AnomalyImpossibleTravel: SeverityFail}
	for _, code := range AnomalyCodes {
		if c, ok := AuditCheckOf(code); !ok || c.Severity != sev[code] {
			t.Errorf("anomaly %s: %+v", code, c)
		}
	}
	for g := range groups {
		found := false
		for _, c := range AuditChecks {
			found = found || c.Group == g
		}
		if !found {
			t.Errorf("group %s has no check", g)
		}
	}
	if _, ok := AuditCheckOf("nope"); ok {
		t.Error("unknown code found")
	}
}

// TestAuditDecisions: a line's result, the order of findings, and the pure checks.
func TestAuditDecisions(t *testing.T) {
	f := func(line int64, code, sev string) AuditFinding {
		return AuditFinding{LineID: line, Code: code, Severity: sev}
	}
	for _, c := range []struct {
		in   []AuditFinding
		want string
	}{
		{nil, AuditPass},
		{[]AuditFinding{f(1, "a", SeverityFlag)}, AuditFlag},
		{[]AuditFinding{f(1, "a", SeverityFlag), f(1, "b", SeverityFail)}, AuditFail},
		{[]AuditFinding{f(1, "b", SeverityFail), f(1, "a", SeverityFlag)}, AuditFail},
	} {
		if got := LineAuditResult(c.in); got != c.want {
			t.Errorf("%v: %s, want %s", c.in, got, c.want)
		}
	}
	fs := []AuditFinding{f(2, "b", SeverityFlag), f(1, "z", SeverityFail), f(2, "a", SeverityFlag), f(2, "a", SeverityFlag), f(1, "c", SeverityFlag)}
	SortFindings(fs)
	fs = DedupeFindings(fs)
	want := []string{"1c", "1z", "2a", "2b"}
	if len(fs) != len(want) {
		t.Fatalf("%v", fs)
	}
	for i, x := range fs {
		if got := string(rune('0'+x.LineID)) + x.Code; got != want[i] {
			t.Errorf("%d: %s, want %s", i, got, want[i])
		}
	}
	good := "11010519491231002X"
	if !IDDigitOK(IDNumber(good)) || !IDDigitOK(IDNumber("11010519491231002x")) || IDDigitOK(IDNumber("110105194912310021")) || IDDigitOK("123") {
		t.Error("check digits")
	}
	r := DefaultRules()
	if AgeOutOfRange(30, r) || !AgeOutOfRange(r.LabourAgeMin-1, r) || !AgeOutOfRange(r.LabourAgeMax+1, r) || AgeOutOfRange(r.LabourAgeMax, r) {
		t.Error("ages")
	}
}
