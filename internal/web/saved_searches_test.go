package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestSavedSearchesFlow: a person saves the search of the job list they are looking at, with
// text alerts; a bad search is refused on its page with the reason; when an employer publishes
// a matching posting the person gets one in-app message and one text message (kept in the
// message log), the alert is listed and exported; a posting that does not match sends nothing;
// the search is deleted.
func TestSavedSearchesFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			ctx := context.Background()
			pb := je.browser()
			pb.signIn(je.personAcct, testPassword)
			st, html, _ := pb.get("/jobs?q=" + url.QueryEscape("焊工") + "&county=430211")
			if st != http.StatusOK || !strings.Contains(html, `action="/me/searches"`) {
				t.Fatalf("the job list offers no saving: %d", st)
			}
			if st, html, _ := pb.post("/me/searches", url.Values{"name": {"空"}}); st != http.StatusUnprocessableEntity || !strings.Contains(html, "请至少选择一个条件") {
				t.Fatalf("an empty search: %d", st)
			}
			st, _, h := pb.post("/me/searches", url.Values{"q": {"焊工"}, "county": {"430211"}, "sms": {"on"}})
			if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/me/searches") {
				t.Fatalf("save: %d %s", st, h.Get("Location"))
			}
			if st, html, _ := pb.get("/me/searches"); st != http.StatusOK || !strings.Contains(html, "含“焊工”") || !strings.Contains(html, "/jobs?county=430211") {
				t.Fatalf("the saved search is not listed: %d\n%s", st, html)
			}
			before, _ := db.Messages(ctx, je.personAcct.ID, store.Page{})

			je.createAndSubmit(t, je.otherTok, je.postingBody("叉车司机", "3500", "仓库叉车作业")) // another county, other words
			weld := je.createAndSubmit(t, je.empTok, je.postingBody("氩弧焊工", "4000", "钢结构焊接"))
			msgs, err := db.Messages(ctx, je.personAcct.ID, store.Page{})
			if err != nil || len(msgs) != len(before)+1 || !strings.Contains(msgs[0].Body, "氩弧焊工") {
				t.Fatalf("in-app alert: %v %d → %d", err, len(before), len(msgs))
			}
			sms, err := db.LastSMS(ctx, je.person.Phone)
			if err != nil || !strings.Contains(sms.Body, "氩弧焊工") {
				t.Fatalf("text alert: %v %q", err, sms.Body)
			}
			st, b, _ := je.request(je.personTok, http.MethodGet, "/api/v1/me/alerts", nil)
			a := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(a["total"]) != "1" {
				t.Fatalf("alerts: %d %s", st, b)
			}
			if first := a["alerts"].([]any)[0].(map[string]any); fmt.Sprint(first["posting_id"]) != fmt.Sprint(weld["id"]) || first["sms_status"] != "sent" {
				t.Fatalf("the alert: %v", first)
			}
			if st, b, h := je.request(je.personTok, http.MethodGet, "/me/alerts?format=xlsx", nil); st != http.StatusOK ||
				!strings.Contains(h.Get("Content-Type"), "spreadsheet") || len(b) < 100 {
				t.Fatalf("alerts export: %d %s", st, h.Get("Content-Type"))
			}
			st, b, _ = je.request(je.personTok, http.MethodGet, "/api/v1/me/searches", nil)
			list := decode(t, string(b))["searches"].([]any)
			if st != http.StatusOK || len(list) != 1 {
				t.Fatalf("searches: %d %s", st, b)
			}
			id := fmt.Sprint(list[0].(map[string]any)["id"])
			if st, _, _ := je.request(je.empTok, http.MethodGet, "/api/v1/me/searches", nil); st != http.StatusForbidden {
				t.Fatalf("an employer reads saved searches: %d", st)
			}
			if st, _, _ := je.request(je.personTok, http.MethodPost, "/api/v1/me/searches/"+id+"/delete", map[string]any{}); st != http.StatusOK {
				t.Fatalf("delete: %d", st)
			}
			if st, _, _ := je.request(je.personTok, http.MethodPost, "/api/v1/me/searches/"+id+"/delete", map[string]any{}); st != http.StatusNotFound {
				t.Fatalf("delete twice: %d", st)
			}
		})
	}
}

// refusingSender refuses the first n text messages, then delivers like the log sender.
type refusingSender struct {
	mu sync.Mutex
	n  int
}

func (s *refusingSender) Send(ctx context.Context, phone, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n > 0 {
		s.n--
		return errors.New("SMS gateway unavailable")
	}
	return nil
}

// TestTextAlertRetried: the SMS gateway refuses the alert's text message when the posting is
// published: the in-app message has gone, the text waits (待发送) and is not in the message log;
// housekeeping before the wait sends nothing; 5 minutes later it goes out once and is kept.
func TestTextAlertRetried(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			ctx := context.Background()
			pb := je.browser()
			pb.signIn(je.personAcct, testPassword)
			pb.get("/me/searches")
			if st, _, _ := pb.post("/me/searches", url.Values{"q": {"焊工"}, "county": {"430211"}, "sms": {"on"}}); st != http.StatusSeeOther {
				t.Fatalf("save: %d", st)
			}
			je.srv.cfg.SMS = &refusingSender{n: 1}
			je.createAndSubmit(t, je.empTok, je.postingBody("氩弧焊工", "4000", "钢结构焊接"))
			status := func() string {
				_, b, _ := je.request(je.personTok, http.MethodGet, "/api/v1/me/alerts", nil)
				return fmt.Sprint(decode(t, string(b))["alerts"].([]any)[0].(map[string]any)["sms_status"])
			}
			if s := status(); s != "pending" {
				t.Fatalf("after the refusal: %s", s)
			}
			if sms, err := db.LastSMS(ctx, je.person.Phone); err == nil && strings.Contains(sms.Body, "氩弧焊工") {
				t.Fatalf("a refused text is in the log: %q", sms.Body)
			}
			if sent, _, err := je.srv.SendSMSAlerts(ctx, 10); err != nil || sent != 0 {
				t.Fatalf("housekeeping before the wait: %d %v", sent, err)
			}
			je.clock.add(store.SMSRetryAfter(1))
			if sent, failed, err := je.srv.SendSMSAlerts(ctx, 10); err != nil || sent != 1 || failed != 0 {
				t.Fatalf("housekeeping after the wait: %d sent, %d failed, %v", sent, failed, err)
			}
			if sms, err := db.LastSMS(ctx, je.person.Phone); err != nil || !strings.Contains(sms.Body, "氩弧焊工") {
				t.Fatalf("the text after the retry: %v %q", err, sms.Body)
			}
			if s := status(); s != "sent" {
				t.Fatalf("after the retry: %s", s)
			}
			if sent, _, _ := je.srv.SendSMSAlerts(ctx, 10); sent != 0 {
				t.Fatalf("sent twice: %d", sent)
			}
		})
	}
}
