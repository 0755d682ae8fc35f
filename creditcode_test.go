package xiangpei

import (
	"errors"
	"strings"
	"testing"
)

func TestCreditCheckChar(t *testing.T) {
	cases := map[string]byte{
		"91310110666007217": 'T',
		"9131011066600721":  0,
		"9131011066600721I": 0,
		"9131011066600721t": 0,
	}
	for in, want := range cases {
		if got := CreditCheckChar(in); got != want {
			t.Errorf("CreditCheckChar(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseCreditCodeValid(t *testing.T) {
	cases := []struct {
		in, want string
		checkOK  bool
	}{
		{"91310110666007217T", "91310110666007217T", true},
		{"91310110666007217t", "91310110666007217T", true},
		{"  91310110666007217T \n", "91310110666007217T", true},
		{"91310110666007217a", "91310110666007217A", false},
		{"91310110666007217A", "91310110666007217A", false},
		{"913101106660072170", "913101106660072170", false},
		{"91310110666007218T", "91310110666007218T", false},
		// The organisation-code part (positions 9–17) has its own check digit, which is
		// not enforced: only the final character is checked.
		{"9131011066600721" + "0" + string(CreditCheckChar("91310110666007210")), "91310110666007210" + string(CreditCheckChar("91310110666007210")), true},
	}
	for _, c := range cases {
		code, ok, err := ParseCreditCode(c.in)
		if err != nil {
			t.Errorf("ParseCreditCode(%q): %v", c.in, err)
			continue
		}
		if string(code) != c.want || ok != c.checkOK {
			t.Errorf("ParseCreditCode(%q) = %q, %v; want %q, %v", c.in, code, ok, c.want, c.checkOK)
		}
	}
}

func TestParseCreditCodeInvalid(t *testing.T) {
	cases := []struct {
		name, in, key string
		args          []any
	}{
		{"empty", "", "credit.empty", nil},
		{"blank", " \t ", "credit.empty", nil},
		{"17 chars", "91310110666007217", "credit.length", []any{17}},
		{"19 chars", "91310110666007217TT", "credit.length", []any{19}},
		{"letter I", "9131011066600721IT", "credit.chars", []any{"I"}},
		{"letter O", "913101106660072O7T", "credit.chars", []any{"O"}},
		{"letter Z", "Z1310110666007217T", "credit.chars", []any{"Z"}},
		{"letter S", "91310110666007217S", "credit.chars", []any{"S"}},
		{"letter V", "9131011066600V217T", "credit.chars", []any{"V"}},
		{"lower-case i", "9131011066600721iT", "credit.chars", []any{"I"}},
		{"dotless i", "9131011066600721ıT", "credit.chars", []any{"ı"}},
		{"punctuation", "91310110-66600721T", "credit.chars", []any{"-"}},
		{"full-width", "９１３１０１１０６６６００７２１７Ｔ", "credit.chars", []any{"９"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, ok, err := ParseCreditCode(c.in)
			if err == nil {
				t.Fatalf("ParseCreditCode(%q) = %q, %v; want error %s", c.in, code, ok, c.key)
			}
			if code != "" || ok {
				t.Errorf("ParseCreditCode(%q) returned %q, %v with an error", c.in, code, ok)
			}
			if key := idTestKey(t, err); key != c.key {
				t.Fatalf("ParseCreditCode(%q) key = %q (%v), want %q", c.in, key, err, c.key)
			}
			var e *Error
			errors.As(err, &e)
			if len(e.Args) != len(c.args) {
				t.Fatalf("args = %#v, want %#v", e.Args, c.args)
			}
			for i := range c.args {
				if e.Args[i] != c.args[i] {
					t.Errorf("args[%d] = %#v, want %#v", i, e.Args[i], c.args[i])
				}
			}
		})
	}
}

func FuzzParseCreditCode(f *testing.F) {
	for _, s := range []string{
		"91310110666007217T", "91310110666007217t", "91310110666007217A", "", "  ",
		"9131011066600721IT", "91310110666007217", "９１３１０１１０６６６００７２１７Ｔ",
		"9131011066600721ıT", "9131011066600721ſT", "000000000000000000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok, err := ParseCreditCode(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind != Invalid {
				t.Fatalf("ParseCreditCode(%q) error %v is not an Invalid *Error", s, err)
			}
			if _, found := DomainMessages["en"][e.Key]; !found {
				t.Fatalf("key %q not in the catalogue", e.Key)
			}
			if code != "" || ok {
				t.Fatalf("ParseCreditCode(%q) = %q, %v with an error", s, code, ok)
			}
			return
		}
		if len(code) != 18 {
			t.Fatalf("ParseCreditCode(%q) = %q, not 18 chars", s, code)
		}
		for i := 0; i < len(code); i++ {
			if strings.IndexByte(creditCharset, code[i]) < 0 {
				t.Fatalf("%q contains %q outside the charset", code, code[i])
			}
		}
		if want := CreditCheckChar(string(code[:17])) == code[17]; want != ok {
			t.Fatalf("%q: checkOK = %v, recomputed %v", code, ok, want)
		}
		again, ok2, err := ParseCreditCode(string(code))
		if err != nil || again != code || ok2 != ok {
			t.Fatalf("re-parse of %q = %q, %v, %v", code, again, ok2, err)
		}
	})
}
