package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"xiangpei/internal/seed"
	"xiangpei/internal/store/storetest"
)

// TestRecordEvaluation: the demo's 王芳 sees on her lifelong record, page and API, her two
// certificates (the assessment's 五级 and the competition's 四级 promotion), the assessment she
// passed, and her competition entry with its 一等奖, promotion and title.
func TestRecordEvaluation(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			if _, err := seed.Demo(context.Background(), db); err != nil {
				t.Fatal(err)
			}
			b := e.browser()
			b.login("13907330002", seed.DemoPassword)
			code, page, _ := b.get("/me")
			if code != 200 {
				t.Fatalf("/me: %d", code)
			}
			for _, want := range []string{`id="certificates"`, "职业技能等级证书", "四级/中级工", "人社部发〔2022〕14号",
				`id="assessments"`, "合格", `id="competitions"`, "一等奖", "株洲市技术能手"} {
				if !strings.Contains(page, want) {
					t.Errorf("the record page does not show %q", want)
				}
			}
			code, raw, _ := b.get("/api/v1/me/record")
			if code != 200 {
				t.Fatalf("/api/v1/me/record: %d", code)
			}
			var rec struct {
				Certificates []struct{ Number, Level, Source, Status string }
				Assessments  []struct{ Result string }
				Competitions []struct {
					Award   string
					Honours []struct {
						Kind, Level, Title string
						Certificate        string `json:"certificate_number"`
					}
				}
			}
			if err := json.Unmarshal([]byte(raw), &rec); err != nil {
				t.Fatal(err)
			}
			levels := map[string]string{}
			for _, c := range rec.Certificates {
				levels[c.Source] = c.Level
			}
			if len(rec.Certificates) != 2 || levels["assessment"] != "5" || levels["competition"] != "4" {
				t.Errorf("certificates: %+v", rec.Certificates)
			}
			if len(rec.Assessments) != 1 || rec.Assessments[0].Result != "pass" {
				t.Errorf("assessments: %+v", rec.Assessments)
			}
			if len(rec.Competitions) != 1 || rec.Competitions[0].Award != "first" || len(rec.Competitions[0].Honours) != 2 {
				t.Fatalf("competitions: %+v", rec.Competitions)
			}
			for _, h := range rec.Competitions[0].Honours {
				if h.Kind == "promotion" && (h.Level != "4" || h.Certificate == "") || h.Kind == "title" && h.Title != "株洲市技术能手" {
					t.Errorf("honour: %+v", h)
				}
			}
		})
	}
}
