package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// matrixChanges files a change (five more seats) on the own and the foreign class of the
// authorisation matrix, so that routes with {change} have an object of each.
func matrixChanges(t *testing.T, tx *store.Tx, w *matrixWorld, own, foreign xiangpei.Class) {
	t.Helper()
	var ids [2]int64
	for i, c := range []xiangpei.Class{own, foreign} {
		cur, err := tx.Class(xiangpei.Scope{All: true}, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := store.ClassInputOf(cur)
		in.Capacity = cur.Capacity + 5
		ch, err := tx.FileClassChange(xiangpei.Scope{OrgID: cur.OrgID}, cur.ID, cur.Version, xiangpei.ChangeEdit, in, "扩招五人")
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = ch.ID
	}
	for label := range w.own {
		w.own[label]["change"], w.foreign[label]["change"] = fmt.Sprint(ids[0]), fmt.Sprint(ids[1])
	}
}

func (te *trainEnv) clsMsg(key string, args ...any) string {
	return te.srv.msg.T("zh-CN", key, args...)
}

// has fails the test unless the page shows the text (as HTML escapes it).
func clsHas(t *testing.T, body, what string) {
	t.Helper()
	if !strings.Contains(body, html.EscapeString(what)) && !strings.Contains(body, what) {
		t.Fatalf("the page does not show %q:\n%s", what, clsExcerpt(body))
	}
}

func clsExcerpt(body string) string {
	if i := strings.Index(body, `<main id="main">`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 4000 {
		body = body[:4000]
	}
	return body
}

// clsForm is the class form as the browser sends it: four theory sessions of 3 hours on the
// working days from Monday 16 November 2026, taught by the first teacher.
func (te *trainEnv) clsForm(name string, capacity int, sessionIDs ...int64) url.Values {
	f := url.Values{"name": {name}, "occupation": {"4-10-01-05|5"}, "funding": {"subsidised"}, "special_action": {"elderly_care"},
		"sector": {""}, "key_groups": {"migrant"}, "venue_id": {fmt.Sprint(te.w.Venue.ID)}, "teacher_ids": {fmt.Sprint(te.w.Teachers[0].ID)},
		"capacity": {fmt.Sprint(capacity)}, "self_enrol": {"1"}, "theory_hours": {"12"}, "practice_hours": {""}, "step": {"save"}}
	for i, d := range []string{"2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "", ""} {
		id := ""
		if i < len(sessionIDs) {
			id = fmt.Sprint(sessionIDs[i])
		}
		start, end := "09:00", "12:00"
		if d == "" {
			start, end = "", ""
		}
		f.Add("s_id", id)
		f.Add("s_makeup", "")
		f.Add("s_date", d)
		f.Add("s_start", start)
		f.Add("s_end", end)
		f.Add("s_kind", "theory")
		f.Add("s_teacher", fmt.Sprint(te.w.Teachers[0].ID))
		f.Add("s_venue", "")
	}
	return f
}

func clsIDFrom(t *testing.T, location string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(strings.TrimPrefix(location, "/classes/"), "%d", &id); err != nil || id == 0 {
		t.Fatalf("no class in %q", location)
	}
	return id
}

func (te *trainEnv) clsCount(t *testing.T, a xiangpei.Actor) int {
	t.Helper()
	_, n, err := te.db.Classes(context.Background(), a.Scope(), store.ClassFilter{}, store.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestClassBrowserJourney: an institution fills the timetable with the repeat helper, files
// a class; the county returns it with a reason; the institution fixes and files again; the
// county approves; then a change filing is reviewed with old and new values side by side.
// Bad input shows the message with everything typed, and writes nothing.
func TestClassBrowserJourney(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			te := newTrainEnv(t, db)
			inst := te.browser()
			inst.signIn(te.inst, testPassword)
			status, body, _ := inst.get("/classes/new")
			if status != http.StatusOK {
				t.Fatalf("new form: %d", status)
			}
			clsHas(t, body, te.clsMsg("classes.repeat_button"))

			// The repeat helper fills the rows and the planned hours; nothing is saved.
			f := te.clsForm("养老护理员五级11月班", 30)
			for _, k := range []string{"s_id", "s_makeup", "s_date", "s_start", "s_end", "s_kind", "s_teacher", "s_venue"} {
				f[k] = nil
			}
			f.Set("theory_hours", "")
			f.Set("step", "repeat")
			f.Set("rep_from", "2026-11-16")
			f.Set("rep_count", "4")
			f.Set("rep_pattern", "workdays")
			f.Set("rep_start", "09:00")
			f.Set("rep_end", "12:00")
			f.Set("rep_kind", "theory")
			f.Set("rep_teacher", fmt.Sprint(te.w.Teachers[0].ID))
			status, body, _ = inst.post("/classes", f)
			if status != http.StatusOK || !strings.Contains(body, `value="2026-11-19"`) || !strings.Contains(body, `name="theory_hours" type="number" min="0" max="2000" value="12"`) {
				t.Fatalf("repeat helper: %d\n%s", status, clsExcerpt(body))
			}
			status, body, _ = inst.post("/classes", url.Values{"step": {"rows"}, "name": {"半截表单"}, "s_date": {""}, "s_start": {""}, "s_end": {""}})
			if status != http.StatusOK || strings.Count(body, `name="s_date"`) != 6 || !strings.Contains(body, `value="半截表单"`) {
				t.Fatalf("add rows: %d, %d rows", status, strings.Count(body, `name="s_date"`))
			}
			if n := te.clsCount(t, te.w.InstA); n != 0 {
				t.Fatalf("the helpers saved %d classes", n)
			}

			// Bad input: no name; a half-filled row.
			bad := te.clsForm("", 30)
			status, body, _ = inst.post("/classes", bad)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("no name: %d", status)
			}
			clsHas(t, body, te.clsMsg("class.name"))
			if !strings.Contains(body, `value="2026-11-18"`) {
				t.Error("the typed timetable is lost")
			}
			bad = te.clsForm("养老护理员五级11月班", 30)
			bad["s_end"][2] = ""
			status, body, _ = inst.post("/classes", bad)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("half row: %d", status)
			}
			clsHas(t, body, te.clsMsg("classes.row_time", 3))
			if n := te.clsCount(t, te.w.InstA); n != 0 {
				t.Fatalf("bad input wrote %d classes", n)
			}

			// Save the draft.
			status, _, h := inst.post("/classes", te.clsForm("养老护理员五级11月班", 30))
			if status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=class_created") {
				t.Fatalf("create: %d %s", status, h.Get("Location"))
			}
			id := clsIDFrom(t, h.Get("Location"))
			path := fmt.Sprintf("/classes/%d", id)
			status, body, _ = inst.get(path)
			if status != http.StatusOK {
				t.Fatalf("class page: %d", status)
			}
			// First session Monday 16 Nov: file by Wednesday 11 Nov; from Monday 2 Nov that is 7 working days.
			clsHas(t, body, te.clsMsg("classes.days_left", 7))
			clsHas(t, body, te.clsMsg("classes.deadline", "2026-11-11 23:59"))
			clsHas(t, body, te.clsMsg("classes.status.draft"))
			if status, _, h = inst.post(path+"/submit", url.Values{"version": {"1"}}); status != http.StatusSeeOther {
				t.Fatalf("submit: %d", status)
			}

			// The county returns it; a return without a reason is refused and changes nothing.
			officer := te.browser()
			officer.signIn(te.officer, testPassword)
			status, body, _ = officer.get("/classes/review")
			if status != http.StatusOK {
				t.Fatalf("queue: %d", status)
			}
			clsHas(t, body, "养老护理员五级11月班")
			clsHas(t, body, te.clsMsg("classes.item_class"))
			status, body, _ = officer.get(path)
			clsHas(t, body, te.clsMsg("classes.approve"))
			status, body, _ = officer.post(path+"/return", url.Values{"version": {"2"}, "reason": {" "}})
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("return without reason: %d", status)
			}
			clsHas(t, body, te.clsMsg("class.reason"))
			if c, _ := db.Class(context.Background(), te.w.Officer.Scope(), id); c.Status != xiangpei.ClassFiled {
				t.Fatalf("a refused return moved the class to %s", c.Status)
			}
			if status, _, _ = officer.post(path+"/return", url.Values{"version": {"2"}, "reason": {"第三节课与场地安排冲突，请调整"}}); status != http.StatusSeeOther {
				t.Fatalf("return: %d", status)
			}

			// The institution sees why, fixes and files again.
			status, body, _ = inst.get(path)
			clsHas(t, body, "第三节课与场地安排冲突，请调整")
			clsHas(t, body, te.clsMsg("classes.status.returned"))
			if status, body, _ = inst.get(path + "/edit"); status != http.StatusOK || !strings.Contains(body, `value="养老护理员五级11月班"`) {
				t.Fatalf("edit form: %d", status)
			}
			c, err := db.Class(context.Background(), te.w.InstA.Scope(), id)
			if err != nil {
				t.Fatal(err)
			}
			fix := te.clsForm("养老护理员五级11月班", 25, c.Sessions[0].ID, c.Sessions[1].ID, c.Sessions[2].ID, c.Sessions[3].ID)
			fix["s_start"][2], fix["s_end"][2] = "13:30", "16:30"
			fix.Set("version", "1")
			if status, body, _ = inst.post(path, fix); status != http.StatusConflict {
				t.Fatalf("stale edit: %d", status)
			}
			clsHas(t, body, te.clsMsg("version.stale"))
			fix.Set("version", fmt.Sprint(c.Version))
			if status, _, h = inst.post(path, fix); status != http.StatusSeeOther {
				t.Fatalf("edit: %d", status)
			}
			c, _ = db.Class(context.Background(), te.w.InstA.Scope(), id)
			if c.Capacity != 25 || c.Sessions[2].ID == 0 || c.Sessions[2].Starts.In(xiangpei.ChinaTime).Format("15:04") != "13:30" {
				t.Fatalf("after the fix: %+v", c)
			}
			if status, _, _ = inst.post(path+"/submit", url.Values{"version": {fmt.Sprint(c.Version)}}); status != http.StatusSeeOther {
				t.Fatalf("refile: %d", status)
			}
			if status, _, _ = officer.post(path+"/approve", url.Values{"version": {fmt.Sprint(c.Version + 1)}}); status != http.StatusSeeOther {
				t.Fatalf("approve: %d", status)
			}
			c, _ = db.Class(context.Background(), te.w.InstA.Scope(), id)
			if c.Status != xiangpei.ClassApproved {
				t.Fatalf("approved? %s", c.Status)
			}

			// A change filing: five more seats, the last session an hour later.
			if status, body, _ = inst.get(path + "/change"); status != http.StatusOK || !strings.Contains(body, `value="25"`) {
				t.Fatalf("change form: %d", status)
			}
			chg := te.clsForm("养老护理员五级11月班", 30, c.Sessions[0].ID, c.Sessions[1].ID, c.Sessions[2].ID, c.Sessions[3].ID)
			chg["s_start"][2], chg["s_end"][2] = "13:30", "16:30"
			chg["s_start"][3], chg["s_end"][3] = "10:00", "13:00"
			chg.Set("kind", "change")
			chg.Set("version", fmt.Sprint(c.Version))
			if status, body, _ = inst.post(path+"/changes", chg); status != http.StatusUnprocessableEntity {
				t.Fatalf("change without reason: %d", status)
			}
			clsHas(t, body, te.clsMsg("class.change_reason"))
			chg.Set("reason", "报名人数多，扩招5人；最后一节改到10点")
			status, _, h = inst.post(path+"/changes", chg)
			if status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), path+"/changes/") {
				t.Fatalf("file change: %d %s", status, h.Get("Location"))
			}
			changePath, _, _ := strings.Cut(h.Get("Location"), "?")
			status, body, _ = officer.get("/classes/review")
			clsHas(t, body, te.clsMsg("classes.item_change"))
			status, body, _ = officer.get(changePath)
			if status != http.StatusOK {
				t.Fatalf("change page: %d", status)
			}
			clsHas(t, body, te.clsMsg("classes.diff_before"))
			if strings.Count(body, `class="cls-changed"`) != 3 { // capacity, timetable, and the moved session
				t.Errorf("%d rows highlighted, want 3", strings.Count(body, `class="cls-changed"`))
			}
			if status, _, _ = officer.post(changePath+"/approve", url.Values{"version": {"1"}}); status != http.StatusSeeOther {
				t.Fatalf("approve change: %d", status)
			}
			c, _ = db.Class(context.Background(), te.w.InstA.Scope(), id)
			if c.Capacity != 30 || c.Sessions[3].Starts.In(xiangpei.ChinaTime).Format("15:04") != "10:00" {
				t.Fatalf("the change is not in force: %+v", c)
			}
			status, body, _ = inst.get(path)
			clsHas(t, body, te.clsMsg("classes.history.change_approve"))
			clsHas(t, body, te.clsMsg("classes.change_status.approved"))
			// The officer's list shows the region's classes with their institution.
			status, body, _ = officer.get("/classes?q=11%E6%9C%88")
			clsHas(t, body, "养老护理员五级11月班")
			clsHas(t, body, te.w.Inst.Name)
		})
	}
}

type clsAPI struct {
	te *trainEnv
	t  *testing.T
}

func (a clsAPI) call(token, method, path string, body any, header ...string) (int, map[string]any) {
	a.t.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	status, b, _ := a.te.requestWith(token, method, path, body, h)
	if len(b) == 0 || b[0] != '{' {
		return status, nil
	}
	return status, decode(a.t, string(b))
}

func clsNum(v any) int64 {
	n, _ := strconv.ParseInt(fmt.Sprint(v), 10, 64)
	return n
}

// TestClassAPIJourney: the same lifecycle over the JSON API, with an idempotent create, scope
// isolation, a make-up filing, and two officers approving at once.
func TestClassAPIJourney(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			te := newTrainEnv(t, db)
			api := clsAPI{te, t}
			inst, other := te.token(te.inst.ID), te.token(te.other.ID)
			officer, oOfficer := te.token(te.officer.ID), te.token(te.oOfficer.ID)
			second := te.account(xiangpei.AccountInput{Login: "t_ty2", DisplayName: "天元区经办二", Role: xiangpei.RoleOfficer,
				Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyClassReview}}, testPassword)
			officer2 := te.token(second.ID)
			sessions := []map[string]any{}
			for _, d := range []string{"2026-11-16", "2026-11-17", "2026-11-18"} {
				sessions = append(sessions, map[string]any{"date": d, "start": "14:00", "end": "17:00", "kind": "practice", "teacher_id": te.w.Teachers[1].ID})
			}
			body := map[string]any{"name": "焊工五级实操班", "occupation_code": "6-18-02-04", "level": "5", "funding": "self",
				"practice_hours": 9, "venue_id": te.w.Venue.ID, "teacher_ids": []int64{te.w.Teachers[1].ID}, "capacity": 20,
				"sessions": sessions}
			status, first := api.call(inst, http.MethodPost, "/api/v1/classes", body, "Idempotency-Key", "create-class-0001")
			if status != http.StatusCreated {
				t.Fatalf("create: %d %v", status, first)
			}
			status, again := api.call(inst, http.MethodPost, "/api/v1/classes", body, "Idempotency-Key", "create-class-0001")
			if status != http.StatusCreated || fmt.Sprint(again["id"]) != fmt.Sprint(first["id"]) {
				t.Fatalf("retry: %d %v", status, again)
			}
			if n := te.clsCount(t, te.w.InstA); n != 1 {
				t.Fatalf("a retried create made %d classes", n)
			}
			id := clsNum(first["id"])
			path := fmt.Sprintf("/api/v1/classes/%d", id)
			// Bad input: refused with the message, nothing written.
			badBody := map[string]any{"name": "焊工五级实操班", "occupation_code": "6-18-02-04", "level": "4", "funding": "self",
				"practice_hours": 9, "venue_id": te.w.Venue.ID, "teacher_ids": []int64{te.w.Teachers[1].ID}, "capacity": 20, "sessions": sessions}
			status, refused := api.call(inst, http.MethodPost, "/api/v1/classes", badBody)
			if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(refused["error"]), te.clsMsg("class.outside_scope")) {
				t.Fatalf("outside scope: %d %v", status, refused)
			}
			if n := te.clsCount(t, te.w.InstA); n != 1 {
				t.Fatalf("a refused create wrote: %d classes", n)
			}
			// Scope: the other institution and the other county see nothing.
			for _, tok := range []string{other, oOfficer} {
				if status, _ := api.call(tok, http.MethodGet, path, nil); status != http.StatusNotFound {
					t.Errorf("a foreign reader got %d", status)
				}
				if status, _ := api.call(tok, http.MethodPost, path+"/submit", map[string]any{"version": 1}); status != http.StatusNotFound && status != http.StatusForbidden {
					t.Errorf("a foreign submit got %d", status)
				}
			}
			if status, list := api.call(other, http.MethodGet, "/api/v1/classes", nil); status != http.StatusOK || fmt.Sprint(list["total"]) != "0" {
				t.Errorf("other institution's list: %d %v", status, list)
			}
			status, detail := api.call(inst, http.MethodGet, path, nil)
			if status != http.StatusOK || fmt.Sprint(detail["workdays_left"]) != "7" {
				t.Fatalf("detail: %d %v", status, detail)
			}
			if status, _ := api.call(inst, http.MethodPost, path+"/submit", map[string]any{"version": 1}); status != http.StatusOK {
				t.Fatalf("submit: %d", status)
			}
			status, queue := api.call(officer, http.MethodGet, "/api/v1/classes/review", nil)
			if status != http.StatusOK || fmt.Sprint(queue["total"]) != "1" {
				t.Fatalf("queue: %d %v", status, queue)
			}
			if status, q := api.call(oOfficer, http.MethodGet, "/api/v1/classes/review", nil); status != http.StatusOK || fmt.Sprint(q["total"]) != "0" {
				t.Errorf("other county's queue: %v", q)
			}
			if status, _ := api.call(officer, http.MethodPost, path+"/return", map[string]any{"version": 2, "reason": "请补充实操场地的安全措施"}); status != http.StatusOK {
				t.Fatalf("return: %d", status)
			}
			status, detail = api.call(inst, http.MethodGet, path, nil)
			cls, _ := detail["class"].(map[string]any)
			if cls["status"] != "returned" || cls["return_reason"] != "请补充实操场地的安全措施" {
				t.Fatalf("after return: %v", cls)
			}
			body["capacity"] = 18
			body["version"] = 3
			if status, up := api.call(inst, http.MethodPost, path, body); status != http.StatusOK || fmt.Sprint(up["capacity"]) != "18" {
				t.Fatalf("update: %d %v", status, up)
			}
			if status, _ := api.call(inst, http.MethodPost, path+"/submit", map[string]any{"version": 4}); status != http.StatusOK {
				t.Fatalf("refile: %d", status)
			}
			// Two officers approve at the same moment: one wins, the other is told.
			var wg sync.WaitGroup
			statuses := make([]int, 2)
			bodies := make([]map[string]any, 2)
			for i, tok := range []string{officer, officer2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i], bodies[i] = api.call(tok, http.MethodPost, path+"/approve", map[string]any{"version": 5})
				}()
			}
			wg.Wait()
			ok, conflict := 0, 0
			for i, st := range statuses {
				switch st {
				case http.StatusOK:
					ok++
				case http.StatusConflict:
					conflict++
					if !strings.Contains(fmt.Sprint(bodies[i]["error"]), te.clsMsg("version.stale")) {
						t.Errorf("the losing officer was told %v", bodies[i])
					}
				}
			}
			if ok != 1 || conflict != 1 {
				t.Fatalf("two approvals: %v", statuses)
			}
			// Start on the day, then file a make-up session after the last one.
			te.at(time.Date(2026, 11, 16, 13, 0, 0, 0, xiangpei.ChinaTime))
			if status, _ := api.call(inst, http.MethodPost, path+"/start", map[string]any{"version": 6}); status != http.StatusOK {
				t.Fatalf("start: %d", status)
			}
			te.at(time.Date(2026, 11, 19, 9, 0, 0, 0, xiangpei.ChinaTime))
			makeup := map[string]any{"kind": "makeup", "version": 7, "reason": "两名学员缺第二节课，安排补课",
				"sessions": []map[string]any{{"date": "2026-11-24", "start": "14:00", "end": "17:00", "kind": "practice", "teacher_id": te.w.Teachers[1].ID}}}
			status, ch := api.call(inst, http.MethodPost, path+"/changes", makeup, "Idempotency-Key", "makeup-0001")
			if status != http.StatusCreated || ch["kind"] != "makeup" {
				t.Fatalf("make-up: %d %v", status, ch)
			}
			chPath := fmt.Sprintf("%s/changes/%v", path, ch["id"])
			if status, _ := api.call(oOfficer, http.MethodGet, chPath, nil); status != http.StatusNotFound {
				t.Errorf("other county reads the make-up: %d", status)
			}
			if status, again := api.call(inst, http.MethodPost, path+"/changes", makeup); status != http.StatusConflict ||
				!strings.Contains(fmt.Sprint(again["error"]), te.clsMsg("class.change_open")) {
				t.Errorf("a second open change: %d %v", status, again)
			}
			status, queue = api.call(officer, http.MethodGet, "/api/v1/classes/review", nil)
			items, _ := queue["items"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["kind"] != "makeup" {
				t.Fatalf("queue: %v", queue)
			}
			if status, dec := api.call(officer, http.MethodPost, chPath+"/approve", map[string]any{"version": 1}); status != http.StatusOK || dec["status"] != "approved" {
				t.Fatalf("approve make-up: %d %v", status, dec)
			}
			status, detail = api.call(inst, http.MethodGet, path, nil)
			cls, _ = detail["class"].(map[string]any)
			ss, _ := cls["sessions"].([]any)
			if len(ss) != 4 || fmt.Sprint(cls["planned_minutes"]) != "540" || ss[3].(map[string]any)["makeup"] != true {
				t.Fatalf("after the make-up: %v", cls)
			}
			if status, list := api.call(inst, http.MethodGet, path+"/changes", nil); status != http.StatusOK || len(list["changes"].([]any)) != 1 {
				t.Errorf("changes: %d %v", status, list)
			}
		})
	}
}

// TestClassExports: the institution's list, the officer's list and the review queue export
// the filtered rows to Excel.
func TestClassExports(t *testing.T) {
	db := storetest.SQLite(t)
	te := newTrainEnv(t, db)
	te.w.ApprovedClass(t, 10, 2)
	filed := te.w.ClassInput(t, te.w.Now().AddDate(0, 0, 20), 2)
	filed.Name = "=HYPERLINK(\"x\")"
	if _, err := store.Do(context.Background(), db, te.w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
		c, err := tx.CreateClass(te.w.InstA.Scope(), te.w.Inst.ID, filed)
		if err != nil {
			return c, err
		}
		return tx.MoveClass(te.w.InstA.Scope(), c.ID, c.Version, xiangpei.ClassSubmit, "")
	}); err != nil {
		t.Fatal(err)
	}
	rowsOf := func(token, path string) [][]string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, te.ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != sheet.ContentType {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	inst, officer := te.token(te.inst.ID), te.token(te.officer.ID)
	if rows := rowsOf(inst, "/classes?format=xlsx"); len(rows) != 3 || rows[0][0] != te.clsMsg("classes.col_name") {
		t.Errorf("institution's list: %v", rows)
	}
	rows := rowsOf(inst, "/api/v1/classes?format=xlsx&status=filed")
	if len(rows) != 2 || rows[1][0] != "'=HYPERLINK(\"x\")" || rows[1][8] != te.clsMsg("classes.status.filed") {
		t.Errorf("filtered list: %v", rows)
	}
	if rows := rowsOf(officer, "/classes?format=xlsx"); len(rows) != 3 || rows[1][1] != te.w.Inst.Name {
		t.Errorf("officer's list: %v", rows)
	}
	if rows := rowsOf(officer, "/classes/review?format=xlsx"); len(rows) != 2 || rows[1][1] != te.clsMsg("classes.item_class") {
		t.Errorf("queue: %v", rows)
	}
	if rows := rowsOf(te.token(te.oOfficer.ID), "/classes/review?format=xlsx"); len(rows) != 1 {
		t.Errorf("other county's queue: %v", rows)
	}
}
