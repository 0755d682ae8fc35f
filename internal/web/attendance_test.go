package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// matrixTerminals registers a terminal at each institution's class venue for the
// authorisation matrix: {terminal} is the own institution's, or the other's.
func matrixTerminals(t *testing.T, tx *store.Tx, w *matrixWorld, own, foreign xiangpei.Class) {
	t.Helper()
	ids := [2]int64{}
	for i, c := range []xiangpei.Class{own, foreign} {
		term, _, err := tx.RegisterTerminal(xiangpei.Scope{OrgID: c.OrgID}, c.VenueID, "大门考勤机")
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = term.ID
	}
	for label := range w.own {
		w.own[label]["terminal"], w.foreign[label]["terminal"] = fmt.Sprint(ids[0]), fmt.Sprint(ids[1])
	}
}

// termWorld is the fixture of the terminal and import tests: the Training web fixture with an
// approved class of two sessions ten days out whose roster holds the fixture's trainee, an
// approved class of the other institution, and a terminal registered at the class's venue.
type termWorld struct {
	*trainEnv
	c, oc    xiangpei.Class
	instTok  string
	otherTok string
	termID   int64
	secret   string
}

func newTermWorld(t *testing.T, db *store.DB) *termWorld {
	t.Helper()
	te := newTrainEnv(t, db)
	tw := &termWorld{trainEnv: te, c: te.w.ApprovedClass(t, 10, 2)}
	in := te.w.ClassInput(t, te.w.Now().AddDate(0, 0, 10), 2)
	in.VenueID, in.TeacherIDs = te.w.OVenue.ID, []int64{te.w.OTeacher.ID}
	for i := range in.Sessions {
		in.Sessions[i].VenueID, in.Sessions[i].TeacherID = te.w.OVenue.ID, te.w.OTeacher.ID
	}
	err := db.Tx(t.Context(), te.w.OtherA, func(tx *store.Tx) error {
		var err error
		tw.oc, err = tx.CreateClass(te.w.OtherA.Scope(), te.w.Other.ID, in)
		if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tw.oc = te.w.Move(t, te.w.OtherA, tw.oc, xiangpei.ClassSubmit, xiangpei.ClassApprove)
	err = db.Tx(t.Context(), te.w.InstA, func(tx *store.Tx) error {
		_, err := tx.AddTrainee(xiangpei.Scope{All: true}, tw.c.ID, te.person.ID, xiangpei.SourceManual)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tw.instTok, tw.otherTok = te.token(te.inst.ID), te.token(te.other.ID)
	code, body, _ := te.request(tw.instTok, http.MethodPost, "/api/v1/terminals", map[string]any{"name": "实训楼大门", "venue_id": te.w.Venue.ID})
	if code != http.StatusCreated {
		t.Fatalf("register terminal: %d %s", code, body)
	}
	m := decode(t, string(body))
	tw.secret = m["secret"].(string)
	te.secrets = append(te.secrets, tw.secret)
	id, _ := m["id"].(json.Number).Int64()
	tw.termID = id
	if !strings.HasPrefix(tw.secret, "xpt_") || len(tw.secret) != 47 {
		t.Fatalf("secret %q…", tw.secret[:6])
	}
	return tw
}

// pushAs sends a push as a terminal does: no session, no token, no Origin; sign may change
// the headers after signing.
func (tw *termWorld) pushAs(t *testing.T, id int64, secret string, ts time.Time, nonce string, body []byte,
	sign func(h http.Header)) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, tw.ts.URL+xiangpei.TerminalEventsPath, bytes.NewReader(body))
	if len(body) > 32<<10 {
		req.ContentLength = -1 // sent chunked: the limit is found while reading, by the handler
	}
	req.Header.Set("Content-Type", "application/json")
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req.Header.Set(xiangpei.HeaderTerminalID, strconv.FormatInt(id, 10))
	req.Header.Set(xiangpei.HeaderTimestamp, stamp)
	req.Header.Set(xiangpei.HeaderNonce, nonce)
	req.Header.Set(xiangpei.HeaderSignature, xiangpei.SignTerminal(secret, http.MethodPost, xiangpei.TerminalEventsPath, stamp, nonce, body))
	if sign != nil {
		sign(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("push answered %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return resp.StatusCode, decode(t, string(b))
}

func (tw *termWorld) push(t *testing.T, nonce string, evs ...map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"events": evs})
	return tw.pushAs(t, tw.termID, tw.secret, tw.clock.now(), nonce, body, nil)
}

func termEvent(id string, session int64, idNumber, kind string, at time.Time) map[string]any {
	return map[string]any{"event_id": id, "session_id": strconv.FormatInt(session, 10), "id_number": idNumber, "kind": kind,
		"at": at.Format(time.RFC3339)}
}

// result is the answer's per-event result i: its status and reason.
func result(t *testing.T, m map[string]any, i int) (string, string) {
	t.Helper()
	rs, ok := m["results"].([]any)
	if !ok || i >= len(rs) {
		t.Fatalf("no result %d in %v", i, m)
	}
	r := rs[i].(map[string]any)
	reason, _ := r["reason"].(string)
	return r["status"].(string), reason
}

func errKind(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	k, _ := e["kind"].(string)
	return k
}

// attended reads the trainee's attended minutes on the class's roster.
func (tw *termWorld) attended(t *testing.T) int {
	t.Helper()
	ts, err := tw.db.Trainees(t.Context(), xiangpei.Scope{All: true}, tw.c.ID)
	if err != nil || len(ts) != 1 {
		t.Fatalf("roster: %v %d", err, len(ts))
	}
	return ts[0].AttendedMinutes
}

// TestTerminalPush plays a registered terminal against the API on both engines: a good signed
// push (without Origin, session or token) is accepted, the same event again is a duplicate,
// and a replayed nonce, a bad signature, a stale or future timestamp, missing headers, an
// oversized or malformed body and a revoked terminal are refused and logged; another
// institution's session and a person not on the roster are refused per event.
func TestTerminalPush(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			tw := newTermWorld(t, db)
			x := tw.c.Sessions[0]
			id := string(tw.person.IDNumber)
			tw.at(x.Starts.Add(-5 * time.Minute))
			in := termEvent("ev-0001", x.ID, id, xiangpei.CheckIn, x.Starts.Add(-6*time.Minute))
			code, m := tw.push(t, "nonce-00000001", in)
			if st, _ := result(t, m, 0); code != http.StatusOK || st != "accepted" || m["accepted"] != json.Number("1") {
				t.Fatalf("good push: %d %v", code, m)
			}
			// The same event again, in a new request: harmless.
			code, m = tw.push(t, "nonce-00000002", in)
			if st, _ := result(t, m, 0); code != http.StatusOK || st != "duplicate" || m["accepted"] != json.Number("0") {
				t.Fatalf("duplicate: %d %v", code, m)
			}
			// The very same request again: its nonce is spent.
			body, _ := json.Marshal(map[string]any{"events": []any{in}})
			now := tw.clock.now()
			if code, m := tw.pushAs(t, tw.termID, tw.secret, now, "nonce-00000001", body, nil); code != http.StatusConflict || errKind(m) != "conflict" {
				t.Fatalf("replay: %d %v", code, m)
			}
			if code, _ := tw.pushAs(t, tw.termID, "xpt_wrong", now, "nonce-00000003", body, nil); code != http.StatusUnauthorized {
				t.Fatalf("bad signature: %d", code)
			}
			// A body changed after signing.
			if code, _ := tw.pushAs(t, tw.termID, tw.secret, now, "nonce-00000004", body, func(h http.Header) {
				h.Set(xiangpei.HeaderSignature, xiangpei.SignTerminal(tw.secret, http.MethodPost, xiangpei.TerminalEventsPath,
					strconv.FormatInt(now.Unix(), 10), "nonce-00000004", []byte(`{"events":[]}`)))
			}); code != http.StatusUnauthorized {
				t.Fatalf("signature of another body: %d", code)
			}
			skew := time.Duration(db.Rules().TerminalSkewSeconds+1) * time.Second
			for _, ts := range []time.Time{now.Add(-skew), now.Add(skew)} {
				if code, m := tw.pushAs(t, tw.termID, tw.secret, ts, "nonce-00000005", body, nil); code != http.StatusUnauthorized || errKind(m) != "unauthorized" {
					t.Fatalf("timestamp %v from now: %d", ts.Sub(now), code)
				}
			}
			if code, _ := tw.pushAs(t, tw.termID, tw.secret, now, "nonce-00000006", body, func(h http.Header) { h.Del(xiangpei.HeaderNonce) }); code != http.StatusUnauthorized {
				t.Fatalf("no nonce: %d", code)
			}
			if code, _ := tw.pushAs(t, tw.termID+1, tw.secret, now, "nonce-00000007", body, nil); code != http.StatusUnauthorized {
				t.Fatalf("unknown terminal: %d", code)
			}
			big := bytes.Repeat([]byte(" "), 70<<10)
			if code, _ := tw.pushAs(t, tw.termID, tw.secret, now, "nonce-00000008", big, nil); code != http.StatusRequestEntityTooLarge {
				t.Fatalf("oversized: %d", code)
			}
			if code, m := tw.pushAs(t, tw.termID, tw.secret, now, "nonce-00000009", []byte(`{"events":"no"}`), nil); code != http.StatusUnprocessableEntity {
				t.Fatalf("malformed body: %d %v", code, m)
			}
			// Per event: another institution's session, a person nobody enrolled, a bad ID
			// number, a bad kind; the good check-out beside them is taken.
			stranger := validID("43021119800101555")
			out := termEvent("ev-0002", x.ID, id, xiangpei.CheckOut, x.Ends.Add(5*time.Minute))
			tw.at(x.Ends.Add(10 * time.Minute))
			code, m = tw.push(t, "nonce-00000010",
				termEvent("ev-0003", tw.oc.Sessions[0].ID, id, xiangpei.CheckIn, x.Starts),
				termEvent("ev-0004", x.ID, stranger, xiangpei.CheckIn, x.Starts),
				termEvent("ev-0005", x.ID, id[:17]+"0", xiangpei.CheckIn, x.Starts),
				termEvent("ev-0006", x.ID, id, "maybe", x.Starts),
				out)
			if code != http.StatusOK {
				t.Fatalf("mixed push: %d %v", code, m)
			}
			for i, want := range []string{"attendance.unknown_session", "attendance.not_on_roster", "id.check_digit", "attendance.kind"} {
				if st, reason := result(t, m, i); st != "refused" || reason != want {
					t.Errorf("event %d: %s %s, want refused %s", i, st, reason, want)
				}
			}
			if st, _ := result(t, m, 4); st != "accepted" || m["refused"] != json.Number("4") {
				t.Fatalf("check-out: %v", m)
			}
			if got := tw.attended(t); got != x.Minutes() {
				t.Errorf("attended %d minutes, want the session's %d (clipped to its window)", got, x.Minutes())
			}
			// The other institution cannot see or revoke the terminal.
			path := "/api/v1/terminals/" + strconv.FormatInt(tw.termID, 10)
			if code, _, _ := tw.request(tw.otherTok, http.MethodGet, path, nil); code != http.StatusNotFound {
				t.Fatalf("other institution reads the terminal: %d", code)
			}
			if code, _, _ := tw.request(tw.otherTok, http.MethodPost, path+"/revoke", map[string]any{}); code != http.StatusNotFound {
				t.Fatalf("other institution revokes the terminal: %d", code)
			}
			if code, b, _ := tw.request(tw.instTok, http.MethodPost, path+"/revoke", map[string]any{}); code != http.StatusOK {
				t.Fatalf("revoke: %d %s", code, b)
			}
			if code, _ := tw.push(t, "nonce-00000011", termEvent("ev-0007", x.ID, id, xiangpei.CheckIn, x.Starts)); code != http.StatusUnauthorized {
				t.Fatalf("revoked terminal: %d", code)
			}
			logs := tw.logs.String()
			for _, reason := range []string{"replayed nonce", "bad signature", "timestamp outside the allowed skew", "unknown terminal",
				"revoked terminal", "oversized body", "missing or malformed headers", "body not a list of events"} {
				if !strings.Contains(logs, "terminal push refused") || !strings.Contains(logs, reason) {
					t.Errorf("the log does not say %q", reason)
				}
			}
		})
	}
}

// multipartFile is a multipart form with a file field and text fields.
func multipartFile(t *testing.T, name string, data []byte, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

// upload sends a file to the dry run over the API.
func (tw *termWorld) upload(t *testing.T, token string, classID int64, name string, data []byte) (int, map[string]any) {
	t.Helper()
	body, ctype := multipartFile(t, name, data, nil)
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/classes/%d/attendance/import", tw.ts.URL, classID), body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, decode(t, string(b))
}

// attendanceCSV is a terminal's export for the fixture's class: a good check-in and check-out
// of the trainee at the first session (by time) and a check-in at the second (by 节次), then
// rows the check must refuse, each for its own reason.
func (tw *termWorld) attendanceCSV() (data []byte, good int, refused map[int]string) {
	x, y := tw.c.Sessions[0], tw.c.Sessions[1]
	id, name := string(tw.person.IDNumber), tw.person.Name
	cst := time.FixedZone("CST", 8*3600)
	at := func(t time.Time) string { return t.In(cst).Format(time.DateTime) }
	lines := []string{
		"考勤机导出,,,,,",
		"身份证号,姓名,打卡时间,类型,设备号,节次",
		id + "," + name + "," + at(x.Starts.Add(-3*time.Minute)) + ",签到,FACE-01,",
		id + "," + name + "," + at(x.Ends.Add(2*time.Minute)) + ",签退,FACE-01,",
		id + "," + name + "," + at(y.Starts) + ",in,FACE-01,2",
		",,,,,",
		id + ",王五," + at(x.Starts) + ",签到,FACE-01,",
		id[:17] + "0," + name + "," + at(x.Starts) + ",签到,FACE-01,",
		validID("43021119800101555") + ",张三," + at(x.Starts) + ",签到,FACE-01,",
		id + "," + name + "," + at(x.Starts) + ",迟到,FACE-01,",
		id + "," + name + ",昨天上午,签到,FACE-01,",
		id + "," + name + "," + at(x.Starts.Add(-5*time.Hour)) + ",签到,FACE-01,",
		id + "," + name + "," + at(x.Starts) + ",签到,FACE-01,9",
	}
	refused = map[int]string{7: "attendance.import_name", 8: "id.check_digit", 9: "attendance.not_on_roster",
		10: "attendance.import_kind", 11: "attendance.import_time", 12: "attendance.import_no_session", 13: "attendance.import_seq"}
	return []byte(strings.Join(lines, "\n") + "\n"), 3, refused
}

// TestAttendanceImport imports a terminal's export on both engines: the dry run names every
// refused row with its line and reason and records nothing; the commit records the good rows
// and derives the hours; a second commit of the same file is refused; another institution's
// class is a 404; the downloadable template reads back with the import's own columns; a file
// made as .xlsx goes through the same check.
func TestAttendanceImport(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			tw := newTermWorld(t, db)
			tw.at(tw.c.Sessions[1].Ends.Add(time.Hour))
			data, good, refused := tw.attendanceCSV()
			code, m := tw.upload(t, tw.instTok, tw.c.ID, "export.csv", data)
			if code != http.StatusOK || m["good"] != json.Number(strconv.Itoa(good)) || m["rows"] != json.Number("10") {
				t.Fatalf("dry run: %d %v", code, m)
			}
			got := map[int]string{}
			for _, r := range m["refused"].([]any) {
				r := r.(map[string]any)
				line, _ := r["line"].(json.Number).Int64()
				got[int(line)], _ = r["reason"].(string)
				if r["message"] == "" {
					t.Errorf("line %d has no message", line)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(refused) {
				t.Errorf("refused rows\n got %v\nwant %v", got, refused)
			}
			if n := tw.attended(t); n != 0 {
				t.Fatalf("the dry run recorded %d minutes", n)
			}
			upload, _ := m["upload"].(json.Number).Int64()
			// Another institution can neither check against nor commit into this class.
			if code, _ := tw.upload(t, tw.otherTok, tw.c.ID, "export.csv", data); code != http.StatusNotFound {
				t.Fatalf("other institution's dry run: %d", code)
			}
			path := fmt.Sprintf("/api/v1/classes/%d/attendance/import/commit", tw.c.ID)
			if code, _, _ := tw.request(tw.otherTok, http.MethodPost, path, map[string]any{"upload": upload}); code != http.StatusNotFound {
				t.Fatalf("other institution's commit: %d", code)
			}
			code, b, _ := tw.request(tw.instTok, http.MethodPost, path, map[string]any{"upload": upload})
			m = decode(t, string(b))
			if code != http.StatusOK || m["accepted"] != json.Number("3") || m["duplicates"] != json.Number("0") {
				t.Fatalf("commit: %d %s", code, b)
			}
			x := tw.c.Sessions[0]
			if n := tw.attended(t); n != x.Minutes() {
				t.Errorf("attended %d minutes, want %d: the check-in before the start and the check-out after the end clipped", n, x.Minutes())
			}
			if code, b, _ := tw.request(tw.instTok, http.MethodPost, path, map[string]any{"upload": upload}); code != http.StatusConflict {
				t.Fatalf("second commit: %d %s", code, b)
			}
			// The same rows in a new upload are recorded once.
			code, m = tw.upload(t, tw.instTok, tw.c.ID, "again.csv", data)
			upload, _ = m["upload"].(json.Number).Int64()
			code, b, _ = tw.request(tw.instTok, http.MethodPost, path, map[string]any{"upload": upload})
			if m = decode(t, string(b)); code != http.StatusOK || m["accepted"] != json.Number("0") || m["duplicates"] != json.Number("3") {
				t.Fatalf("re-import: %d %s", code, b)
			}
			// The template, read back as the import reads files.
			code, tmpl, h := tw.request(tw.instTok, http.MethodGet, fmt.Sprintf("/api/v1/classes/%d/attendance/import/template.xlsx", tw.c.ID), nil)
			if code != http.StatusOK || h.Get("Content-Type") != sheet.ContentType {
				t.Fatalf("template: %d %s", code, h.Get("Content-Type"))
			}
			rows, err := store.ReadAttendanceFile(bytes.NewReader(tmpl), "template.xlsx", store.AttendanceFileLimits())
			if err != nil || len(rows) != 2 || rows[0].Kind != "签到" || rows[1].Seq != "1" {
				t.Fatalf("template rows: %v %+v", err, rows)
			}
			// An .xlsx export goes through the same check.
			var xl bytes.Buffer
			err = sheet.WriteWith(&xl, "考勤", store.AttendanceHeader, [][]any{
				{string(tw.person.IDNumber), tw.person.Name, x.Starts.In(time.FixedZone("CST", 8*3600)).Format(time.DateTime), "签到", "FACE-02", 1},
				{string(tw.person.IDNumber), "李四", x.Starts.In(time.FixedZone("CST", 8*3600)).Format(time.DateTime), "签到", "FACE-02", 1},
			}, sheet.Options{TextCols: []int{1}})
			if err != nil {
				t.Fatal(err)
			}
			if code, m = tw.upload(t, tw.instTok, tw.c.ID, "export.xlsx", xl.Bytes()); code != http.StatusOK || m["good"] != json.Number("1") {
				t.Fatalf("xlsx dry run: %d %v", code, m)
			}
			// A file that is not a spreadsheet, and no file at all, are refused with a reason.
			if code, m = tw.upload(t, tw.instTok, tw.c.ID, "export.xlsx", []byte("not a workbook")); code != http.StatusUnprocessableEntity {
				t.Fatalf("bad file: %d %v", code, m)
			}
		})
	}
}

// postFile submits a multipart form as the browser, with the page's CSRF token.
func (b *browser) postFile(path, name string, data []byte, fields map[string]string) (int, string, http.Header) {
	b.e.t.Helper()
	if fields == nil {
		fields = map[string]string{}
	}
	fields["csrf"] = b.csrf
	body, ctype := multipartFile(b.e.t, name, data, fields)
	req, _ := http.NewRequest(http.MethodPost, b.e.ts.URL+path, body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", b.e.ts.URL)
	return b.do(req)
}

var uploadField = regexp.MustCompile(`name="upload" value="(\d+)"`)

// TestTerminalAndImportPages walks the pages: the institution registers a terminal and sees its
// secret once (never on the list or the terminal's page), revokes it, and imports a file in
// two steps; the other institution's terminal and class pages are 404s.
func TestTerminalAndImportPages(t *testing.T) {
	db := storetest.SQLite(t)
	tw := newTermWorld(t, db)
	tw.at(tw.c.Sessions[1].Ends.Add(time.Hour))
	b := tw.browser()
	b.signIn(tw.inst, testPassword)
	code, body, _ := b.get("/terminals")
	if code != http.StatusOK || !strings.Contains(body, "实训楼大门") || strings.Contains(body, tw.secret) {
		t.Fatalf("terminals page: %d", code)
	}
	code, body, _ = b.post("/terminals", url.Values{"name": {"二楼教室"}, "venue_id": {strconv.FormatInt(tw.w.Venue.ID, 10)}})
	secret := regexp.MustCompile(`xpt_[A-Za-z0-9_-]{43}`).FindString(body)
	if code != http.StatusCreated || secret == "" || !strings.Contains(body, "X-Signature") {
		t.Fatalf("register: %d", code)
	}
	tw.secrets = append(tw.secrets, secret)
	code, body, _ = b.get("/terminals")
	if code != http.StatusOK || strings.Contains(body, secret) || !strings.Contains(body, "二楼教室") {
		t.Fatalf("the list shows the secret, or not the terminal: %d", code)
	}
	// An empty name is refused on the form's page.
	if code, body, _ = b.post("/terminals", url.Values{"name": {" "}, "venue_id": {strconv.FormatInt(tw.w.Venue.ID, 10)}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "notice err") {
		t.Fatalf("empty name: %d", code)
	}
	path := "/terminals/" + strconv.FormatInt(tw.termID, 10)
	if code, body, _ = b.get(path); code != http.StatusOK || strings.Contains(body, tw.secret) || !strings.Contains(body, "HMAC-SHA256") {
		t.Fatalf("terminal page: %d", code)
	}
	if code, _, h := b.post(path+"/revoke", nil); code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=terminal_revoked") {
		t.Fatalf("revoke: %d %s", code, h.Get("Location"))
	}
	if code, _, _ := b.post(path+"/revoke", nil); code != http.StatusConflict {
		t.Fatalf("revoke twice: %d", code)
	}
	other := tw.browser()
	other.signIn(tw.other, testPassword)
	if code, _, _ := other.get(path); code != http.StatusNotFound {
		t.Fatalf("other institution's terminal page: %d", code)
	}
	importPath := fmt.Sprintf("/classes/%d/attendance/import", tw.c.ID)
	if code, _, _ := other.get(importPath); code != http.StatusNotFound {
		t.Fatalf("other institution's import page: %d", code)
	}
	// The import, in the browser.
	if code, body, _ = b.get(importPath); code != http.StatusOK || !strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Fatalf("import page: %d", code)
	}
	data, _, _ := tw.attendanceCSV()
	code, body, _ = b.postFile(importPath, "export.csv", data, nil)
	m := uploadField.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil || !strings.Contains(body, "姓名和名册上这个身份证号的姓名对不上") {
		t.Fatalf("dry run page: %d", code)
	}
	code, body, _ = b.post(importPath+"/commit", url.Values{"upload": {m[1]}})
	if code != http.StatusOK || !strings.Contains(body, "导入完成") {
		t.Fatalf("commit page: %d", code)
	}
	if code, body, _ = b.post(importPath+"/commit", url.Values{"upload": {m[1]}}); code != http.StatusConflict || !strings.Contains(body, "notice err") {
		t.Fatalf("second commit: %d", code)
	}
	if code, body, _ = b.postFile(importPath, "empty.csv", []byte("身份证号,姓名,打卡时间,类型\n"), nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, "notice err") {
		t.Fatalf("empty file: %d", code)
	}
	if n := tw.attended(t); n != tw.c.Sessions[0].Minutes() {
		t.Errorf("attended %d", n)
	}
}
