package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// complWorld is the fixture of the completion tests: the Training web fixture with an approved
// class, the fixture's trainee and a second adult of 天元区 on its roster, and a third adult with
// an account who is on no roster.
type complWorld struct {
	*trainEnv
	c               xiangpei.Class
	second          xiangpei.Account
	secondP         xiangpei.Person
	stranger        xiangpei.Account
	instTok, offTok string
}

func complPerson(t *testing.T, db *store.DB, a xiangpei.Actor, i int) xiangpei.Person {
	t.Helper()
	var p xiangpei.Person
	err := db.Tx(t.Context(), a, func(tx *store.Tx) error {
		var err error
		p, err = tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(validID(fmt.Sprintf("43021119900101%03d", i))),
			Name: fmt.Sprintf("学员%02d", i), Phone: fmt.Sprintf("1380733%04d", i), Household: xiangpei.HouseholdRural, County: "430211"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newComplWorld files and approves a class of n sessions ten days out and puts two trainees on
// its roster; the clock stays at the fixture's start.
func newComplWorld(t *testing.T, db *store.DB, n int) *complWorld {
	t.Helper()
	te := newTrainEnv(t, db)
	cw := &complWorld{trainEnv: te, c: te.w.ApprovedClass(t, 10, n)}
	cw.secondP = complPerson(t, db, te.w.Admin, 1)
	stranger := complPerson(t, db, te.w.Admin, 2)
	err := db.Tx(t.Context(), te.w.InstA, func(tx *store.Tx) error {
		for _, p := range []int64{te.person.ID, cw.secondP.ID} {
			if _, err := tx.AddTrainee(xiangpei.Scope{All: true}, cw.c.ID, p, xiangpei.SourceManual); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cw.second = te.account(xiangpei.AccountInput{Login: cw.secondP.Phone, DisplayName: cw.secondP.Name, Role: xiangpei.RolePerson, PersonID: cw.secondP.ID}, testPassword)
	cw.stranger = te.account(xiangpei.AccountInput{Login: stranger.Phone, DisplayName: stranger.Name, Role: xiangpei.RolePerson, PersonID: stranger.ID}, testPassword)
	cw.instTok, cw.offTok = te.token(te.inst.ID), te.token(te.officer.ID)
	return cw
}

// start moves the clock to just before the first session and starts the class.
func (cw *complWorld) start(t *testing.T) {
	t.Helper()
	cw.at(cw.c.FirstSession.Add(-5 * time.Minute))
	cw.c = cw.w.Move(t, cw.w.InstA, cw.c, xiangpei.ClassStart)
}

// code asks the teacher's screen, over the API, for a session's current code and link.
func (cw *complWorld) code(t *testing.T, session int64) (code, link string) {
	t.Helper()
	st, body, _ := cw.request(cw.instTok, http.MethodGet, fmt.Sprintf("/api/v1/sessions/%d/qr", session), nil)
	if st != http.StatusOK {
		t.Fatalf("qr: %d %s", st, body)
	}
	m := decode(t, string(body))
	if m["open"] != true {
		t.Fatalf("qr not open: %s", body)
	}
	return m["code"].(string), m["link"].(string)
}

// localOf is the path and query of a link.
func localOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

func (cw *complWorld) scan(b *browser, session int64, code string) (int, string, http.Header) {
	return b.post("/checkin", url.Values{"session": {fmt.Sprint(session)}, "code": {code}})
}

func (cw *complWorld) signedIn(t *testing.T, a xiangpei.Account) *browser {
	t.Helper()
	b := cw.browser()
	b.signIn(a, testPassword)
	return b
}

// TestQRCheckin walks the dynamic QR check-in: the teacher's screen and its image, a trainee
// who is not signed in sent to sign in and back, a check-in and a check-out, and the refusals:
// an expired code, another session's code, someone not on the roster.
func TestQRCheckin(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw := newComplWorld(t, db, 2)
			first, second := cw.c.Sessions[0], cw.c.Sessions[1]
			cw.start(t)

			// The teacher's screen refreshes itself and shows the image of the current code.
			teacher := cw.signedIn(t, cw.inst)
			st, body, h := teacher.get(fmt.Sprintf("/sessions/%d/qr", first.ID))
			if st != http.StatusOK || !strings.Contains(body, fmt.Sprintf("/sessions/%d/qr.png?w=", first.ID)) || h.Get("Refresh") == "" {
				t.Fatalf("qr page: %d %s %q", st, body, h.Get("Refresh"))
			}
			if !strings.Contains(body, `http-equiv="refresh"`) || strings.Contains(body, "<script") {
				t.Error("the screen does not refresh itself without script")
			}
			req, _ := http.NewRequest(http.MethodGet, cw.ts.URL+fmt.Sprintf("/sessions/%d/qr.png", first.ID), nil)
			resp, err := teacher.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var img bytes.Buffer
			img.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("qr.png: %s", resp.Header.Get("Content-Type"))
			}
			if _, err := png.Decode(&img); err != nil {
				t.Fatalf("qr.png is not a PNG: %v", err)
			}
			// Another institution and a trainee do not get the screen.
			if st, _, _ := cw.request(cw.token(cw.other.ID), http.MethodGet, fmt.Sprintf("/api/v1/sessions/%d/qr", first.ID), nil); st != http.StatusNotFound {
				t.Errorf("another institution's screen: %d", st)
			}
			if st, _, _ := cw.request(cw.token(cw.trainee.ID), http.MethodGet, fmt.Sprintf("/api/v1/sessions/%d/qr", first.ID), nil); st != http.StatusForbidden {
				t.Errorf("a trainee asks for the screen: %d", st)
			}

			code, link := cw.code(t, first.ID)
			path := localOf(t, link)
			if !strings.HasPrefix(path, fmt.Sprintf("/checkin?c=%s&s=%d", code, first.ID)) && !strings.HasPrefix(path, "/checkin?") {
				t.Fatalf("link %s", link)
			}

			// Not signed in: sent to sign in, and back to the link afterwards.
			phone := cw.browser()
			st, _, h = phone.get(path)
			loc := h.Get("Location")
			if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?") {
				t.Fatalf("not signed in: %d %s", st, loc)
			}
			next, _ := url.Parse(loc)
			phone.get(loc)
			st, _, h = phone.post("/login", url.Values{"login": {cw.trainee.Login}, "password": {testPassword}, "next": {next.Query().Get("next")}})
			if st != http.StatusSeeOther || h.Get("Location") != path {
				t.Fatalf("back to the link: %d %s, want %s", st, h.Get("Location"), path)
			}
			st, body, h = phone.get(path)
			if st != http.StatusOK || !strings.Contains(body, cw.c.Name) || !strings.Contains(body, "checkin-button") || !strings.Contains(body, "签到") {
				t.Fatalf("check-in page: %d %s", st, body)
			}
			if sc := h.Get("Set-Cookie"); !strings.Contains(sc, deviceCookie+"=") || !strings.Contains(sc, "HttpOnly") {
				t.Errorf("device cookie: %q", sc)
			}
			st, _, h = cw.scan(phone, first.ID, code)
			if st != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=checkin_in") {
				t.Fatalf("check-in: %d %s", st, h.Get("Location"))
			}
			st, body, _ = phone.get(h.Get("Location"))
			if st != http.StatusOK || !strings.Contains(body, "签到成功") {
				t.Errorf("after check-in: %d %s", st, body)
			}
			// Tapping twice records nothing new.
			if st, _, h = cw.scan(phone, first.ID, code); !strings.Contains(h.Get("Location"), "done=checkin_repeat") {
				t.Errorf("double tap: %d %s", st, h.Get("Location"))
			}

			// Two windows later the code has expired.
			cw.clock.add(61 * time.Second)
			st, body, _ = cw.scan(phone, first.ID, code)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, "已经过期") || strings.Contains(body, "checkin-button") {
				t.Errorf("expired code: %d %s", st, body)
			}
			// Another session's code.
			code, _ = cw.code(t, first.ID)
			st, body, _ = cw.scan(phone, second.ID, code)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, "不是本节课的签到码") {
				t.Errorf("another session's code: %d %s", st, body)
			}
			if st, body, _ := phone.get(fmt.Sprintf("/checkin?s=%d&c=%s", second.ID, code)); st != http.StatusUnprocessableEntity || strings.Contains(body, "checkin-button") {
				t.Errorf("another session's link: %d", st)
			}
			// Someone who is not on the roster.
			stranger := cw.signedIn(t, cw.stranger)
			stranger.get(path)
			st, body, _ = cw.scan(stranger, first.ID, code)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, "不在这个班的学员名册里") {
				t.Errorf("not on the roster: %d %s", st, body)
			}
			if st, _, _ := stranger.get(fmt.Sprintf("/checkin?s=%d", first.ID)); st != http.StatusNotFound {
				t.Errorf("a stranger reads the session: %d", st)
			}

			// Later, the same phone checks out.
			cw.at(first.Ends.Add(-time.Minute))
			phone.signIn(cw.trainee, testPassword) // hours later: the session has gone idle
			code, link = cw.code(t, first.ID)
			if st, body, _ := phone.get(localOf(t, link)); st != http.StatusOK || !strings.Contains(body, "签退") {
				t.Fatalf("check-out page: %d %s", st, body)
			}
			st, _, h = cw.scan(phone, first.ID, code)
			if st != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=checkin_out") {
				t.Fatalf("check-out: %d %s", st, h.Get("Location"))
			}
			// Over the API, an app sends its installation's id.
			tok := cw.token(cw.second.ID)
			st, raw, _ := cw.request(tok, http.MethodPost, "/api/v1/checkin", map[string]any{"session": first.ID, "code": code, "device": "app-install-7f3a9c"})
			if st != http.StatusCreated {
				t.Fatalf("API check-in: %d %s", st, raw)
			}
			m := decode(t, string(raw))
			if rec := m["recorded"].(map[string]any); rec["kind"] != "in" || m["next"] != "out" {
				t.Errorf("API check-in: %s", raw)
			}
			if st, raw, _ := cw.request(tok, http.MethodGet, fmt.Sprintf("/api/v1/checkin?s=%d", first.ID), nil); st != http.StatusOK || !strings.Contains(string(raw), `"next":"out"`) {
				t.Errorf("API status: %d %s", st, raw)
			}
			// The trainee's hours: 09:00 (clipped) to 11:59.
			rep, err := db.ClassAttendance(t.Context(), cw.w.InstA.Scope(), cw.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Trainees {
				if r.Trainee.PersonID == cw.person.ID && r.Cells[0].Minutes != 179 {
					t.Errorf("hours after QR check-in and out: %d", r.Cells[0].Minutes)
				}
			}
		})
	}
}

// TestOnePhoneTwoPeople: one phone checks in its owner, then signs in as another trainee and
// checks them in too; the class's attendance page shows the anomaly, on the page and the API.
func TestOnePhoneTwoPeople(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw := newComplWorld(t, db, 2)
			first := cw.c.Sessions[0]
			cw.start(t)
			phone := cw.signedIn(t, cw.trainee)
			code, link := cw.code(t, first.ID)
			phone.get(localOf(t, link))
			if st, _, _ := cw.scan(phone, first.ID, code); st != http.StatusSeeOther {
				t.Fatalf("first check-in: %d", st)
			}
			if st, _, _ := phone.post("/logout", nil); st != http.StatusSeeOther {
				t.Fatalf("logout: %d", st)
			}
			phone.signIn(cw.second, testPassword)
			cw.clock.add(20 * time.Second)
			code, link = cw.code(t, first.ID)
			phone.get(localOf(t, link))
			if st, _, h := cw.scan(phone, first.ID, code); st != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "checkin_in") {
				t.Fatalf("second person's check-in: %d %s", st, h.Get("Location"))
			}
			office := cw.signedIn(t, cw.inst)
			st, body, _ := office.get(fmt.Sprintf("/classes/%d/attendance", cw.c.ID))
			if st != http.StatusOK || !strings.Contains(body, "一机多签") || !strings.Contains(body, cw.person.Name) || !strings.Contains(body, cw.secondP.Name) {
				t.Fatalf("attendance page: %d %s", st, body)
			}
			st, raw, _ := cw.request(cw.offTok, http.MethodGet, fmt.Sprintf("/api/v1/classes/%d/attendance", cw.c.ID), nil)
			if st != http.StatusOK {
				t.Fatalf("API report: %d %s", st, raw)
			}
			var rep struct {
				Anomalies []struct {
					Code     string  `json:"code"`
					Severity string  `json:"severity"`
					Persons  []int64 `json:"persons"`
					Reason   string  `json:"reason"`
				} `json:"anomalies"`
				Trainees []struct {
					Sessions []struct {
						Attended bool `json:"attended"`
					} `json:"sessions"`
				} `json:"trainees"`
			}
			if err := json.Unmarshal(raw, &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Anomalies) != 1 || rep.Anomalies[0].Code != xiangpei.AnomalySharedDevice || len(rep.Anomalies[0].Persons) != 2 || rep.Anomalies[0].Reason == "" {
				t.Errorf("anomalies: %s", raw)
			}
			if len(rep.Trainees) != 2 || !rep.Trainees[0].Sessions[0].Attended || !rep.Trainees[1].Sessions[0].Attended {
				t.Errorf("grid: %s", raw)
			}
			// The other county's officer does not see the class.
			oTok := cw.token(cw.oOfficer.ID)
			if st, _, _ := cw.request(oTok, http.MethodGet, fmt.Sprintf("/api/v1/classes/%d/attendance", cw.c.ID), nil); st != http.StatusNotFound {
				t.Errorf("another county's officer: %d", st)
			}
			// Both exports are workbooks.
			for _, p := range []string{"attendance.xlsx", "anomalies.xlsx"} {
				req, _ := http.NewRequest(http.MethodGet, cw.ts.URL+fmt.Sprintf("/classes/%d/%s", cw.c.ID, p), nil)
				resp, err := office.c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				b.ReadFrom(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") || !bytes.HasPrefix(b.Bytes(), []byte("PK")) {
					t.Errorf("%s: %d %s", p, resp.StatusCode, resp.Header.Get("Content-Type"))
				}
			}
		})
	}
}
