package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var polOfficer = xiangpei.Actor{AccountID: 21, Name: "hn_pol", Role: xiangpei.RoleOfficer, Region: "430000",
	Duties: xiangpei.Duties{xiangpei.DutyPublish}}

func polDo[T any](t *testing.T, db *store.DB, a xiangpei.Actor, fn func(tx *store.Tx) (T, error)) (T, error) {
	t.Helper()
	return store.Do(context.Background(), db, a, fn)
}

// polPublish creates and publishes a policy.
func polPublish(t *testing.T, db *store.DB, title, body string) xiangpei.Policy {
	t.Helper()
	p, err := polDo(t, db, polOfficer, func(tx *store.Tx) (xiangpei.Policy, error) {
		p, err := tx.CreatePolicy(xiangpei.PolicyInput{Region: "430000", Title: title, Issuer: "湖南省人力资源和社会保障厅",
			DocNumber: "湘人社发〔2026〕1号", Category: "training_subsidy", Body: body, EffectiveFrom: "2026-01-01"})
		if err != nil {
			return p, err
		}
		return tx.MovePolicy(p.ID, p.Version, xiangpei.PolicyPublish, "")
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func polSearch(t *testing.T, db *store.DB, q string) []store.PolicyHit {
	t.Helper()
	hits, n, err := db.SearchPolicies(context.Background(), store.PolicySearch{Query: q}, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(hits) {
		t.Fatalf("%q: total %d, page %d", q, n, len(hits))
	}
	return hits
}

func polTitles(hits []store.PolicyHit) []string {
	var out []string
	for _, h := range hits {
		if h.Kind == "faq" {
			out = append(out, h.FAQ.Question)
		} else {
			out = append(out, h.Policy.Title)
		}
	}
	return out
}

// TestPolicySearch: two-character words, a four-character phrase, one character, numbers and
// Latin letters (full-width too) are found; characters that occur only apart are not; title
// hits rank first; superseded and withdrawn items leave the index in the same transaction.
func TestPolicySearch(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			clock := &storetest.Clock{}
			clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, xiangpei.ChinaTime))
			db.SetClock(clock.Now)
			a := polPublish(t, db, "职业技能培训补贴实施办法", "参加职业技能培训并取得证书的劳动者，可按规定申领培训补贴，具体补贴标准见附件。2026年起执行。")
			b := polPublish(t, db, "以工代训实施细则", "企业吸纳就业困难人员以工代训的，按月给予补助；电工、焊工等紧缺工种可上浮。")
			c := polPublish(t, db, "技能人才评价工作通知", "补充说明：贴近企业需求开展评价，支持ＰＬＣ等新技术。")
			f, err := polDo(t, db, polOfficer, func(tx *store.Tx) (xiangpei.FAQ, error) {
				f, err := tx.CreateFAQ(xiangpei.FAQInput{Region: "430000", Question: "电工培训有补贴吗？",
					Answer: "电工列入紧缺工种目录的，补贴标准上浮。", Category: "training_subsidy", PolicyID: b.ID})
				if err != nil {
					return f, err
				}
				return tx.MoveFAQ(f.ID, f.Version, xiangpei.PolicyPublish, "")
			})
			if err != nil {
				t.Fatal(err)
			}
			if f.PolicyTitle != b.Title {
				t.Errorf("faq policy title %q", f.PolicyTitle)
			}
			cases := []struct {
				q    string
				want []string
			}{
				{"补贴", []string{a.Title, f.Question}}, // title hit first; c holds 补 and 贴 only apart
				{"电工", []string{f.Question, b.Title}}, // the FAQ has it in its title
				{"职业技能", []string{a.Title}},           // four characters
				{"职业、技能", []string{a.Title}},          // punctuation dropped
				{"2026", []string{a.Title}},           // digits
				{"ＰＬＣ", []string{c.Title}},            // full-width → half-width, case folded
				{"plc", []string{c.Title}},            // lower case
				{"焊", []string{b.Title}},              // one character
				{"贴补", nil},                           // the grams exist, the word does not
				{"养老护理", nil},                         // nothing
			}
			for _, tc := range cases {
				got := polTitles(polSearch(t, db, tc.q))
				if strings.Join(got, "|") != strings.Join(tc.want, "|") {
					t.Errorf("search %q: got %q, want %q", tc.q, got, tc.want)
				}
			}
			// snippets mark the word
			hits := polSearch(t, db, "培训补贴")
			if len(hits) != 1 || !hasHit(hits[0].Snippet, "培训补贴") || !hasHit(hits[0].Title, "培训补贴") {
				t.Errorf("snippet: %+v", hits)
			}
			// category filter and the listing without a query
			all, n, err := db.SearchPolicies(context.Background(), store.PolicySearch{Kind: "policy"}, store.Page{Limit: 2})
			if err != nil || n != 3 || len(all) != 2 {
				t.Errorf("listing: %d of %d, %v", len(all), n, err)
			}
			// revising and publishing supersedes: the old version leaves the index
			clock.Add(time.Hour)
			r, err := polDo(t, db, polOfficer, func(tx *store.Tx) (xiangpei.Policy, error) {
				r, err := tx.RevisePolicy(a.ID, a.Version)
				if err != nil {
					return r, err
				}
				in := r.Input()
				in.Body = "参加职业技能培训并取得证书的城乡劳动者，可申领培训补贴。"
				if r, err = tx.UpdatePolicy(r.ID, r.Version, in); err != nil {
					return r, err
				}
				return tx.MovePolicy(r.ID, r.Version, xiangpei.PolicyPublish, "")
			})
			if err != nil {
				t.Fatal(err)
			}
			if r.ItemVersion != 2 || r.SeriesID != a.ID {
				t.Errorf("revision %+v", r)
			}
			old, err := db.PublicPolicy(context.Background(), a.ID)
			if err != nil || old.Status != xiangpei.PolicySuperseded || old.SupersededBy != r.ID {
				t.Errorf("old version %v %v", old.Status, err)
			}
			if got := polSearch(t, db, "2026"); len(got) != 0 {
				t.Errorf("superseded text still found: %q", polTitles(got))
			}
			if got := polSearch(t, db, "城乡"); len(got) != 1 || got[0].Policy.ID != r.ID {
				t.Errorf("revision not found: %q", polTitles(got))
			}
			// a published item never changes
			_, err = polDo(t, db, polOfficer, func(tx *store.Tx) (xiangpei.Policy, error) {
				return tx.UpdatePolicy(r.ID, r.Version, r.Input())
			})
			wantKind(t, "edit published", err, xiangpei.Conflict, "policy.not_draft")
			// withdrawing needs a reason, then leaves the index
			_, err = polDo(t, db, polOfficer, func(tx *store.Tx) (xiangpei.Policy, error) {
				return tx.MovePolicy(b.ID, b.Version, xiangpei.PolicyWithdraw, "")
			})
			wantKind(t, "no reason", err, xiangpei.Invalid, "policy.reason")
			if _, err = polDo(t, db, polOfficer, func(tx *store.Tx) (xiangpei.Policy, error) {
				return tx.MovePolicy(b.ID, b.Version, xiangpei.PolicyWithdraw, "已被新文件替代")
			}); err != nil {
				t.Fatal(err)
			}
			if got := polTitles(polSearch(t, db, "电工")); strings.Join(got, "|") != f.Question {
				t.Errorf("withdrawn still found: %q", got)
			}
			// who may write
			county := xiangpei.Actor{AccountID: 22, Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyPublish}}
			_, err = polDo(t, db, county, func(tx *store.Tx) (xiangpei.Policy, error) {
				return tx.CreatePolicy(xiangpei.PolicyInput{Region: "430000", Title: "省级文件", Issuer: "某县", Category: "other",
					Body: "县级干部不能发布省级政策文件。", EffectiveFrom: "2026-01-01"})
			})
			wantKind(t, "county for province", err, xiangpei.Forbidden, "policy.not_allowed")
			noDuty := polOfficer
			noDuty.Duties = nil
			_, err = polDo(t, db, noDuty, func(tx *store.Tx) (xiangpei.Policy, error) {
				return tx.CreatePolicy(xiangpei.PolicyInput{Region: "430000", Title: "省级文件", Issuer: "省厅", Category: "other",
					Body: "没有发布职责的干部不能发布。", EffectiveFrom: "2026-01-01"})
			})
			wantKind(t, "no duty", err, xiangpei.Forbidden, "policy.not_allowed")
			if _, err := db.Policy(context.Background(), county.Scope(), a.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("county officer reads the province's draft list: %v", err)
			}
		})
	}
}

func hasHit(parts []xiangpei.SnippetPart, word string) bool {
	for _, p := range parts {
		if p.Hit && p.Text == word {
			return true
		}
	}
	return false
}

// TestEligibilityMatchesClaim: for the trainees of a closed class, the eligibility check of each
// person for that class gives the amount and the verdicts on the person's own facts (age,
// yearly count, earlier subsidies, amount) that the class claim's line computes, by the same
// rule version and uplift.
func TestEligibilityMatchesClaim(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newClaimWorld(t, db)
			ctx := context.Background()
			_, rule, lines, err := db.ClassClaimPreview(ctx, x.w.InstA.Scope(), x.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) < 2 {
				t.Fatalf("%d lines", len(lines))
			}
			now := x.w.Now()
			for _, l := range lines {
				opts, err := db.CheckEligibility(ctx, store.EligibilityAsk{PersonID: l.PersonID, Targets: []xiangpei.EligibilityTarget{
					{OccupationCode: x.c.OccupationCode, Level: x.c.Level, ClassID: x.c.ID}}}, now)
				if err != nil {
					t.Fatal(err)
				}
				if len(opts) != 1 {
					t.Fatalf("%d options", len(opts))
				}
				o := opts[0]
				if o.Result.AmountFen != l.AmountFen || o.RuleID != rule.ID || o.UpliftPct != 20 {
					t.Errorf("person %d: check %d (rule %d, +%d%%), claim line %d (rule %d)", l.PersonID, o.Result.AmountFen,
						o.RuleID, o.UpliftPct, l.AmountFen, rule.ID)
				}
				own := func(tr []xiangpei.TraceStep) map[string]bool {
					m := map[string]bool{}
					for _, s := range tr {
						if !xiangpei.IsLaterStep(s.Key) {
							m[s.Key] = s.Pass
						}
					}
					return m
				}
				a, b := own(o.Result.Trace), own(l.Trace)
				if len(a) == 0 || len(a) != len(b) {
					t.Errorf("person %d: steps %v vs %v", l.PersonID, a, b)
				}
				for k, v := range b {
					if a[k] != v {
						t.Errorf("person %d: step %s check %v, claim %v", l.PersonID, k, a[k], v)
					}
				}
				if !o.Eligible {
					t.Errorf("person %d not eligible: %+v", l.PersonID, o.Result.Trace)
				}
			}
			// the public check: age from the birth date, key groups as stated, the city's rule
			opts, err := db.CheckEligibility(ctx, store.EligibilityAsk{County: "430211", BirthDate: "1990-05-01", KeyGroups: []string{"migrant"},
				Targets: []xiangpei.EligibilityTarget{{OccupationCode: "4-10-01-05", Level: "5"}}}, now)
			if err != nil {
				t.Fatal(err)
			}
			// standard ¥1,000 +20% + ¥300 = ¥1,500, capped at the city's ¥1,400
			if len(opts) != 1 || opts[0].Result.AmountFen != 140000 || !opts[0].Eligible || opts[0].RuleID != rule.ID {
				t.Errorf("public check: %+v", opts)
			}
			old, err := db.CheckEligibility(ctx, store.EligibilityAsk{County: "430211", BirthDate: "1940-05-01",
				Targets: []xiangpei.EligibilityTarget{{OccupationCode: "4-10-01-05", Level: "5"}}}, now)
			if err != nil || len(old) != 1 || old[0].Eligible {
				t.Errorf("too old still eligible: %+v %v", old, err)
			}
			_, err = db.CheckEligibility(ctx, store.EligibilityAsk{County: "430211", BirthDate: "not a date"}, now)
			wantKind(t, "bad birth", err, xiangpei.Invalid, "eligibility.birth_date_invalid")
		})
	}
}
