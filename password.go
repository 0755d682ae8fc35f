package xiangpei

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// PasswordProfile is a configurable password policy (QUALITY §3).
type PasswordProfile string

// The two profiles: ASVS (length and breached-password check, no forced rotation) and the
// government profile that adds the complexity and 90-day rotation MLPS assessors expect.
const (
	ProfileASVS PasswordProfile = "asvs"
	ProfileGov  PasswordProfile = "gov"
)

// MinPasswordLength is the shortest password either profile accepts.
const MinPasswordLength = 10

// Valid reports whether p is a known profile.
func (p PasswordProfile) Valid() bool { return p == ProfileASVS || p == ProfileGov }

// MaxAge is how long a password lives before it must be changed; zero means forever.
func (p PasswordProfile) MaxAge() time.Duration {
	if p == ProfileGov {
		return 90 * 24 * time.Hour
	}
	return 0
}

// CheckPassword decides whether a new password is acceptable under the profile. The name and
// login are refused as parts of the password, and so are the commonest leaked passwords.
func (p PasswordProfile) CheckPassword(pw, login string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return Errorf(Invalid, "password.short", "The password must have at least %v characters.", MinPasswordLength)
	}
	if utf8.RuneCountInString(pw) > 128 {
		return Errorf(Invalid, "password.long", "The password may have at most 128 characters.")
	}
	low := strings.ToLower(pw)
	if login != "" && strings.Contains(low, strings.ToLower(login)) {
		return Errorf(Invalid, "password.contains_login", "The password must not contain your account name.")
	}
	if commonPassword(low) {
		return Errorf(Invalid, "password.common", "This password is one of the most common leaked passwords; choose another.")
	}
	if p == ProfileGov {
		classes := 0
		var up, lo, dig, sym bool
		for _, r := range pw {
			switch {
			case unicode.IsUpper(r):
				up = true
			case unicode.IsLower(r):
				lo = true
			case unicode.IsDigit(r):
				dig = true
			default:
				sym = true
			}
		}
		for _, b := range []bool{up, lo, dig, sym} {
			if b {
				classes++
			}
		}
		if classes < 3 {
			return Errorf(Invalid, "password.complexity", "The password must mix at least three of: upper-case letters, lower-case letters, digits and symbols.")
		}
	}
	return nil
}

// commonPassword reports whether pw (lower-cased) is, or is a trivial variant of, a password
// on the list of the most leaked ones, including those common in China.
func commonPassword(pw string) bool {
	trimmed := strings.TrimRight(pw, "0123456789!@#.")
	for _, c := range commonPasswords {
		if pw == c || (trimmed != "" && trimmed == c) {
			return true
		}
	}
	// Runs of one repeated character, or straight keyboard sequences.
	if strings.Count(pw, pw[:1]) == len(pw) || strings.Contains("0123456789012345678901234567890", pw) ||
		strings.Contains("abcdefghijklmnopqrstuvwxyz", pw) || strings.Contains("qwertyuiopasdfghjklzxcvbnm", pw) {
		return true
	}
	return false
}

var commonPasswords = strings.Fields(`
123456 123456789 12345678 1234567890 password password1 password123 passw0rd qwerty qwerty123
qwertyuiop 1q2w3e4r 1q2w3e4r5t 1qaz2wsx 1qaz2wsx3edc zaq12wsx abc123 abcd1234 abc12345 a123456
a123456789 aa123456 aa12345678 woaini woaini1314 woaini520 5201314 1314520 iloveyou admin admin123
administrator root toor letmein welcome welcome1 monkey dragon football baseball master sunshine
princess superman trustno1 111111 000000 666666 888888 123123 112233 123321 654321 987654321
changeme secret default guest test test1234 testtest zhangwei wangwei liwei china123 china
huawei xiaomi taobao baidu tencent qq123456 asdfghjkl asdf1234 zxcvbnm zxcvbnm123 computer
internet hello123 helloworld iloveyou1 loveyou xiangpei xiangpei123 renshe hunan zhuzhou
`)
