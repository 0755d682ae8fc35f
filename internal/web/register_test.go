package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

func countPersons(t *testing.T, db *store.DB) int {
	t.Helper()
	_, n, err := db.SearchPersons(context.Background(), xiangpei.Scope{All: true}, "", store.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// smsCode reads the code the log sender "sent" from the kept message.
func smsCode(t *testing.T, db *store.DB, phone string) string {
	t.Helper()
	m, err := db.LastSMS(context.Background(), phone)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.IndexAny(m.Body, "0123456789")
	return m.Body[i : i+6]
}

func TestRegisterPerson(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			b := e.browser()
			b.get("/register")
			phone := "13712345678"
			if code, _, _ := b.post("/register/code", url.Values{"phone": {phone}}); code != http.StatusSeeOther {
				t.Fatalf("send code: %d", code)
			}
			// Asking again at once is refused.
			b.get("/register")
			if code, body, _ := b.post("/register/code", url.Values{"phone": {phone}}); code != http.StatusTooManyRequests || !strings.Contains(body, "1 分钟") {
				t.Fatalf("second code at once: %d", code)
			}
			sms := smsCode(t, db, phone)
			id := validID("43021119920315441")
			form := func(idNumber, code string) url.Values {
				return url.Values{"phone": {phone}, "code": {code}, "name": {"周晓梅"}, "id_number": {idNumber},
					"household": {"rural"}, "county": {"430211"}, "password": {testPassword}, "confirm": {testPassword}}
			}
			before := countPersons(t, db)
			bad := []struct{ id, want string }{
				{id[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", id[17])+1)%11]), "身份证号最后一位不对"},
				{"430211199202301234", "出生日期"},
				{"43021119920315", "位"},
			}
			for _, c := range bad {
				b.get("/register")
				code, body, _ := b.post("/register", form(c.id, sms))
				if code != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) {
					t.Fatalf("ID %s: status %d, want 422 with %q in:\n%s", c.id, code, c.want, between(body, `class="notice err"`, "</p>"))
				}
				if !strings.Contains(body, `value="周晓梅"`) {
					t.Fatal("the form lost what the person typed")
				}
			}
			// A wrong code is refused and nothing is written.
			b.get("/register")
			if code, body, _ := b.post("/register", form(id, "000000")); code != http.StatusUnprocessableEntity || !strings.Contains(body, "验证码不正确") {
				t.Fatalf("wrong code: %d", code)
			}
			if n := countPersons(t, db); n != before {
				t.Fatalf("refused registrations wrote %d persons", n-before)
			}
			b.get("/register")
			if code, body, h := b.post("/register", form(id, sms)); code != http.StatusSeeOther || h.Get("Location") != "/me?done=registered" {
				t.Fatalf("register: %d %s", code, between(body, `class="notice err"`, "</p>"))
			}
			_, body, _ := b.get("/me")
			if !strings.Contains(body, "周晓梅") || !strings.Contains(body, id[:6]+"********"+id[14:]) || strings.Contains(body, id) {
				t.Fatal("the record page does not show the masked ID number")
			}
			// The same ID number again: one person per ID.
			other := e.browser()
			other.get("/register")
			phone2 := "13712345679"
			other.post("/register/code", url.Values{"phone": {phone2}})
			f := form(id, smsCode(t, db, phone2))
			f.Set("phone", phone2)
			other.get("/register")
			if code, body, _ := other.post("/register", f); code != http.StatusConflict || !strings.Contains(body, "已注册账号") {
				t.Fatalf("duplicate ID: %d", code)
			}
			if n := countPersons(t, db); n != before+1 {
				t.Fatalf("%d persons after one registration", n-before)
			}
		})
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// The public registration API works for a client that never loaded a page (no cookie, no
// token), but a browser request from another site is refused.
func TestPublicAPIWithoutSession(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	code, body, _ := e.request("", http.MethodPost, "/api/v1/register/code", map[string]string{"phone": "13712340000"})
	if code != http.StatusAccepted || !strings.Contains(string(body), "137****0000") {
		t.Fatalf("public API call without a page first: %d %s", code, body)
	}
	code, body, _ = e.requestWith("", http.MethodPost, "/api/v1/register/code", map[string]string{"phone": "13712340001"},
		http.Header{"Sec-Fetch-Site": {"cross-site"}})
	if code != http.StatusForbidden {
		t.Fatalf("cross-site browser call: %d %s", code, body)
	}
}
