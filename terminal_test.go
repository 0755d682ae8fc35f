package xiangpei

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The vector was computed independently (Python's hmac and hashlib).
func TestTerminalSignatureVector(t *testing.T) {
	body := []byte(`{"events":[]}`)
	want := "POST\n/api/v1/terminal/events\n1793581200\nabcdefgh\n24de1c4a19c43ad41b013f13dcd858c17b0daa7f33a53f19913e5b11366d1c2e"
	if got := TerminalSigningString("post", TerminalEventsPath, "1793581200", "abcdefgh", body); got != want {
		t.Fatalf("signing string\n got %q\nwant %q", got, want)
	}
	if got := SignTerminal("xpt_test", "POST", TerminalEventsPath, "1793581200", "abcdefgh", body); got != "c76dc26296e89a0510f25807a50da71ea6da857165c900a61be34745bd48f320" {
		t.Fatalf("signature %s", got)
	}
}

func headers(id, ts, nonce, sig string) func(string) string {
	h := http.Header{}
	for k, v := range map[string]string{HeaderTerminalID: id, HeaderTimestamp: ts, HeaderNonce: nonce, HeaderSignature: sig} {
		if v != "" {
			h.Set(k, v)
		}
	}
	return h.Get
}

func TestParseTerminalHeaders(t *testing.T) {
	sig := strings.Repeat("ab", 32)
	good, err := ParseTerminalHeaders(headers("123", "1793581200", "abcdefgh", sig))
	if err != nil || good.TerminalID != 123 || good.Timestamp != "1793581200" || good.At.Unix() != 1793581200 || len(good.Signature) != 32 {
		t.Fatalf("good headers: %v %+v", err, good)
	}
	for name, h := range map[string]func(string) string{
		"no id":            headers("", "1793581200", "abcdefgh", sig),
		"id not a number":  headers("12a", "1793581200", "abcdefgh", sig),
		"negative id":      headers("-5", "1793581200", "abcdefgh", sig),
		"zero id":          headers("0", "1793581200", "abcdefgh", sig),
		"id with plus":     headers("+5", "1793581200", "abcdefgh", sig),
		"no timestamp":     headers("1", "", "abcdefgh", sig),
		"timestamp in ms":  headers("1", "1793581200000", "abcdefgh", sig),
		"timestamp signed": headers("1", "-1793581200", "abcdefgh", sig),
		"timestamp float":  headers("1", "1793581200.5", "abcdefgh", sig),
		"short nonce":      headers("1", "1793581200", "abcdefg", sig),
		"long nonce":       headers("1", "1793581200", strings.Repeat("a", 65), sig),
		"nonce with space": headers("1", "1793581200", "abcd efgh", sig),
		"nonce non-ascii":  headers("1", "1793581200", "随机数随机数随机数", sig),
		"no signature":     headers("1", "1793581200", "abcdefgh", ""),
		"short signature":  headers("1", "1793581200", "abcdefgh", sig[:62]),
		"not hex":          headers("1", "1793581200", "abcdefgh", strings.Repeat("zz", 32)),
	} {
		if _, err := ParseTerminalHeaders(h); !IsKind(err, Unauthorized) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if !ValidNonce(strings.Repeat("a", 64)) || !ValidNonce("A-b_c.d~9") || ValidNonce("") {
		t.Error("nonce alphabet")
	}
}

func TestTerminalTimeAndVerify(t *testing.T) {
	now := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
	body := []byte(`{"events":[{"event_id":"1"}]}`)
	ts := fmt.Sprint(now.Unix())
	a, err := ParseTerminalHeaders(headers("9", ts, "nonce-123", SignTerminal("s3cret", "POST", TerminalEventsPath, ts, "nonce-123", body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{0, 300 * time.Second, -300 * time.Second} {
		if err := a.CheckTime(now.Add(d), 300); err != nil {
			t.Errorf("%v off: %v", d, err)
		}
	}
	for _, d := range []time.Duration{301 * time.Second, -301 * time.Second, 24 * time.Hour} {
		if err := a.CheckTime(now.Add(d), 300); !IsKind(err, Unauthorized) {
			t.Errorf("%v off accepted", d)
		}
	}
	if !a.Verify("s3cret", "POST", TerminalEventsPath, body) {
		t.Fatal("good signature refused")
	}
	for name, ok := range map[string]bool{
		"other secret": a.Verify("s3cret2", "POST", TerminalEventsPath, body),
		"other body":   a.Verify("s3cret", "POST", TerminalEventsPath, []byte(`{"events":[{"event_id":"2"}]}`)),
		"other path":   a.Verify("s3cret", "POST", "/api/v1/terminal/events2", body),
		"other method": a.Verify("s3cret", "PUT", TerminalEventsPath, body),
	} {
		if ok {
			t.Errorf("%s: signature accepted", name)
		}
	}
	b := a
	b.Nonce = "nonce-124"
	if b.Verify("s3cret", "POST", TerminalEventsPath, body) {
		t.Error("other nonce: signature accepted")
	}
}

func TestParseTerminalEvents(t *testing.T) {
	for name, body := range map[string]string{
		"not json":          `events`,
		"no events":         `{"events":[]}`,
		"events not a list": `{"events":{}}`,
		"unknown field":     `{"events":[{}],"extra":1}`,
		"two objects":       `{"events":[{}]}{"events":[{}]}`,
		"too many":          `{"events":[` + strings.TrimSuffix(strings.Repeat(`{},`, TerminalMaxEvents+1), ",") + `]}`,
		"null":              `null`,
	} {
		if _, err := ParseTerminalEvents([]byte(body)); !IsKind(err, Invalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ParseTerminalEvents(make([]byte, TerminalMaxBody+1)); !IsKind(err, TooLarge) {
		t.Errorf("oversized: %v", err)
	}
	evs, err := ParseTerminalEvents([]byte(`{"events":[
		{"event_id":"a1","session_id":"7302791012345678901","id_number":"11010519491231002X","kind":"in","at":"2026-11-02T09:00:00+08:00","lat":27.8,"lng":113.1},
		{"event_id":"a2","session_id":42,"id_number":"11010519491231002X","kind":"out","at":"2026-11-02T12:00:00Z"},
		{"session_id":"1","id_number":"x","kind":"in","at":"2026-11-02T09:00:00Z"},
		{"event_id":"a 4","session_id":"1","id_number":"x","kind":"in","at":"2026-11-02T09:00:00Z"},
		{"event_id":"a5","session_id":"-1","id_number":"x","kind":"in","at":"2026-11-02T09:00:00Z"},
		{"event_id":"a6","session_id":"1","id_number":"x","kind":"late","at":"2026-11-02T09:00:00Z"},
		{"event_id":"a7","session_id":"1","id_number":"","kind":"in","at":"2026-11-02T09:00:00Z"},
		{"event_id":"a8","session_id":"1","id_number":"x","kind":"in","at":"2026-11-02 09:00"},
		{"event_id":"a9","session_id":"1","id_number":"x","kind":"in","at":"2026-11-02T09:00:00Z","lat":27.8},
		{"event_id":"a10","session_id":"1","id_number":"x","kind":"in","at":"2026-11-02T09:00:00Z","lat":91,"lng":0},
		"not an object",
		{"event_id":"a12","session_id":"99999999999999999999","id_number":"x","kind":"in","at":"2026-11-02T09:00:00Z"}
	]}`))
	if err != nil || len(evs) != 12 {
		t.Fatalf("%v %d", err, len(evs))
	}
	e := evs[0]
	if e.Problem != nil || e.EventID != "a1" || e.SessionID != 7302791012345678901 || e.Kind != CheckIn || !e.HasPlace ||
		!e.At.Equal(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)) || e.At.Location() != time.UTC {
		t.Fatalf("event 0: %+v", e)
	}
	if e := evs[1]; e.Problem != nil || e.SessionID != 42 || e.HasPlace {
		t.Fatalf("event 1: %+v", e)
	}
	want := []string{"terminal.event_id", "terminal.event_id", "attendance.unknown_session", "attendance.kind",
		"attendance.not_on_roster", "attendance.time", "terminal.place", "terminal.place", "terminal.event_shape", "attendance.unknown_session"}
	for i, key := range want {
		var de *Error
		if p := evs[i+2].Problem; p == nil || !asErr(p, &de) || de.Key != key {
			t.Errorf("event %d: %v, want %s", i+2, evs[i+2].Problem, key)
		}
	}
	if k := TerminalEventKey(12, "a1"); k != "t:12:a1" {
		t.Errorf("key %s", k)
	}
}

func asErr(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

// FuzzTerminalPush feeds the parsers of a terminal push arbitrary headers and bodies: they
// never panic, what they accept is well formed, and a request signed with a secret verifies
// under that secret only.
func FuzzTerminalPush(f *testing.F) {
	f.Add("12", "1793581200", "abcdefgh", strings.Repeat("ab", 32), []byte(`{"events":[{"event_id":"1","session_id":"2","id_number":"11010519491231002X","kind":"in","at":"2026-11-02T09:00:00Z"}]}`))
	f.Add("0", "", "short", "zz", []byte(`{"events":[{"event_id":"1","session_id":2,"lat":1}]}`))
	f.Add("99999999999999999999", "-1", strings.Repeat("n", 70), "", []byte(`{"events":"x"}`))
	f.Add("7", "1", "nonce-nonce", hex.EncodeToString(make([]byte, 32)), []byte(`{"events":[null,1,"a",{"event_id":"\u0000"}]}`))
	f.Fuzz(func(t *testing.T, id, ts, nonce, sig string, body []byte) {
		a, err := ParseTerminalHeaders(headers(id, ts, nonce, sig))
		if err == nil {
			if a.TerminalID <= 0 || !ValidNonce(a.Nonce) || len(a.Signature) != 32 || !digits(a.Timestamp) {
				t.Fatalf("accepted malformed headers: %+v", a)
			}
			_ = a.CheckTime(time.Now(), 300)
			signed := a
			signed.Signature, _ = hex.DecodeString(SignTerminal("k1", "POST", TerminalEventsPath, a.Timestamp, a.Nonce, body))
			if !signed.Verify("k1", "POST", TerminalEventsPath, body) || signed.Verify("k2", "POST", TerminalEventsPath, body) {
				t.Fatal("signature round trip")
			}
		}
		evs, err := ParseTerminalEvents(body)
		if err != nil {
			return
		}
		if len(evs) == 0 || len(evs) > TerminalMaxEvents {
			t.Fatalf("%d events accepted", len(evs))
		}
		for _, e := range evs {
			if e.Problem != nil {
				continue
			}
			if e.EventID == "" || len(e.EventID) > EventIDMaxLen || e.SessionID <= 0 || (e.Kind != CheckIn && e.Kind != CheckOut) ||
				e.At.IsZero() || e.IDNumber == "" {
				t.Fatalf("accepted a malformed event: %+v", e)
			}
			if e.HasPlace && (e.Lat < -90 || e.Lat > 90 || e.Lng < -180 || e.Lng > 180) {
				t.Fatalf("place out of range: %+v", e)
			}
		}
	})
}
