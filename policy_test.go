package xiangpei

import (
	"reflect"
	"testing"
	"time"
)

func TestNormaliseSearch(t *testing.T) {
	for in, want := range map[string]string{
		"职业、技能":      "职业技能",
		"ＰＬＣ　２０２６":   "plc2026",
		"Hello, 电工!": "hello电工",
		"  ":         "",
	} {
		if got := NormaliseSearch(in); got != want {
			t.Errorf("NormaliseSearch(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearchGrams(t *testing.T) {
	g, c := SearchGrams("补贴补贴")
	if !reflect.DeepEqual(g, []string{"补贴", "贴补"}) || c["补贴"] != 2 {
		t.Errorf("grams %q %v", g, c)
	}
	if g, _ := SearchGrams("焊"); !reflect.DeepEqual(g, []string{"焊"}) {
		t.Errorf("one character: %q", g)
	}
	ix := IndexGrams("电工证")
	if ix["电工"] != 1 || ix["工证"] != 1 || ix["电"] != 1 || len(ix) != 5 {
		t.Errorf("index grams %v", ix)
	}
	if SearchMatches("补充说明：贴近需求", "补贴") || !SearchMatches("申领培训补贴", "补贴") {
		t.Error("SearchMatches")
	}
}

func TestSnippet(t *testing.T) {
	parts := Snippet("参加ＰＬＣ培训，PLC证书", "plc", 100)
	var hits []string
	for _, p := range parts {
		if p.Hit {
			hits = append(hits, p.Text)
		}
	}
	if !reflect.DeepEqual(hits, []string{"ＰＬＣ", "PLC"}) {
		t.Errorf("hits %q in %+v", hits, parts)
	}
}

func TestPolicyStatus(t *testing.T) {
	if !PolicyDraft.Can(PolicyPublish) || PolicyDraft.Can(PolicyWithdraw) || !PolicyPublished.Can(PolicyRevise) || PolicyWithdrawn.Can(PolicyPublish) {
		t.Error("moves")
	}
	if _, err := PolicyPublished.Next(PolicyPublish); !IsKind(err, Conflict) {
		t.Errorf("publish twice: %v", err)
	}
}

func TestEligibilityHelpers(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, ChinaTime)
	if a, ok := AgeFromBirth("1990-05-02", at); !ok || a != 35 {
		t.Errorf("age %v %v", a, ok)
	}
	if _, ok := AgeFromBirth("2030-01-01", at); ok {
		t.Error("future birth")
	}
	r := DefaultSubsidyRule("430000", "2000-01-01")
	res := r.Compute(ProspectiveLine("4-10-01-05", "5", 30, "2026-06-01", 0, "", 0, nil))
	if !res.Payable || !EligibleNow(res) || res.AmountFen != 100000 {
		t.Errorf("prospective line %+v", res)
	}
	res = r.Compute(ProspectiveLine("4-10-01-05", "5", 30, "2026-06-01", 0, "2025 5", 0, nil))
	if EligibleNow(res) {
		t.Error("earlier subsidy still eligible")
	}
}
