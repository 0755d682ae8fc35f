// Package auth holds the credentials machinery: argon2id password hashes, TOTP second factors,
// and random secrets for sessions and API tokens, which are stored only as hashes.
package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane).
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams are used for every new hash.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string, p Params) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether pw matches a hash made by HashPassword, in constant time.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash lets a sign-in for an unknown account take as long as one for a known account.
var dummyHash = HashPassword("not-a-real-password", DefaultParams)

// SpendTime runs one password check against a dummy hash, so that unknown accounts cannot be
// told apart from wrong passwords by timing.
func SpendTime(pw string) { CheckPassword(dummyHash, pw) }

// Secret returns n random bytes as URL-safe text, for session ids, CSRF tokens and API tokens.
func Secret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Digest is the SHA-256 of a high-entropy secret, as stored in the database; secrets themselves
// are never stored.
func Digest(secret string) string {
	s := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(s[:])
}

// Issuer is the name authenticator apps show beside the account.
const Issuer = "湘培直通车"

// NewTOTP creates a new TOTP secret for an account.
func NewTOTP(login string) (secret string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: login})
	if err != nil {
		return "", err
	}
	return k.Secret(), nil
}

// TOTPURL is the otpauth:// URL an authenticator app scans.
func TOTPURL(login, secret string) string {
	k, err := otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=6&period=30",
		urlEscape(Issuer), urlEscape(login), secret, urlEscape(Issuer)))
	if err != nil {
		return ""
	}
	return k.URL()
}

// TOTPQR renders the otpauth URL as a PNG QR code of the given size in pixels.
func TOTPQR(login, secret string, size int) ([]byte, error) {
	k, err := otp.NewKeyFromURL(TOTPURL(login, secret))
	if err != nil {
		return nil, err
	}
	img, err := k.Image(size, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// CheckTOTP validates a 6-digit code at time t, allowing one 30-second step of clock skew.
func CheckTOTP(secret, code string, t time.Time) bool {
	code = strings.TrimSpace(code)
	ok, err := totp.ValidateCustom(code, secret, t, totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return err == nil && ok
}

// TOTPCode returns the current code, for the demo's visible codes and for tests.
func TOTPCode(secret string, t time.Time) (string, error) {
	if secret == "" {
		return "", errors.New("no TOTP secret")
	}
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
