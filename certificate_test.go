package xiangpei_test

import (
	"strings"
	"testing"
	"time"

	"xiangpei"
)

// TestCertSeriesNumber: the number of a serial carries kind, region, year, level, serial and
// the check character, and parses back to the same series and serial.
func TestCertSeriesNumber(t *testing.T) {
	cases := []struct {
		series xiangpei.CertSeries
		serial int64
		want   string
	}{
		{xiangpei.CertSeries{Kind: xiangpei.CertSkill, Region: "430211", Year: 2026, Level: "4"}, 123, "S430211264000123"},
		{xiangpei.CertSeries{Kind: xiangpei.CertSpecial, Region: "430202", Year: 2025, Level: "special"}, 1, "Z430202250000001"},
		{xiangpei.CertSeries{Kind: xiangpei.CertTraining, Region: "430000", Year: 2030, Level: "completion"}, 999999, "P430000300999999"},
	}
	for _, c := range cases {
		got, err := c.series.Number(c.serial)
		if err != nil {
			t.Fatalf("%+v %d: %v", c.series, c.serial, err)
		}
		if len(got) != xiangpei.CertNumberLen || got[:16] != c.want {
			t.Fatalf("%+v %d: got %q, want %q plus a check character", c.series, c.serial, got, c.want)
		}
		n, err := xiangpei.ParseCertNumber(got)
		if err != nil || n.Series != c.series || n.Serial != c.serial || n.String() != got {
			t.Errorf("%q parses to %+v, %v", got, n, err)
		}
	}
	// The documented example: S 430211 26 4 000123 and its ISO 7064 MOD 11-2 check character.
	got, _ := cases[0].series.Number(123)
	if got != "S4302112640001239" || got != withCheck("S430211264000123") {
		t.Errorf("documented example: got %q", got)
	}
}

// TestCertSeriesRefuses: a kind not matching its level, a bad region or year, and serials out
// of range are refused with their own keys.
func TestCertSeriesRefuses(t *testing.T) {
	ok := xiangpei.CertSeries{Kind: xiangpei.CertSkill, Region: "430211", Year: 2026, Level: "3"}
	for _, s := range []xiangpei.CertSeries{
		{Kind: xiangpei.CertSkill, Region: "430211", Year: 2026, Level: "special"},
		{Kind: xiangpei.CertSpecial, Region: "430211", Year: 2026, Level: "3"},
		{Kind: xiangpei.CertSkill, Region: "43021", Year: 2026, Level: "3"},
		{Kind: xiangpei.CertSkill, Region: "43021A", Year: 2026, Level: "3"},
		{Kind: xiangpei.CertSkill, Region: "430211", Year: 1999, Level: "3"},
	} {
		if _, err := s.Number(1); !xiangpei.IsKind(err, xiangpei.Invalid) {
			t.Errorf("%+v: got %v, want Invalid", s, err)
		}
	}
	for _, n := range []int64{0, -1, 1000000} {
		if _, err := ok.Number(n); !xiangpei.IsKind(err, xiangpei.Conflict) {
			t.Errorf("serial %d: got %v, want the series-full Conflict", n, err)
		}
	}
}

// TestParseCertNumber is the table of the parser: every way a number can be wrong is refused
// with the parser's message, every way it can be typed is accepted.
func TestParseCertNumber(t *testing.T) {
	good := "S4302112640001239"
	cases := []struct {
		in, key string // key "" means it parses to good
	}{
		{good, ""},
		{"s4302112640001239", ""},
		{" S430211-264-000123-9 ", ""},
		{"Ｓ４３０２１１２６４０００１２３９", ""},
		{"S 4302 1126 4000 1239", ""},
		{"", "cert.number_invalid"},
		{"S430211264000123", "cert.number_invalid"},            // too short
		{"S43021126400012390", "cert.number_invalid"},          // too long
		{"X4302112640001239", "cert.number_invalid"},           // unknown kind letter
		{"S43021A2640001239", "cert.number_invalid"},           // a letter among the digits
		{"S4302112640001238", "cert.number_check"},             // wrong check character
		{withCheck("S430211266000123"), "cert.number_invalid"}, // level 6 does not exist
		{withCheck("S430211260000123"), "cert.number_invalid"}, // a skill certificate with level 0
		{withCheck("Z430211264000123"), "cert.number_invalid"}, // a special certificate with a level
		{withCheck("S430211264000000"), "cert.number_invalid"}, // serial 0
		{"证书编号S4302112640001", "cert.number_invalid"},          // other characters
	}
	for _, c := range cases {
		n, err := xiangpei.ParseCertNumber(c.in)
		if c.key == "" {
			if err != nil || n.String() != good {
				t.Errorf("%q: got %v, %v; want %s", c.in, n, err, good)
			}
			continue
		}
		var e *xiangpei.Error
		if err == nil || !asError(err, &e) || e.Key != c.key {
			t.Errorf("%q: got %v, want key %s", c.in, err, c.key)
		}
	}
}

// withCheck appends the ISO 7064 MOD 11-2 check character to a letter and 15 digits, computed
// here with the weights 2^(15-i) mod 11 rather than the package's running form.
func withCheck(s string) string {
	sum, w := 0, 1
	for i := 15; i >= 1; i-- {
		w = w * 2 % 11
		sum += int(s[i]-'0') * w
	}
	v := (12 - sum%11) % 11
	if v == 10 {
		return s + "X"
	}
	return s + string(rune('0'+v))
}

func asError(err error, e **xiangpei.Error) bool {
	x, ok := err.(*xiangpei.Error)
	if ok {
		*e = x
	}
	return ok
}

// TestCertCheckCharacter: every single-digit typing error and every swap of two different
// neighbouring digits changes the check character, as ISO 7064 MOD 11-2 promises.
func TestCertCheckCharacter(t *testing.T) {
	good := "S4302112640001239"
	body := good[1:16]
	for i := range len(body) {
		for d := byte('0'); d <= '9'; d++ {
			if d == body[i] {
				continue
			}
			typo := "S" + body[:i] + string(d) + body[i+1:] + good[16:]
			if _, err := xiangpei.ParseCertNumber(typo); err == nil {
				t.Errorf("typo %q is accepted", typo)
			}
		}
		if i+1 < len(body) && body[i] != body[i+1] {
			swap := "S" + body[:i] + string(body[i+1]) + string(body[i]) + body[i+2:] + good[16:]
			if _, err := xiangpei.ParseCertNumber(swap); err == nil {
				t.Errorf("swap %q is accepted", swap)
			}
		}
	}
	// A check value of 10 is written X.
	s := xiangpei.CertSeries{Kind: xiangpei.CertSkill, Region: "430211", Year: 2026, Level: "4"}
	foundX := false
	for n := int64(1); n < 200 && !foundX; n++ {
		num, _ := s.Number(n)
		if num[16] == 'X' {
			foundX = true
			if _, err := xiangpei.ParseCertNumber(strings.ToLower(num)); err != nil {
				t.Errorf("%q with a lower-case x: %v", num, err)
			}
		}
	}
	if !foundX {
		t.Error("no number in 200 had the check character X")
	}
}

func TestNormaliseCertNumber(t *testing.T) {
	for in, want := range map[string]string{
		"s430211-264 000123　9": "S4302112640001239",
		"Ｐ４３０２１１２６０":           "P430211260",
		"\tz43\t":              "Z43",
		"":                     "",
	} {
		if got := xiangpei.NormaliseCertNumber(in); got != want {
			t.Errorf("NormaliseCertNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCertKindOf: levels 1–5 lead to skill certificates, special and completion to their kinds.
func TestCertKindOf(t *testing.T) {
	for level, want := range map[string]xiangpei.CertKind{"1": xiangpei.CertSkill, "5": xiangpei.CertSkill,
		"special": xiangpei.CertSpecial, "completion": xiangpei.CertTraining, "6": "", "": ""} {
		if got := xiangpei.CertKindOf(level); got != want {
			t.Errorf("CertKindOf(%q) = %q, want %q", level, got, want)
		}
	}
}

// TestCertificateRevoke: a valid certificate is revoked with a trimmed reason at the moment
// given; a second revocation is a Conflict; a missing or too short reason is Invalid.
func TestCertificateRevoke(t *testing.T) {
	now := time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC)
	c := xiangpei.Certificate{ID: 1, Status: xiangpei.CertValid}
	if _, err := c.Revoke(" ", now); !xiangpei.IsKind(err, xiangpei.Invalid) {
		t.Errorf("no reason: %v", err)
	}
	if _, err := c.Revoke(strings.Repeat("很", 501), now); !xiangpei.IsKind(err, xiangpei.Invalid) {
		t.Errorf("a reason too long: %v", err)
	}
	r, err := c.Revoke("  考评员违规  ", now)
	if err != nil || r.Status != xiangpei.CertRevoked || r.RevokedReason != "考评员违规" || !r.RevokedAt.Equal(now) {
		t.Fatalf("revoke: %+v, %v", r, err)
	}
	if c.Status != xiangpei.CertValid {
		t.Error("Revoke changed its receiver")
	}
	if _, err := r.Revoke("再次撤销", now); !xiangpei.IsKind(err, xiangpei.Conflict) {
		t.Errorf("revoking twice: %v", err)
	}
}

// TestCertificateVerdict: the public view masks the name, never carries the ID number in any
// field, and dates a revocation in China time.
func TestCertificateVerdict(t *testing.T) {
	id := xiangpei.IDNumber("43021119900101123X")
	c := xiangpei.Certificate{Number: "S4302112640001239", Kind: xiangpei.CertSkill, HolderName: "欧阳娜娜", HolderID: id,
		OccupationCode: "4-10-01-05", OccupationName: "养老护理员", Level: "4", IssuerName: "株洲评价中心", IssuedOn: "2026-11-02",
		Status: xiangpei.CertRevoked, RevokedAt: time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)}
	v := c.Verdict()
	if v.MaskedName != "欧***" || v.RevokedOn != "2026-12-01" || v.Number != c.Number || v.IssuerName != c.IssuerName {
		t.Fatalf("verdict %+v", v)
	}
	all := strings.Join([]string{v.Number, string(v.Kind), v.MaskedName, v.OccupationCode, v.OccupationName, v.Level,
		v.IssuerName, v.IssuedOn, string(v.Status), v.RevokedOn}, "|")
	for _, part := range []string{string(id), string(id)[:6] + string(id)[8:17], id.Masked(), "19900101", "欧阳娜娜"} {
		if strings.Contains(all, part) {
			t.Errorf("verdict contains %q: %s", part, all)
		}
	}
	c.Status, c.RevokedAt = xiangpei.CertValid, time.Time{}
	if v := c.Verdict(); v.RevokedOn != "" || v.Status != xiangpei.CertValid {
		t.Errorf("valid verdict %+v", v)
	}
}

// TestSameHolder: the typed name matches ignoring spaces and middle-dot variants; an empty or
// other name does not.
func TestSameHolder(t *testing.T) {
	cases := []struct {
		typed, holder string
		want          bool
	}{
		{"张三丰", "张三丰", true},
		{" 张 三丰 ", "张三丰", true},
		{"阿依古丽•买买提", "阿依古丽·买买提", true},
		{"阿依古丽・买买提", "阿依古丽·买买提", true},
		{"张三", "张三丰", false},
		{"", "", false},
		{"李四", "张三丰", false},
	}
	for _, c := range cases {
		if got := xiangpei.SameHolder(c.typed, c.holder); got != c.want {
			t.Errorf("SameHolder(%q, %q) = %v, want %v", c.typed, c.holder, got, c.want)
		}
	}
}

// TestLevels: the highest of levels, and at-least comparisons, count only skill levels.
func TestLevels(t *testing.T) {
	if got := xiangpei.HighestLevel([]string{"5", "special", "3", "4", ""}); got != "3" {
		t.Errorf("HighestLevel = %q", got)
	}
	if got := xiangpei.HighestLevel([]string{"special", "completion"}); got != "" {
		t.Errorf("HighestLevel of no skill level = %q", got)
	}
	if !xiangpei.LevelAtLeast("3", "4") || xiangpei.LevelAtLeast("5", "4") || xiangpei.LevelAtLeast("special", "5") {
		t.Error("LevelAtLeast")
	}
}

// FuzzParseCertNumber: the parser never panics; whatever it accepts re-formats to a canonical
// 17-character string that parses again to the same value.
func FuzzParseCertNumber(f *testing.F) {
	for _, s := range []string{"S4302112640001239", "s430211-264-000123-9", "Z430202250000001", "P430000300999999",
		"Ｓ４３０２１１２６４０００１２３７", "", "S", "X4302112640001237", "S430211264000000X", "S43021126400012370",
		"\u3000\t-", "S4302112640001238", "证书", "\xff\xfe"} {
		f.Add(s)
	}
	s := xiangpei.CertSeries{Kind: xiangpei.CertSpecial, Region: "430211", Year: 2026, Level: "special"}
	if n, err := s.Number(42); err == nil {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := xiangpei.ParseCertNumber(in)
		if err != nil {
			if n != (xiangpei.CertNumber{}) {
				t.Fatalf("%q: an error with a value %+v", in, n)
			}
			return
		}
		canon := n.String()
		if len(canon) != xiangpei.CertNumberLen || canon != xiangpei.NormaliseCertNumber(in) {
			t.Fatalf("%q parses to %+v, which formats as %q", in, n, canon)
		}
		again, err := xiangpei.ParseCertNumber(canon)
		if err != nil || again != n {
			t.Fatalf("%q: canonical %q parses to %+v, %v; want %+v", in, canon, again, err, n)
		}
	})
}
