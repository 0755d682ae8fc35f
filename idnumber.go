package xiangpei

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// IDNumber is a citizen ID number (居民身份证号, GB 11643) in its normalised 18-character form.
type IDNumber string

// Sex is the sex recorded in an ID number.
type Sex string

// The sexes an ID number can encode.
const (
	Male   Sex = "M" // 17th digit odd
	Female Sex = "F" // 17th digit even
)

// idWeights are the GB 11643 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum modulo 11 to the check character.
const idCheckChars = "10X98765432"

// idMinBirthYear is the earliest birth year accepted; the SPEC vector 440524188001010014 is
// born in 1880, so the floor is the first year the 18-digit form can express.
const idMinBirthYear = 1800

// IDCheckDigit returns the GB 11643 check character for the first 17 digits, or 0 if first17 is not 17 ASCII digits.
func IDCheckDigit(first17 string) byte {
	if len(first17) != 17 || !idAllDigits(first17) {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// ParseIDNumber checks and normalises an 18-digit or legacy 15-digit ID number; today bounds the birth date.
func ParseIDNumber(s string, today time.Time) (IDNumber, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Errorf(Invalid, "id.empty", "The ID number is missing.")
	}
	s = strings.ReplaceAll(s, "x", "X")
	n := utf8.RuneCountInString(s)
	if n != 15 && n != 18 {
		return "", Errorf(Invalid, "id.length", "The ID number must have 18 characters (15 for an old number), but it has %v.", n)
	}
	if len(s) != n || !idAllDigits(s[:n-1]) || !(idIsDigit(s[n-1]) || (n == 18 && s[n-1] == 'X')) {
		return "", Errorf(Invalid, "id.chars", "The ID number may contain only digits, with X allowed as the last character.")
	}
	if !idValidProvince(s[:2]) {
		return "", Errorf(Invalid, "id.region", "The ID number starts with %v, which is not a valid province code.", s[:2])
	}
	var first17 string
	if n == 15 {
		first17 = s[:6] + "19" + s[6:]
	} else {
		first17 = s[:17]
	}
	birthDigits := first17[6:14]
	shown := birthDigits[:4] + "-" + birthDigits[4:6] + "-" + birthDigits[6:]
	birth, ok := idParseDate(birthDigits)
	if !ok || birth.Year() < idMinBirthYear {
		return "", Errorf(Invalid, "id.birth_date", "The birth date in the ID number, %v, is not a real date.", shown)
	}
	ty, tm, td := today.Date()
	if birth.After(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) {
		return "", Errorf(Invalid, "id.birth_future", "The birth date in the ID number, %v, is in the future.", shown)
	}
	want := IDCheckDigit(first17)
	if n == 18 && s[17] != want {
		return "", Errorf(Invalid, "id.check_digit", "The ID number's check digit is wrong: expected %v, got %v.", string(want), string(s[17]))
	}
	return IDNumber(first17 + string(want)), nil
}

// Birth returns the birth date encoded in the ID number, at midnight UTC (zero time if malformed).
func (id IDNumber) Birth() time.Time {
	if len(id) != 18 {
		return time.Time{}
	}
	t, _ := idParseDate(string(id[6:14]))
	return t
}

// Sex returns the sex encoded in the ID number: an odd 17th digit means male.
func (id IDNumber) Sex() Sex {
	if len(id) == 18 && idIsDigit(id[16]) && (id[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// County returns the 6-digit administrative region code at the start of the ID number.
func (id IDNumber) County() string {
	if len(id) < 6 {
		return string(id)
	}
	return string(id[:6])
}

// Masked returns the ID number with the birth date hidden, e.g. 430202********123X.
func (id IDNumber) Masked() string {
	if len(id) != 18 {
		return strings.Repeat("*", utf8.RuneCountInString(string(id)))
	}
	return string(id[:6]) + "********" + string(id[14:])
}

// AgeOn returns the full years of age on the calendar date of t (0 if t is before the birth).
func (id IDNumber) AgeOn(t time.Time) int {
	b := id.Birth()
	if b.IsZero() {
		return 0
	}
	y, m, d := t.Date()
	age := y - b.Year()
	if m < b.Month() || (m == b.Month() && d < b.Day()) {
		age--
	}
	if age < 0 {
		return 0
	}
	return age
}

// idValidProvince reports whether two digits are a province-level region prefix.
func idValidProvince(p string) bool {
	v, err := strconv.Atoi(p)
	if err != nil {
		return false
	}
	switch {
	case v >= 11 && v <= 15, v >= 21 && v <= 23, v >= 31 && v <= 37, v >= 41 && v <= 46,
		v >= 50 && v <= 54, v >= 61 && v <= 65, v == 71, v == 81, v == 82, v == 83, v == 91:
		return true
	}
	return false
}

// idParseDate parses 8 digits as a real calendar date at midnight UTC.
func idParseDate(s string) (time.Time, bool) {
	if len(s) != 8 || !idAllDigits(s) {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[4:6])
	d, _ := strconv.Atoi(s[6:])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// idIsDigit reports whether c is an ASCII digit.
func idIsDigit(c byte) bool { return c >= '0' && c <= '9' }

// idAllDigits reports whether s consists of ASCII digits only.
func idAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !idIsDigit(s[i]) {
			return false
		}
	}
	return true
}
