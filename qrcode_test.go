package xiangpei

import (
	"testing"
	"time"
)

func TestQRCode(t *testing.T) {
	const key, other = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	const session, otherSession = int64(101), int64(102)
	now := time.Date(2026, 11, 20, 9, 0, 15, 0, ChinaTime) // 15 s into a 30 s window
	w := QRWindow(now, 30)
	if QRWindow(now.Add(14*time.Second), 30) != w || QRWindow(now.Add(15*time.Second), 30) != w+1 {
		t.Fatal("windows are not 30 seconds long")
	}
	if got := QRWindowEnds(now, 30); !got.Equal(now.Add(15 * time.Second)) {
		t.Errorf("window ends %v", got)
	}
	code := QRCode(key, session, w)
	if len(code) != QRCodeLength || code == QRCode(key, session, w+1) || code == QRCode(key, otherSession, w) || code == QRCode(other, session, w) {
		t.Fatalf("codes are not bound to key, session and window: %s", code)
	}
	cases := []struct {
		name string
		code string
		sess int64
		key  string
		want string // "" accepted, else the error key
	}{
		{"current window", QRCode(key, session, w), session, key, ""},
		{"lower case", lower(QRCode(key, session, w)), session, key, ""},
		{"previous window", QRCode(key, session, w-1), session, key, ""},
		{"two windows back", QRCode(key, session, w-2), session, key, "checkin.code_expired"},
		{"an hour back", QRCode(key, session, w-120), session, key, "checkin.code_expired"},
		{"a day back", QRCode(key, session, w-2880), session, key, "checkin.code_wrong"},
		{"next window", QRCode(key, session, w+1), session, key, "checkin.code_wrong"},
		{"another session's code", QRCode(key, otherSession, w), session, key, "checkin.code_wrong"},
		{"another session's key", QRCode(other, session, w), session, key, "checkin.code_wrong"},
		{"empty", "", session, key, "checkin.code_wrong"},
		{"no key", QRCode("", session, w), session, "", "checkin.code_wrong"},
		{"too short", QRCode(key, session, w)[:6], session, key, "checkin.code_wrong"},
	}
	for _, c := range cases {
		err := CheckQRCode(c.key, c.sess, c.code, now, 30)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && (err == nil || err.(*Error).Key != c.want):
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestQROpen(t *testing.T) {
	s := Session{Starts: time.Date(2026, 11, 20, 9, 0, 0, 0, ChinaTime), Ends: time.Date(2026, 11, 20, 12, 0, 0, 0, ChinaTime)}
	for _, c := range []struct {
		at   time.Time
		want bool
	}{
		{s.Starts.Add(-time.Hour - time.Second), false},
		{s.Starts.Add(-time.Hour), true},
		{s.Starts, true},
		{s.Ends.Add(time.Hour), true},
		{s.Ends.Add(time.Hour + time.Second), false},
	} {
		if got := QROpen(s, c.at); got != c.want {
			t.Errorf("open at %v: %v, want %v", c.at, got, c.want)
		}
	}
}
