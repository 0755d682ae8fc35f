package auth

import (
	"bytes"
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	p := Params{Memory: 1024, Time: 1, Threads: 1}
	h := HashPassword("correct horse battery", p)
	if !CheckPassword(h, "correct horse battery") {
		t.Fatal("the right password was refused")
	}
	if CheckPassword(h, "correct horse batterz") {
		t.Fatal("a wrong password was accepted")
	}
	if h2 := HashPassword("correct horse battery", p); h2 == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$x$y$z$w", h[:len(h)-5] + "!!!!!"} {
		if CheckPassword(bad, "correct horse battery") {
			t.Fatalf("malformed hash %q accepted", bad)
		}
	}
}

func TestTOTP(t *testing.T) {
	secret, err := NewTOTP("officer1")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	code, err := TOTPCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	if !CheckTOTP(secret, code, now) || !CheckTOTP(secret, code, now.Add(30*time.Second)) {
		t.Fatal("current code refused")
	}
	if CheckTOTP(secret, code, now.Add(5*time.Minute)) {
		t.Fatal("a code five minutes old was accepted")
	}
	png, err := TOTPQR("officer1", secret, 200)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("QR code is not a PNG: %v", err)
	}
}

func TestDigestAndSecret(t *testing.T) {
	a, b := Secret(32), Secret(32)
	if a == b || len(a) < 40 {
		t.Fatalf("secrets not random or too short: %q %q", a, b)
	}
	if Digest(a) == Digest(b) || Digest(a) != Digest(a) || len(Digest(a)) != 64 {
		t.Fatal("digest is not a stable SHA-256")
	}
}
