package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// slEnv is the fixture of the shortage-list HTTP tests: a server whose clock starts on Monday
// 2 March 2026, 09:00 China time, with publishing officers of 株洲市 (city), 湖南省 (province),
// 长沙市 (another city) and 天元区 (a county).
type slEnv struct {
	*env
	city, province, otherCity, county xiangpei.Account
}

var slZone = time.FixedZone("CST", 8*3600)

func newSLEnv(t *testing.T, db *store.DB) *slEnv {
	t.Helper()
	e := newEnv(t, db)
	e.clock.mu.Lock()
	e.clock.t = time.Date(2026, 3, 2, 9, 0, 0, 0, slZone).UTC()
	e.clock.mu.Unlock()
	se := &slEnv{env: e}
	se.city = e.account(officerInput("zz_publish", "430200", xiangpei.DutyPublish), testPassword)
	se.province = e.account(officerInput("hn_publish", "430000", xiangpei.DutyPublish), testPassword)
	se.otherCity = e.account(officerInput("cs_publish", "430100", xiangpei.DutyPublish), testPassword)
	se.county = e.account(officerInput("ty_publish", "430211", xiangpei.DutyPublish), testPassword)
	return se
}

func (se *slEnv) msg(key string, args ...any) string {
	return html.EscapeString(se.srv.msg.T("zh-CN", key, args...))
}

func (se *slEnv) at(t time.Time) {
	se.clock.mu.Lock()
	se.clock.t = t.UTC()
	se.clock.mu.Unlock()
}

// publish makes and publishes a list in the store as an officer: entries are occupation,
// level and uplift triples.
func (se *slEnv) publish(t *testing.T, a xiangpei.Account, region, title string, entries ...[3]any) xiangpei.ShortageList {
	t.Helper()
	l, err := store.Do(context.Background(), se.db, a.Actor(), func(tx *store.Tx) (xiangpei.ShortageList, error) {
		sc := a.Actor().Scope()
		l, err := tx.CreateShortageList(sc, xiangpei.ShortageListInput{Region: region, Title: title, From: "2026-01-01", To: "2026-12-31"})
		for _, x := range entries {
			if err != nil {
				return l, err
			}
			l, err = tx.AddShortageEntry(sc, l.ID, l.Version, xiangpei.ShortageEntryInput{OccupationCode: x[0].(string),
				Level: x[1].(string), Degree: xiangpei.ShortageSevere, UpliftPct: x[2].(int), Sectors: []string{"life_services"}})
		}
		if err != nil {
			return l, err
		}
		return tx.MoveShortageList(sc, l.ID, l.Version, xiangpei.ShortagePublish, "")
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (se *slEnv) listCount(t *testing.T) int {
	t.Helper()
	_, n, err := se.db.ShortageLists(context.Background(), xiangpei.Scope{All: true}, store.ShortageFilter{}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// readWorkbook reads the first sheet of an .xlsx answer into rows of text.
func readWorkbook(t *testing.T, body []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The public page shows the lists in force on a day, grouped by list, with names, degrees,
// uplifts and sectors; one list shows its versions and downloads as Excel; drafts stay hidden.
func TestShortagePublicPages(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			se := newSLEnv(t, db)
			city := se.publish(t, se.city, "430200", "2026年株洲市紧缺工种目录", [3]any{"4-10-01-05", "5", 20}, [3]any{"6-18-02-04", "5", 10})
			se.at(time.Date(2026, 4, 1, 10, 0, 0, 0, slZone))
			prov := se.publish(t, se.province, "430000", "2026年湖南省紧缺工种目录", [3]any{"4-10-01-05", "5", 30})
			draft, err := store.Do(context.Background(), db, se.city.Actor(), func(tx *store.Tx) (xiangpei.ShortageList, error) {
				return tx.ReviseShortageList(se.city.Actor().Scope(), city.ID, city.Version)
			})
			if err != nil {
				t.Fatal(err)
			}
			anon := se.browser()

			code, body, _ := anon.get("/shortage")
			if code != http.StatusOK {
				t.Fatalf("public page: %d %s", code, body)
			}
			for _, want := range []string{"2026年株洲市紧缺工种目录", "2026年湖南省紧缺工种目录", "养老护理员", "焊工", "+20%", "+30%",
				se.msg("shortage.degree.severe"), "生活服务", "五级/初级工", se.msg("shortage.version_n", 1)} {
				if !strings.Contains(body, want) {
					t.Errorf("the public page lacks %q", want)
				}
			}
			if strings.Index(body, "2026年湖南省紧缺工种目录") > strings.Index(body, "2026年株洲市紧缺工种目录") {
				t.Error("the province's list should come first")
			}
			// Another city sees only the province's list; before publication nothing was in force.
			if _, body, _ := anon.get("/shortage?city=430100"); strings.Contains(body, "株洲市紧缺") || !strings.Contains(body, "湖南省紧缺") {
				t.Error("长沙 sees 株洲's list, or not the province's")
			}
			if _, body, _ := anon.get("/shortage?date=2026-03-01"); !strings.Contains(body, se.msg("shortage.none_in_force")) {
				t.Error("a list shows as in force the day before it was published")
			}
			if _, body, _ := anon.get("/shortage?date=2026-03-02"); !strings.Contains(body, "株洲市紧缺") || strings.Contains(body, "湖南省紧缺") {
				t.Error("on 2 March only 株洲's list was in force")
			}
			if code, body, _ := anon.get("/shortage?date=2026-13-01"); code != http.StatusUnprocessableEntity || !strings.Contains(body, se.msg("shortage.date_format")) {
				t.Errorf("a bad date: %d", code)
			}

			// The API answers the merged entries for a county: the province's 30% wins over the city's 20%.
			code, raw, _ := se.request("", http.MethodGet, "/api/v1/shortage?county=430211", nil)
			if code != http.StatusOK {
				t.Fatalf("API in force: %d %s", code, raw)
			}
			out := decode(t, string(raw))
			entries, _ := out["entries"].([]any)
			if len(entries) != 2 {
				t.Fatalf("entries for 天元区: %s", raw)
			}
			care := entries[0].(map[string]any)
			if care["occupation_code"] != "4-10-01-05" || fmt.Sprint(care["uplift_pct"]) != "30" || fmt.Sprint(care["list_id"]) != fmt.Sprint(prov.ID) ||
				care["region"] != "430000" || fmt.Sprint(care["list_version"]) != "1" {
				t.Errorf("养老护理员 for 天元区: %v", care)
			}
			code, raw, _ = se.request("", http.MethodGet, "/api/v1/shortage?county=430211&at=2026-03-15T09:00:00%2B08:00", nil)
			if out := decode(t, string(raw)); code != http.StatusOK || fmt.Sprint(out["entries"].([]any)[0].(map[string]any)["uplift_pct"]) != "20" {
				t.Errorf("in force on 15 March: %d %s", code, raw)
			}
			if code, raw, _ := se.request("", http.MethodGet, "/api/v1/shortage?county=999999", nil); code != http.StatusUnprocessableEntity ||
				errMessage(decode(t, string(raw))) != se.srv.msg.T("zh-CN", "shortage.place_unknown") {
				t.Errorf("an unknown county: %d %s", code, raw)
			}
			code, raw, _ = se.request("", http.MethodGet, "/api/v1/shortage?city=430200", nil)
			if lists, _ := decode(t, string(raw))["lists"].([]any); code != http.StatusOK || len(lists) != 2 {
				t.Errorf("API lists for 株洲: %d %s", code, raw)
			}

			// One list: its page, its JSON, its workbook; a draft is not public.
			code, body, _ = anon.get(fmt.Sprintf("/shortage/%d", city.ID))
			if code != http.StatusOK || !strings.Contains(body, "2026年株洲市紧缺工种目录") || !strings.Contains(body, se.msg("shortage.status.published")) ||
				!strings.Contains(body, se.msg("shortage.history")) {
				t.Errorf("list page: %d", code)
			}
			code, raw, _ = se.request("", http.MethodGet, fmt.Sprintf("/api/v1/shortage/%d", city.ID), nil)
			if out := decode(t, string(raw)); code != http.StatusOK || out["list"].(map[string]any)["in_force"] != true ||
				len(out["list"].(map[string]any)["entries"].([]any)) != 2 || len(out["history"].([]any)) != 1 {
				t.Errorf("list JSON: %d %s", code, raw)
			}
			code, raw, h := se.request("", http.MethodGet, fmt.Sprintf("/shortage/%d?format=xlsx", city.ID), nil)
			if code != http.StatusOK || h.Get("Content-Type") != sheet.ContentType {
				t.Fatalf("export: %d %s", code, h.Get("Content-Type"))
			}
			rows := readWorkbook(t, raw)
			if len(rows) != 3 || rows[1][0] != "4-10-01-05" || rows[1][1] != "养老护理员" || rows[1][4] != "20" || rows[2][1] != "焊工" {
				t.Errorf("workbook rows: %v", rows)
			}
			if _, raw, h := se.request("", http.MethodGet, "/shortage?format=xlsx", nil); h.Get("Content-Type") != sheet.ContentType || len(readWorkbook(t, raw)) != 4 {
				t.Errorf("export of the lists in force: %s", h.Get("Content-Type"))
			}
			for _, p := range []string{fmt.Sprintf("/shortage/%d", draft.ID), fmt.Sprintf("/api/v1/shortage/%d", draft.ID), "/shortage/x1"} {
				if code, _, _ := se.request("", http.MethodGet, p, nil); code != http.StatusNotFound {
					t.Errorf("%s: %d, want 404", p, code)
				}
			}
		})
	}
}

var slVersionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// versionOn reads the record version the page's forms carry.
func versionOn(t *testing.T, body string) string {
	t.Helper()
	m := slVersionField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no version on the page")
	}
	return m[1]
}

// A city officer drafts, fills, publishes, revises and withdraws a list in the browser, with
// the CSRF token; bad input shows the message on the form and writes nothing.
func TestShortageOfficerBrowser(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			se := newSLEnv(t, db)
			b := se.browser()
			b.signIn(se.city, testPassword)
			code, body, _ := b.get("/shortage/manage")
			if code != http.StatusOK || !strings.Contains(body, se.msg("shortage.new")) || !strings.Contains(body, `value="430200"`) {
				t.Fatalf("manage page: %d", code)
			}
			form := url.Values{"region": {"430200"}, "title": {"2026年株洲市紧缺工种目录"}, "from": {"2026-01-01"}, "to": {"2026-12-31"}}

			// Without the CSRF token nothing is written.
			bad := url.Values{"csrf": {"forged"}}
			for k, v := range form {
				bad[k] = v
			}
			if code, _, _ := b.post("/shortage/manage", bad); code != http.StatusForbidden || se.listCount(t) != 0 {
				t.Fatalf("a forged form: %d, %d lists", code, se.listCount(t))
			}
			// A bad period is shown on the form, with what was typed.
			b.get("/shortage/manage")
			badPeriod := url.Values{"region": {"430200"}, "title": {"株洲目录"}, "from": {"2026-12-31"}, "to": {"2026-01-01"}}
			code, body, _ = b.post("/shortage/manage", badPeriod)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, se.msg("shortage.period_order")) ||
				!strings.Contains(body, `value="株洲目录"`) || se.listCount(t) != 0 {
				t.Fatalf("reversed period: %d, %d lists", code, se.listCount(t))
			}

			code, _, h := b.post("/shortage/manage", form)
			loc := h.Get("Location")
			if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/shortage/manage/") || !strings.Contains(loc, "done=shortage_created") {
				t.Fatalf("create: %d %s", code, loc)
			}
			page := strings.SplitN(loc, "?", 2)[0]
			code, body, _ = b.get(loc)
			if code != http.StatusOK || !strings.Contains(body, se.msg("done.shortage_created")) || !strings.Contains(body, se.msg("shortage.status.draft")) {
				t.Fatalf("draft page: %d", code)
			}

			// An uplift over 30% is refused on the form and the list stays empty.
			entry := url.Values{"occupation_code": {"4-10-01-05"}, "level": {"5"}, "degree": {"severe"}, "uplift_pct": {"40"},
				"sectors": {"life_services", "advanced_manufacturing"}, "version": {versionOn(t, body)}}
			code, body, _ = b.post(page+"/entries", entry)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, se.msg("shortage.uplift_range", 30)) ||
				!strings.Contains(body, `value="4-10-01-05"`) || !strings.Contains(body, `value="advanced_manufacturing" checked`) {
				t.Fatalf("uplift 40: %d", code)
			}
			// Publishing an empty list is refused too.
			code, body, _ = b.post(page+"/publish", url.Values{"version": {versionOn(t, body)}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, se.msg("shortage.no_entries")) {
				t.Fatalf("publish empty: %d", code)
			}
			entry.Set("uplift_pct", "20")
			entry.Set("version", versionOn(t, body))
			if code, _, h := b.post(page+"/entries", entry); code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "shortage_entry_added") {
				t.Fatalf("add entry: %d", code)
			}
			// The same occupation and level again, on the version before: the stale version is refused.
			code, body, _ = b.post(page+"/entries", entry)
			if code != http.StatusConflict || !strings.Contains(body, se.msg("version.stale")) {
				t.Fatalf("stale add: %d", code)
			}
			_, body, _ = b.get(page)
			if !strings.Contains(body, "养老护理员") || !strings.Contains(body, "+20%") {
				t.Fatal("the entry is not on the page")
			}
			if code, _, h := b.post(page+"/publish", url.Values{"version": {versionOn(t, body)}}); code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "shortage_published") {
				t.Fatalf("publish: %d", code)
			}
			_, body, _ = se.browser().get("/shortage?city=430200")
			if !strings.Contains(body, "2026年株洲市紧缺工种目录") || !strings.Contains(body, "+20%") {
				t.Fatal("the published list is not on the public page")
			}

			// Revise: a draft of version 2; the page of version 1 points to it.
			se.at(time.Date(2026, 5, 6, 10, 0, 0, 0, slZone))
			b.signIn(se.city, testPassword) // two months on: the session has long expired
			_, body, _ = b.get(page)
			code, _, h = b.post(page+"/revise", url.Values{"version": {versionOn(t, body)}})
			if code != http.StatusSeeOther || h.Get("Location") == loc || !strings.Contains(h.Get("Location"), "shortage_revised") {
				t.Fatalf("revise: %d %s", code, h.Get("Location"))
			}
			code, body, _ = b.get(h.Get("Location"))
			if code != http.StatusOK || !strings.Contains(body, se.msg("shortage.version_n", 2)) || !strings.Contains(body, "养老护理员") {
				t.Fatalf("version 2 draft: %d", code)
			}
			if _, body, _ := b.get(page); !strings.Contains(body, se.msg("shortage.draft_waiting")) {
				t.Error("version 1 does not point to the draft")
			}

			// Withdraw version 1 with a reason; without one the form says so.
			_, body, _ = b.get(page)
			v := versionOn(t, body)
			code, body, _ = b.post(page+"/withdraw", url.Values{"version": {v}, "reason": {" "}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, se.msg("shortage.reason")) {
				t.Fatalf("withdraw without reason: %d", code)
			}
			if code, _, _ := b.post(page+"/withdraw", url.Values{"version": {v}, "reason": {"统计口径调整，重新发布"}}); code != http.StatusSeeOther {
				t.Fatalf("withdraw: %d", code)
			}
			_, body, _ = se.browser().get(strings.Replace(page, "/manage", "", 1))
			if !strings.Contains(body, se.msg("shortage.status.withdrawn")) || !strings.Contains(body, "统计口径调整，重新发布") {
				t.Error("the public page of the withdrawn list lacks its state or reason")
			}
			if _, body, _ := se.browser().get("/shortage?city=430200"); !strings.Contains(body, se.msg("shortage.none_in_force")) {
				t.Error("a withdrawn list is still in force")
			}
			if _, body, _ := se.browser().get("/shortage?city=430200&date=2026-05-01"); !strings.Contains(body, "2026年株洲市紧缺工种目录") {
				t.Error("the past lost its answer: on 1 May the list was in force")
			}

			// The county officer sees a notice and no form; the system administrator may read.
			cb := se.browser()
			cb.signIn(se.county, testPassword)
			if _, body, _ := cb.get("/shortage/manage"); !strings.Contains(body, se.msg("shortage.county_notice")) || strings.Contains(body, `method="post" action="/shortage/manage"`) {
				t.Error("the county officer's page")
			}
			if code, _, _ := cb.get(page); code != http.StatusNotFound {
				t.Errorf("the county officer opens the city's list: %d", code)
			}
		})
	}
}

// The API: a create retried with the same Idempotency-Key creates once; the whole flow works
// with Bearer tokens; refusals and bad input write nothing.
func TestShortageAPI(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			se := newSLEnv(t, db)
			tok, county, other := se.token(se.city.ID), se.token(se.county.ID), se.token(se.otherCity.ID)
			list := map[string]any{"region": "430200", "title": "2026年株洲市紧缺工种目录", "from": "2026-01-01", "to": "2026-12-31"}
			key := http.Header{"Idempotency-Key": {"shortage-create-0001"}}
			code, first, _ := se.requestWith(tok, http.MethodPost, "/api/v1/shortage/manage", list, key)
			if code != http.StatusCreated {
				t.Fatalf("create: %d %s", code, first)
			}
			code, again, h := se.requestWith(tok, http.MethodPost, "/api/v1/shortage/manage", list, key)
			if code != http.StatusCreated || string(again) != string(first) || h.Get("Idempotent-Replayed") != "true" || se.listCount(t) != 1 {
				t.Fatalf("retried create: %d %s, %d lists", code, again, se.listCount(t))
			}
			l := decode(t, string(first))
			id := fmt.Sprint(l["id"])
			base := "/api/v1/shortage/manage/" + id

			// Refusals: the county officer, another city's officer, bad input; nothing written.
			code, raw, _ := se.request(county, http.MethodPost, "/api/v1/shortage/manage", list)
			if code != http.StatusForbidden || errMessage(decode(t, string(raw))) != se.srv.msg.T("zh-CN", "shortage.county_officer") {
				t.Errorf("county officer creates: %d %s", code, raw)
			}
			if code, _, _ := se.request(other, http.MethodGet, base, nil); code != http.StatusNotFound {
				t.Errorf("another city reads the draft: %d", code)
			}
			if code, _, _ := se.request(other, http.MethodPost, base+"/entries", map[string]any{"occupation_code": "4-10-01-05",
				"level": "5", "degree": "mild", "uplift_pct": 5, "version": 1}); code != http.StatusNotFound {
				t.Errorf("another city adds an entry: %d", code)
			}
			code, raw, _ = se.request(tok, http.MethodPost, "/api/v1/shortage/manage", map[string]any{"region": "430200", "title": "",
				"from": "2026-01-01", "to": "2026-12-31"})
			if code != http.StatusUnprocessableEntity || errMessage(decode(t, string(raw))) != se.srv.msg.T("zh-CN", "shortage.title") {
				t.Errorf("no title: %d %s", code, raw)
			}
			code, raw, _ = se.request(tok, http.MethodPost, base+"/entries", map[string]any{"occupation_code": "4-10-01", "level": "5",
				"degree": "mild", "uplift_pct": 5, "version": 1})
			if code != http.StatusUnprocessableEntity || errMessage(decode(t, string(raw))) != se.srv.msg.T("zh-CN", "scope.unknown_occupation") {
				t.Errorf("a 中类 as occupation: %d %s", code, raw)
			}
			code, raw, _ = se.request(tok, http.MethodPost, base+"/entries", map[string]any{"occupation_code": "4-10-01-05", "level": "5",
				"degree": "mild", "uplift_pct": 5, "sectors": []string{"transport", "transport"}, "version": 1})
			if code != http.StatusUnprocessableEntity || errMessage(decode(t, string(raw))) != se.srv.msg.T("zh-CN", "shortage.sector_twice") {
				t.Errorf("a sector twice: %d %s", code, raw)
			}
			if se.listCount(t) != 1 {
				t.Fatalf("refusals wrote lists: %d", se.listCount(t))
			}

			code, raw, _ = se.request(tok, http.MethodPost, base+"/entries", map[string]any{"occupation_code": "4-10-01-05", "level": "5",
				"degree": "severe", "uplift_pct": 25, "sectors": []string{"life_services"}, "version": 1})
			if code != http.StatusCreated {
				t.Fatalf("add entry: %d %s", code, raw)
			}
			l = decode(t, string(raw))
			if fmt.Sprint(l["version"]) != "2" || len(l["entries"].([]any)) != 1 {
				t.Fatalf("after add: %s", raw)
			}
			code, raw, _ = se.request(tok, http.MethodPost, base+"/publish", map[string]any{"version": 1})
			if code != http.StatusConflict || errMessage(decode(t, string(raw))) != se.srv.msg.T("zh-CN", "version.stale") {
				t.Errorf("stale publish: %d %s", code, raw)
			}
			code, raw, _ = se.request(tok, http.MethodPost, base+"/publish", map[string]any{"version": 2})
			if code != http.StatusOK || decode(t, string(raw))["status"] != "published" {
				t.Fatalf("publish: %d %s", code, raw)
			}
			code, raw, _ = se.request("", http.MethodGet, "/api/v1/shortage?county=430211", nil)
			if e := decode(t, string(raw))["entries"].([]any); code != http.StatusOK || len(e) != 1 || fmt.Sprint(e[0].(map[string]any)["uplift_pct"]) != "25" {
				t.Errorf("in force after publishing: %d %s", code, raw)
			}
			code, raw, _ = se.request(tok, http.MethodGet, "/api/v1/shortage/manage", nil)
			if out := decode(t, string(raw)); code != http.StatusOK || fmt.Sprint(out["total"]) != "1" {
				t.Errorf("manage list: %d %s", code, raw)
			}

			// Revise, change the uplift, publish: version 1 superseded from that instant.
			se.at(time.Date(2026, 6, 1, 9, 30, 0, 0, slZone))
			code, raw, _ = se.request(tok, http.MethodPost, base+"/revise", map[string]any{"version": 3})
			if code != http.StatusCreated {
				t.Fatalf("revise: %d %s", code, raw)
			}
			v2 := decode(t, string(raw))
			v2base := "/api/v1/shortage/manage/" + fmt.Sprint(v2["id"])
			entry := v2["entries"].([]any)[0].(map[string]any)
			code, raw, _ = se.request(tok, http.MethodPost, v2base+"/entries/"+fmt.Sprint(entry["id"])+"/remove", map[string]any{"version": 1})
			if code != http.StatusOK {
				t.Fatalf("remove: %d %s", code, raw)
			}
			se.request(tok, http.MethodPost, v2base+"/entries", map[string]any{"occupation_code": "4-10-01-05", "level": "5",
				"degree": "severe", "uplift_pct": 30, "version": 2})
			if code, raw, _ := se.request(tok, http.MethodPost, v2base+"/publish", map[string]any{"version": 3}); code != http.StatusOK {
				t.Fatalf("publish version 2: %d %s", code, raw)
			}
			code, raw, _ = se.request("", http.MethodGet, "/api/v1/shortage/"+id, nil)
			out := decode(t, string(raw))
			if v1 := out["list"].(map[string]any); code != http.StatusOK || v1["status"] != "superseded" || fmt.Sprint(v1["superseded_by"]) != fmt.Sprint(v2["id"]) ||
				v1["in_force"] != false || len(out["history"].([]any)) != 2 {
				t.Errorf("version 1 after version 2: %d %s", code, raw)
			}
			for _, c := range []struct {
				at   string
				want string
			}{{"2026-06-01T09:29:59%2B08:00", "25"}, {"2026-06-01T09:30:00%2B08:00", "30"}} {
				_, raw, _ := se.request("", http.MethodGet, "/api/v1/shortage?county=430211&at="+c.at, nil)
				if e := decode(t, string(raw))["entries"].([]any); len(e) != 1 || fmt.Sprint(e[0].(map[string]any)["uplift_pct"]) != c.want {
					t.Errorf("at %s: %s, want %s%%", c.at, raw, c.want)
				}
			}
		})
	}
}

// matrixShortage gives the authorisation matrix a {list}: the own one is a published list of
// 株洲市 (the city around the matrix's county officer), the foreign one a draft of 长沙市.
func matrixShortage(t *testing.T, tx *store.Tx, w *matrixWorld, own, foreign xiangpei.Class) {
	t.Helper()
	mk := func(region, title string, publish bool) xiangpei.ShortageList {
		sc := xiangpei.Scope{Region: xiangpei.RegionPrefix(region)}
		y := tx.Now.In(slZone).Year()
		l, err := tx.CreateShortageList(sc, xiangpei.ShortageListInput{Region: region, Title: title,
			From: fmt.Sprintf("%d-01-01", y), To: fmt.Sprintf("%d-12-31", y+1)})
		if err == nil {
			l, err = tx.AddShortageEntry(sc, l.ID, l.Version, xiangpei.ShortageEntryInput{OccupationCode: own.OccupationCode,
				Level: own.Level, Degree: xiangpei.ShortageModerate, UpliftPct: 10})
		}
		if err == nil && publish {
			l, err = tx.MoveShortageList(sc, l.ID, l.Version, xiangpei.ShortagePublish, "")
		}
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	_ = foreign
	ownList, foreignList := mk("430200", "株洲市紧缺工种目录", true), mk("430100", "长沙市紧缺工种目录", false)
	for label := range w.own {
		w.own[label]["list"], w.foreign[label]["list"] = fmt.Sprint(ownList.ID), fmt.Sprint(foreignList.ID)
	}
}

// TestShortageDiscardHTTP: the city's officer discards a draft in the browser and lands on
// their lists; the API refuses to discard a published list and another city gets a 404.
func TestShortageDiscardHTTP(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			se := newSLEnv(t, db)
			published := se.publish(t, se.city, "430200", "2026年株洲市紧缺工种目录", [3]any{"4-10-01-05", "5", 20})
			token := se.token(se.city.ID)
			st, raw, _ := se.request(token, http.MethodPost, fmt.Sprintf("/api/v1/shortage/manage/%d/revise", published.ID),
				map[string]any{"version": published.Version})
			if st != http.StatusCreated {
				t.Fatalf("revise: %d %s", st, raw)
			}
			draft := decode(t, string(raw))
			id := fmt.Sprint(draft["id"])
			if st, _, _ := se.request(se.token(se.otherCity.ID), http.MethodPost, "/api/v1/shortage/manage/"+id+"/discard",
				map[string]any{"version": draft["version"]}); st != http.StatusNotFound {
				t.Errorf("another city discards: %d", st)
			}
			if st, _, _ := se.request(token, http.MethodPost, fmt.Sprintf("/api/v1/shortage/manage/%d/discard", published.ID),
				map[string]any{"version": published.Version}); st != http.StatusConflict {
				t.Errorf("discarding a published list: %d", st)
			}
			b := se.browser()
			b.signIn(se.city, testPassword)
			b.get("/shortage/manage/" + id)
			st, _, h := b.post("/shortage/manage/"+id+"/discard", url.Values{"version": {fmt.Sprint(draft["version"])}})
			if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/shortage/manage") {
				t.Fatalf("discard in the browser: %d %s", st, h.Get("Location"))
			}
			if st, _, _ := se.request(token, http.MethodGet, "/api/v1/shortage/manage/"+id, nil); st != http.StatusNotFound {
				t.Errorf("the discarded draft answers %d", st)
			}
		})
	}
}
