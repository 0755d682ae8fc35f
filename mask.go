package xiangpei

import (
	"strings"
	"unicode/utf8"
)

// MaskPhone hides the middle of a mobile number (138****5678); any other value keeps at most its last 2 characters.
func MaskPhone(p string) string {
	if m, err := ParseMobile(p); err == nil {
		return m[:3] + "****" + m[7:]
	}
	n := utf8.RuneCountInString(p)
	if n <= 2 {
		return strings.Repeat("*", n)
	}
	var b strings.Builder
	i := 0
	for _, r := range p {
		if i < n-2 {
			b.WriteByte('*')
		} else {
			b.WriteRune(r)
		}
		i++
	}
	return b.String()
}

// ParseMobile normalises a mainland mobile number to 11 digits, dropping spaces, dashes and a +86 prefix.
func ParseMobile(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\u3000' || r == '\t' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimPrefix(s, "+86")
	if len(s) != 11 || !idAllDigits(s) || s[0] != '1' || s[1] < '3' {
		return "", Errorf(Invalid, "phone.invalid", "The mobile number is not valid: it must have 11 digits and start with 13 to 19.")
	}
	return s, nil
}

// MaskName keeps the first character of a name and replaces the rest with asterisks (张三丰 → 张**).
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	r, size := utf8.DecodeRuneInString(name)
	if size == 0 {
		return ""
	}
	return string(r) + strings.Repeat("*", utf8.RuneCountInString(name[size:]))
}
