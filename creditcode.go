package xiangpei

import (
	"strings"
	"unicode/utf8"
)

// CreditCode is a unified social credit code (统一社会信用代码, GB 32100), 18 upper-case characters.
type CreditCode string

// creditCharset is the GB 32100 character set; the index of a character is its value.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^(i-1) mod 31 for i = 1..17.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCheckChar returns the GB 32100 check character for the first 17 characters, or 0 if they are not 17 characters of the upper-case charset.
func CreditCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCharset, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * creditWeights[i]
	}
	return creditCharset[(31-sum%31)%31]
}

// ParseCreditCode trims and upper-cases a credit code; a wrong final check character gives checkOK=false and no error, for manual confirmation.
func ParseCreditCode(s string) (code CreditCode, checkOK bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false, Errorf(Invalid, "credit.empty", "The unified social credit code is missing.")
	}
	n := utf8.RuneCountInString(s)
	if n != 18 {
		return "", false, Errorf(Invalid, "credit.length", "The unified social credit code must have 18 characters, but it has %v.", n)
	}
	b := make([]byte, 0, 18)
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		if r >= utf8.RuneSelf || strings.IndexByte(creditCharset, byte(r)) < 0 {
			return "", false, Errorf(Invalid, "credit.chars", "The unified social credit code contains “%v”, which is not allowed (it uses only digits and capital letters other than I, O, Z, S and V).", string(r))
		}
		b = append(b, byte(r))
	}
	code = CreditCode(b)
	return code, CreditCheckChar(string(b[:17])) == b[17], nil
}
