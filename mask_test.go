package xiangpei

import (
	"fmt"
	"strings"
	"testing"
)

func TestMaskPhone(t *testing.T) {
	cases := map[string]string{
		"13812345678":       "138****5678",
		"+86 138-1234-5678": "138****5678",
		"19912345678":       "199****5678",
		"010-12345678":      "**********78",
		"12345678901":       "*********01",
		"":                  "",
		"1":                 "*",
		"12":                "**",
		"123":               "*23",
		"电话号码":              "**号码",
	}
	for in, want := range cases {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMobile(t *testing.T) {
	valid := map[string]string{
		"13812345678":       "13812345678",
		" 138 1234 5678 ":   "13812345678",
		"138-1234-5678":     "13812345678",
		"+8613812345678":    "13812345678",
		"+86 138-1234-5678": "13812345678",
		"19912345678":       "19912345678",
	}
	for in, want := range valid {
		got, err := ParseMobile(in)
		if err != nil || got != want {
			t.Errorf("ParseMobile(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "1381234567", "138123456789", "12812345678", "10812345678", "23812345678",
		"1381234567a", "8613812345678", "+85213812345678", "+86", "１３８１２３４５６７８",
	} {
		got, err := ParseMobile(in)
		if err == nil {
			t.Errorf("ParseMobile(%q) = %q, want error", in, got)
			continue
		}
		if key := idTestKey(t, err); key != "phone.invalid" {
			t.Errorf("ParseMobile(%q) key = %q, want phone.invalid", in, key)
		}
	}
}

func TestMaskName(t *testing.T) {
	cases := map[string]string{
		"张三丰":      "张**",
		"张三":       "张*",
		"张":        "张",
		"":         "",
		"  李四 ":    "李*",
		"欧阳娜娜":     "欧***",
		"阿依古丽·买买提": "阿*******",
		"Li Wei":   "L*****",
	}
	for in, want := range cases {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDomainMessagesCoverAllKeys checks that every key the parsers produce has a Chinese and
// an English template, that the English template reproduces the error text, and that both
// templates take as many values as the error carries.
func TestDomainMessagesCoverAllKeys(t *testing.T) {
	var errs []error
	for _, s := range []string{"", "1234", "1101051949A231002X", "99010519491231002X",
		"110105194913310020", "110105202601010010", "110105194912310025"} {
		_, err := ParseIDNumber(s, idTestToday)
		errs = append(errs, err)
	}
	for _, s := range []string{"", "123", "9131011066600721IT"} {
		_, _, err := ParseCreditCode(s)
		errs = append(errs, err)
	}
	_, err := ParseMobile("123")
	errs = append(errs, err)

	want := []string{"id.empty", "id.length", "id.chars", "id.region", "id.birth_date",
		"id.birth_future", "id.check_digit", "credit.empty", "credit.length", "credit.chars",
		"phone.invalid"}
	seen := map[string]bool{}
	for _, err := range errs {
		if err == nil {
			t.Fatal("expected an error")
		}
		e := err.(*Error)
		seen[e.Key] = true
		for _, lang := range []string{"zh-CN", "en"} {
			tmpl, ok := DomainMessages[lang][e.Key]
			if !ok {
				t.Errorf("%s catalogue lacks %q", lang, e.Key)
				continue
			}
			if n := strings.Count(tmpl, "%v"); n != len(e.Args) {
				t.Errorf("%s %q has %d placeholders, error has %d args", lang, e.Key, n, len(e.Args))
			}
			if strings.Count(tmpl, "%") != strings.Count(tmpl, "%v") {
				t.Errorf("%s %q uses a verb other than %%v", lang, e.Key)
			}
		}
		if got := fmt.Sprintf(DomainMessages["en"][e.Key], e.Args...); got != e.Text {
			t.Errorf("en %q renders %q, error text is %q", e.Key, got, e.Text)
		}
	}
	for _, k := range want {
		if !seen[k] {
			t.Errorf("key %q was not produced by the test inputs", k)
		}
	}
}
