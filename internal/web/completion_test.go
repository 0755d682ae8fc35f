package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// attendFully records a check-in at the start and a check-out at the end of the sessions for a
// person, through the institution's import path.
func (cw *complWorld) attendFully(t *testing.T, personID int64, sessions ...xiangpei.Session) {
	t.Helper()
	var evs []xiangpei.Event
	for _, x := range sessions {
		evs = append(evs, xiangpei.Event{SessionID: x.ID, PersonID: personID, Kind: xiangpei.CheckIn, At: x.Starts, Source: xiangpei.FromImport},
			xiangpei.Event{SessionID: x.ID, PersonID: personID, Kind: xiangpei.CheckOut, At: x.Ends, Source: xiangpei.FromImport})
	}
	res, err := store.Do(t.Context(), cw.db, cw.w.InstA, func(tx *store.Tx) (store.IngestResult, error) {
		return tx.IngestEvents(cw.w.Inst.ID, evs)
	})
	if err != nil || len(res.Refused) > 0 {
		t.Fatalf("ingest: %v %+v", err, res.Refused)
	}
}

// TestCloseAndRecord: after the last session the institution previews and closes the class;
// the trainee who attended every session is completed, the one who attended half is not, and
// each sees it on their lifelong record, on the page and over the API.
func TestCloseAndRecord(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw := newComplWorld(t, db, 2)
			cw.start(t)
			cw.at(cw.c.LastSession)
			cw.attendFully(t, cw.person.ID, cw.c.Sessions...)
			cw.attendFully(t, cw.secondP.ID, cw.c.Sessions[0])
			cw.at(cw.c.LastSession.Add(-time.Hour))
			office := cw.signedIn(t, cw.inst)
			path := fmt.Sprintf("/classes/%d/close", cw.c.ID)
			// Before the last session ends the page says when closing becomes possible.
			st, body, _ := office.get(path)
			if st != http.StatusOK || strings.Contains(body, "确认结业") || !strings.Contains(body, "之后才能办理结业") {
				t.Fatalf("close page before the end: %d %s", st, body)
			}
			if st, body, _ := office.post(path, url.Values{"version": {fmt.Sprint(cw.c.Version)}}); st != http.StatusConflict || !strings.Contains(body, "最后一节课结束后") {
				t.Errorf("closing early: %d", st)
			}
			cw.at(cw.c.LastSession.Add(time.Hour))
			office.signIn(cw.inst, testPassword)
			st, body, _ = office.get(path)
			if st != http.StatusOK || !strings.Contains(body, "确认结业") || !strings.Contains(body, "已结业 1 人，未结业 1 人") {
				t.Fatalf("close page: %d %s", st, body)
			}
			// The other institution does not find the class; an officer may not close it.
			if st, _, _ := cw.request(cw.token(cw.other.ID), http.MethodGet, "/api/v1"+path, nil); st != http.StatusNotFound {
				t.Errorf("other institution's preview: %d", st)
			}
			if st, _, _ := cw.request(cw.offTok, http.MethodPost, "/api/v1"+path, map[string]any{"version": cw.c.Version}); st != http.StatusForbidden {
				t.Errorf("officer closing: %d", st)
			}
			st, _, h := office.post(path, url.Values{"version": {fmt.Sprint(cw.c.Version)}})
			if st != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=completion_closed") {
				t.Fatalf("close: %d %s", st, h.Get("Location"))
			}
			st, body, _ = office.get(h.Get("Location"))
			if st != http.StatusOK || !strings.Contains(body, "已办理结业") {
				t.Errorf("after closing: %d", st)
			}
			// A second close is refused over the API as a stale version.
			if st, _, _ := cw.request(cw.instTok, http.MethodPost, "/api/v1"+path, map[string]any{"version": cw.c.Version}); st != http.StatusConflict {
				t.Errorf("closing twice: %d", st)
			}
			// The trainees' records.
			me := cw.signedIn(t, cw.trainee)
			st, body, _ = me.get("/me")
			if st != http.StatusOK || !strings.Contains(body, cw.c.Name) || !strings.Contains(body, "已结业") || !strings.Contains(body, "6 / 6 学时") {
				t.Errorf("record page: %d %s", st, body)
			}
			for _, x := range []struct {
				acct xiangpei.Account
				want string
				rate string
			}{{cw.trainee, "completed", "100"}, {cw.second, "not_completed", "50"}} {
				st, raw, _ := cw.request(cw.token(x.acct.ID), http.MethodGet, "/api/v1/me/record", nil)
				m := decode(t, string(raw))
				classes, _ := m["classes"].([]any)
				if st != http.StatusOK || len(classes) != 1 {
					t.Fatalf("record API: %d %s", st, raw)
				}
				l := classes[0].(map[string]any)
				if l["status"] != x.want || fmt.Sprint(l["rate_pct"]) != x.rate || fmt.Sprint(l["planned_minutes"]) != "360" {
					t.Errorf("record of %s: %v", x.acct.DisplayName, l)
				}
			}
		})
	}
}

// TestAmendmentsFlow: the institution files a late amendment from the attendance page; the
// county officer finds it in the queue, exports the queue, opens it and approves; the trainee's
// completion is decided again. Another county's officer does not see it.
func TestAmendmentsFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw := newComplWorld(t, db, 2)
			cw.start(t)
			first, second := cw.c.Sessions[0], cw.c.Sessions[1]
			cw.at(cw.c.LastSession.Add(time.Hour))
			cw.attendFully(t, cw.person.ID, first)
			cw.attendFully(t, cw.secondP.ID, first, second)
			if _, err := store.Do(t.Context(), db, cw.w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				c, _, err := tx.CloseClass(cw.w.InstA.Scope(), cw.c.ID, cw.c.Version)
				return c, err
			}); err != nil {
				t.Fatal(err)
			}
			cw.at(cw.c.LastSession.AddDate(0, 0, 20))
			office := cw.signedIn(t, cw.inst)
			att := fmt.Sprintf("/classes/%d/attendance", cw.c.ID)
			st, body, _ := office.get(att)
			if st != http.StatusOK || !strings.Contains(body, `action="/classes/`+fmt.Sprint(cw.c.ID)+`/amendments"`) {
				t.Fatalf("attendance page: %d %s", st, body)
			}
			at := second.Starts.In(xiangpei.ChinaTime).Format("2006-01-02T15:04")
			form := url.Values{"person_id": {fmt.Sprint(cw.person.ID)}, "session_id": {fmt.Sprint(second.ID)}, "kind": {"in"}, "at": {at}, "reason": {"短"}}
			st, body, _ = office.post(fmt.Sprintf("/classes/%d/amendments", cw.c.ID), form)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, "4到500个字") || !strings.Contains(body, ">短</textarea>") {
				t.Fatalf("short reason: %d %s", st, body)
			}
			form.Set("reason", "考勤机当天断电，有纸质签到表")
			st, _, h := office.post(fmt.Sprintf("/classes/%d/amendments", cw.c.ID), form)
			if st != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "amendment_filed") {
				t.Fatalf("file: %d %s", st, h.Get("Location"))
			}
			st, raw, _ := cw.request(cw.instTok, http.MethodPost, fmt.Sprintf("/api/v1/classes/%d/amendments", cw.c.ID),
				map[string]any{"person_id": cw.person.ID, "session_id": second.ID, "kind": "out", "at": second.Ends.Format(time.RFC3339), "reason": "考勤机当天断电，有纸质签到表"})
			if st != http.StatusCreated {
				t.Fatalf("file over the API: %d %s", st, raw)
			}
			// The queue.
			officer := cw.signedIn(t, cw.officer)
			st, body, _ = officer.get("/amendments")
			if st != http.StatusOK || strings.Count(body, `href="/amendments/`) < 2 || !strings.Contains(body, "纸质签到表") {
				t.Fatalf("queue: %d %s", st, body)
			}
			st, raw, _ = cw.request(cw.offTok, http.MethodGet, "/api/v1/amendments", nil)
			m := decode(t, string(raw))
			list, _ := m["amendments"].([]any)
			if st != http.StatusOK || len(list) != 2 || fmt.Sprint(m["total"]) != "2" {
				t.Fatalf("queue API: %d %s", st, raw)
			}
			req, _ := http.NewRequest(http.MethodGet, cw.ts.URL+"/amendments.xlsx?status=all", nil)
			resp, err := officer.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var x bytes.Buffer
			x.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(x.Bytes(), []byte("PK")) {
				t.Errorf("export: %d", resp.StatusCode)
			}
			oTok := cw.token(cw.oOfficer.ID)
			if st, raw, _ := cw.request(oTok, http.MethodGet, "/api/v1/amendments", nil); st != http.StatusOK || !strings.Contains(string(raw), `"total":0`) {
				t.Errorf("other county's queue: %d %s", st, raw)
			}
			for i, item := range list {
				a := item.(map[string]any)
				id := fmt.Sprint(a["id"])
				if st, _, _ := cw.request(oTok, http.MethodGet, "/api/v1/amendments/"+id, nil); st != http.StatusNotFound {
					t.Errorf("other county reads amendment: %d", st)
				}
				st, body, _ := officer.get("/amendments/" + id)
				if st != http.StatusOK || !strings.Contains(body, `action="/amendments/`+id+`/decide"`) {
					t.Fatalf("amendment page: %d %s", st, body)
				}
				// The second amendment's page shows the first one's event beside it, once approved.
				if i == 1 && !strings.Contains(body, "补录（已审核）") {
					t.Errorf("events beside the amendment: %s", body)
				}
				// A rejection without a note is refused with the page again.
				if st, _, _ := officer.post("/amendments/"+id+"/decide", url.Values{"decision": {"reject"}, "version": {fmt.Sprint(a["version"])}}); st != http.StatusUnprocessableEntity {
					t.Errorf("reject without note: %d", st)
				}
				st, _, h := officer.post("/amendments/"+id+"/decide", url.Values{"decision": {"approve"}, "version": {fmt.Sprint(a["version"])}})
				if st != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "amendment_approved") {
					t.Fatalf("approve: %d %s", st, h.Get("Location"))
				}
			}
			// The trainee now has both sessions and is completed; the page keeps the amendments.
			st, raw, _ = cw.request(cw.instTok, http.MethodGet, "/api/v1"+att, nil)
			if st != http.StatusOK || strings.Count(string(raw), `"status":"approved"`) != 2 {
				t.Fatalf("report: %d %s", st, raw)
			}
			st, raw, _ = cw.request(cw.token(cw.trainee.ID), http.MethodGet, "/api/v1/me/record", nil)
			if st != http.StatusOK || !strings.Contains(string(raw), `"status":"completed"`) || !strings.Contains(string(raw), `"attended_minutes":360`) {
				t.Errorf("record after the amendments: %d %s", st, raw)
			}
			// The institution may not decide, nor may an officer of another county.
			if st, _, _ := cw.request(cw.instTok, http.MethodPost, "/api/v1/amendments/1/decide", map[string]any{"decision": "approve"}); st != http.StatusForbidden {
				t.Errorf("institution deciding: %d", st)
			}
		})
	}
}

// TestRatingFlow: the rating opens at the last session's start; the trainee rates, changes the
// rating, and the average shows on the attendance page and on the record.
func TestRatingFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw := newComplWorld(t, db, 2)
			cw.start(t)
			me := cw.signedIn(t, cw.trainee)
			path := fmt.Sprintf("/classes/%d/rating", cw.c.ID)
			st, body, _ := me.get(path)
			if st != http.StatusOK || strings.Contains(body, `name="rating"`) || !strings.Contains(body, "才能评价") {
				t.Fatalf("rating before the last session: %d %s", st, body)
			}
			last := cw.c.Sessions[len(cw.c.Sessions)-1]
			cw.at(last.Starts.Add(time.Hour))
			me.signIn(cw.trainee, testPassword)
			st, body, _ = me.get(path)
			if st != http.StatusOK || !strings.Contains(body, `name="rating"`) {
				t.Fatalf("rating page: %d %s", st, body)
			}
			version := complBetween(body, `name="version" value="`, `"`)
			st, _, h := me.post(path, url.Values{"rating": {"4"}, "comment": {"老师很耐心"}, "version": {version}})
			if st != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "rating_saved") {
				t.Fatalf("rate: %d %s", st, h.Get("Location"))
			}
			// A stale form is refused; a fresh one changes the rating.
			if st, _, _ := me.post(path, url.Values{"rating": {"5"}, "version": {version}}); st != http.StatusConflict {
				t.Errorf("stale rating: %d", st)
			}
			_, body, _ = me.get(path)
			version = complBetween(body, `name="version" value="`, `"`)
			if st, _, _ := me.post(path, url.Values{"rating": {"5"}, "version": {version}}); st != http.StatusSeeOther {
				t.Errorf("change: %d", st)
			}
			tok := cw.token(cw.second.ID)
			st, raw, _ := cw.request(tok, http.MethodGet, "/api/v1"+path, nil)
			m := decode(t, string(raw))
			if st != http.StatusOK || m["open"] != true {
				t.Fatalf("API rating page: %d %s", st, raw)
			}
			if st, raw, _ := cw.request(tok, http.MethodPost, "/api/v1"+path, map[string]any{"rating": 2, "version": m["version"]}); st != http.StatusOK {
				t.Fatalf("API rate: %d %s", st, raw)
			}
			// The stranger does not find the class.
			if st, _, _ := cw.request(cw.token(cw.stranger.ID), http.MethodGet, "/api/v1"+path, nil); st != http.StatusNotFound {
				t.Errorf("stranger: %d", st)
			}
			sum, err := db.RatingSummary(t.Context(), cw.c.ID)
			if err != nil || sum.Count != 2 || sum.Average != 3.5 {
				t.Errorf("summary: %v %+v", err, sum)
			}
			office := cw.signedIn(t, cw.inst)
			if _, body, _ := office.get(fmt.Sprintf("/classes/%d/attendance", cw.c.ID)); !strings.Contains(body, "3.5 分（2人评价）") {
				t.Errorf("attendance page lacks the average")
			}
			if _, body, _ := me.get("/me"); !strings.Contains(body, "5 星") || !strings.Contains(body, "3.5 分（2人评价）") || !strings.Contains(body, "修改评价") {
				t.Errorf("record lacks the rating: %s", body)
			}
			// Seven days after the end the rating closes.
			cw.at(cw.c.LastSession.AddDate(0, 0, 8))
			if st, _, _ := cw.request(tok, http.MethodPost, "/api/v1"+path, map[string]any{"rating": 3, "version": 99}); st != http.StatusConflict {
				t.Errorf("after the window: %d", st)
			}
		})
	}
}

// complBetween is the text of s between the first from and the next to.
func complBetween(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}

// matrixAmendments gives the authorisation matrix an amendment of its own institution's class and
// one of the other county's: a class of each institution with a person of its own on the roster,
// started on the day of its first session (the transaction's clock is moved there and back), with
// an amendment filed for the first session.
func matrixAmendments(t *testing.T, tx *store.Tx, w *matrixWorld, own, foreign xiangpei.Class) {
	t.Helper()
	ids := [2]int64{}
	for i, base := range []xiangpei.Class{own, foreign} {
		in := store.ClassInputOf(base)
		in.Name, in.Funding = "补录测试班", xiangpei.FundingSelf
		for j := range in.Sessions {
			in.Sessions[j].ID = 0
			in.Sessions[j].Starts, in.Sessions[j].Ends = in.Sessions[j].Starts.Add(4*time.Hour), in.Sessions[j].Ends.Add(4*time.Hour)
		}
		orgScope := xiangpei.Scope{OrgID: base.OrgID}
		c, err := tx.CreateClass(orgScope, base.OrgID, in)
		if err != nil {
			t.Fatal(err)
		}
		if c, err = tx.MoveClass(orgScope, c.ID, c.Version, xiangpei.ClassSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if c, err = tx.MoveClass(xiangpei.Scope{Region: base.County}, c.ID, c.Version, xiangpei.ClassApprove, ""); err != nil {
			t.Fatal(err)
		}
		p := person(t, tx, fmt.Sprintf("%s19910202%03d", base.County, 300+i), "补录学员", fmt.Sprintf("1390000%04d", 300+i), base.County)
		if _, err := tx.AddTrainee(xiangpei.Scope{All: true}, c.ID, p.ID, xiangpei.SourceManual); err != nil {
			t.Fatal(err)
		}
		now := tx.Now
		tx.Now = c.FirstSession.Add(time.Hour)
		if c, err = tx.MoveClass(orgScope, c.ID, c.Version, xiangpei.ClassStart, ""); err != nil {
			t.Fatal(err)
		}
		a, err := tx.FileAmendment(orgScope, c.ID, store.AmendmentInput{SessionID: c.Sessions[0].ID, PersonID: p.ID,
			Kind: xiangpei.CheckIn, At: c.Sessions[0].Starts, Reason: "考勤机故障，补录签到"})
		tx.Now = now
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = a.ID
	}
	for label := range w.own {
		w.own[label]["amendment"], w.foreign[label]["amendment"] = fmt.Sprint(ids[0]), fmt.Sprint(ids[1])
	}
}
