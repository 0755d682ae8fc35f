package xiangpei

import (
	"errors"
	"testing"
	"time"
)

// idTestToday is the fixed "today" of the ID number tests.
var idTestToday = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

// idTestWithCheck appends the correct check digit to 17 digits.
func idTestWithCheck(t testing.TB, first17 string) string {
	t.Helper()
	c := IDCheckDigit(first17)
	if c == 0 {
		t.Fatalf("IDCheckDigit(%q) = 0", first17)
	}
	return first17 + string(c)
}

// idTestKey returns the Key of a domain error, failing the test for any other error.
func idTestKey(t testing.TB, err error) string {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not *Error", err, err)
	}
	if e.Kind != Invalid {
		t.Fatalf("error %v has kind %q, want %q", err, e.Kind, Invalid)
	}
	return e.Key
}

func TestIDCheckDigit(t *testing.T) {
	cases := map[string]byte{
		"11010519491231002": 'X',
		"44052418800101001": '4',
		"11010519491231003": '8',
		"12345":             0,
		"1101051949123100A": 0,
	}
	for in, want := range cases {
		if got := IDCheckDigit(in); got != want {
			t.Errorf("IDCheckDigit(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseIDNumberValid(t *testing.T) {
	cases := []struct {
		in, want string
		birth    time.Time
		sex      Sex
	}{
		{"11010519491231002X", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Female},
		{"440524188001010014", "440524188001010014", time.Date(1880, 1, 1, 0, 0, 0, 0, time.UTC), Male},
		{"11010519491231002x", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Female},
		{"  11010519491231002X\t", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Female},
		{"\u300011010519491231002X\u3000", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Female},
		// 15-digit legacy number: "19" inserted after the region, check digit computed.
		{"110105491231002", "11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Female},
		{"430202850613123", "430202198506131236", time.Date(1985, 6, 13, 0, 0, 0, 0, time.UTC), Male},
	}
	for _, c := range cases {
		id, err := ParseIDNumber(c.in, idTestToday)
		if err != nil {
			t.Errorf("ParseIDNumber(%q): %v", c.in, err)
			continue
		}
		if string(id) != c.want {
			t.Errorf("ParseIDNumber(%q) = %q, want %q", c.in, id, c.want)
		}
		if !id.Birth().Equal(c.birth) || id.Birth().Location() != time.UTC {
			t.Errorf("%q.Birth() = %v, want %v", id, id.Birth(), c.birth)
		}
		if id.Sex() != c.sex {
			t.Errorf("%q.Sex() = %q, want %q", id, id.Sex(), c.sex)
		}
		if id.County() != c.want[:6] {
			t.Errorf("%q.County() = %q", id, id.County())
		}
		// Round trip: the normalised form parses to itself.
		again, err := ParseIDNumber(string(id), idTestToday)
		if err != nil || again != id {
			t.Errorf("re-parse of %q = %q, %v", id, again, err)
		}
	}
}

func TestParseIDNumberInvalid(t *testing.T) {
	cases := []struct {
		name, in, key string
		args          []any
	}{
		{"empty", "", "id.empty", nil},
		{"blank", "   ", "id.empty", nil},
		{"16 chars", "1101051949123100", "id.length", []any{16}},
		{"17 chars", "11010519491231002", "id.length", []any{17}},
		{"19 chars", "11010519491231002X1", "id.length", []any{19}},
		{"inner space", "110105 19491231002X", "id.length", []any{19}},
		{"letter inside", "1101051949A231002X", "id.chars", nil},
		{"letter at end", "11010519491231002A", "id.chars", nil},
		{"X not last", "X1010519491231002X", "id.chars", nil},
		{"X in 15-digit", "11010549123100X", "id.chars", nil},
		{"full-width digits", "１１０１０５１９４９１２３１００２Ｘ", "id.chars", nil},
		{"region 00", "00010519491231002X", "id.region", []any{"00"}},
		{"region 99", "990105199001010010", "id.region", []any{"99"}},
		{"region 16", "160105199001010010", "id.region", []any{"16"}},
		{"region 15-digit", "990105491231002", "id.region", []any{"99"}},
		{"month 13", "110105194913310020", "id.birth_date", []any{"1949-13-31"}},
		{"day 00", "110105194912000020", "id.birth_date", []any{"1949-12-00"}},
		{"April 31", "110105199004310020", "id.birth_date", []any{"1990-04-31"}},
		{"before 1800", "110105179912310020", "id.birth_date", []any{"1799-12-31"}},
		{"15-digit Feb 30", "110105490230002", "id.birth_date", []any{"1949-02-30"}},
		{"check digit", "110105194912310025", "id.check_digit", []any{"X", "5"}},
		{"check digit X", "44052418800101001X", "id.check_digit", []any{"4", "X"}},
		{"check digit x", "44052418800101001x", "id.check_digit", []any{"4", "X"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, err := ParseIDNumber(c.in, idTestToday)
			if err == nil {
				t.Fatalf("ParseIDNumber(%q) = %q, want error %s", c.in, id, c.key)
			}
			if id != "" {
				t.Errorf("ParseIDNumber(%q) returned %q with an error", c.in, id)
			}
			if key := idTestKey(t, err); key != c.key {
				t.Fatalf("ParseIDNumber(%q) key = %q (%v), want %q", c.in, key, err, c.key)
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
	_, err := ParseIDNumber("110105194912310025", idTestToday)
	if got, want := err.Error(), "The ID number's check digit is wrong: expected X, got 5."; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

func TestParseIDNumberLeapDay(t *testing.T) {
	cases := []struct {
		date string
		ok   bool
	}{
		{"20000229", true},  // divisible by 400
		{"20040229", true},  // divisible by 4
		{"19000229", false}, // divisible by 100, not a leap year
		{"20010229", false},
		{"19990229", false},
		{"20000230", false},
	}
	for _, c := range cases {
		in := idTestWithCheck(t, "110105"+c.date+"002")
		id, err := ParseIDNumber(in, idTestToday)
		if c.ok {
			if err != nil {
				t.Errorf("ParseIDNumber(%q): %v", in, err)
			} else if b := id.Birth(); b.Month() != time.February || b.Day() != 29 {
				t.Errorf("%q.Birth() = %v", id, b)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseIDNumber(%q) accepted an impossible date", in)
		} else if key := idTestKey(t, err); key != "id.birth_date" {
			t.Errorf("ParseIDNumber(%q) key = %q, want id.birth_date", in, key)
		}
	}
	// A 15-digit number born on 29 February of a non-leap year.
	if _, err := ParseIDNumber("110105010229002", idTestToday); err == nil || idTestKey(t, err) != "id.birth_date" {
		t.Errorf("15-digit 1901-02-29: err = %v, want id.birth_date", err)
	}
}

func TestParseIDNumberFuture(t *testing.T) {
	tomorrow := idTestWithCheck(t, "11010520250616001")
	todayID := idTestWithCheck(t, "11010520250615001")
	nextYear := idTestWithCheck(t, "11010520260101001")
	for _, in := range []string{tomorrow, nextYear} {
		_, err := ParseIDNumber(in, idTestToday)
		if err == nil || idTestKey(t, err) != "id.birth_future" {
			t.Errorf("ParseIDNumber(%q) err = %v, want id.birth_future", in, err)
		}
	}
	if _, err := ParseIDNumber(todayID, idTestToday); err != nil {
		t.Errorf("born today: %v", err)
	}
	// "today" is taken as a calendar date in its own location: just after midnight in
	// Beijing on 16 June is still 15 June in UTC, but the person born on 16 June exists.
	beijing := time.FixedZone("CST", 8*3600)
	if _, err := ParseIDNumber(tomorrow, time.Date(2025, 6, 16, 0, 30, 0, 0, beijing)); err != nil {
		t.Errorf("born today in Beijing: %v", err)
	}
}

func TestIDNumberMethods(t *testing.T) {
	id := IDNumber("11010519491231002X")
	if got, want := id.Masked(), "110105********002X"; got != want {
		t.Errorf("Masked() = %q, want %q", got, want)
	}
	if got, want := IDNumber("430202198506131236").Masked(), "430202********1236"; got != want {
		t.Errorf("Masked() = %q, want %q", got, want)
	}
	if got := IDNumber("").Masked(); got != "" {
		t.Errorf("empty Masked() = %q", got)
	}
	if got := IDNumber("12345").Masked(); got != "*****" {
		t.Errorf("malformed Masked() = %q", got)
	}
	if got := id.County(); got != "110105" {
		t.Errorf("County() = %q", got)
	}
	ages := []struct {
		id  IDNumber
		on  time.Time
		age int
	}{
		{id, time.Date(2024, 12, 30, 23, 0, 0, 0, time.UTC), 74},
		{id, time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), 75},
		{id, time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 0},
		{id, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"440524188001010014", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 145},
		{IDNumber(idTestWithCheck(t, "11010520000229002")), time.Date(2001, 2, 28, 0, 0, 0, 0, time.UTC), 0},
		{IDNumber(idTestWithCheck(t, "11010520000229002")), time.Date(2001, 3, 1, 0, 0, 0, 0, time.UTC), 1},
		{IDNumber(idTestWithCheck(t, "11010520000229002")), time.Date(2004, 2, 29, 0, 0, 0, 0, time.UTC), 4},
		{"", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 0},
	}
	for _, a := range ages {
		if got := a.id.AgeOn(a.on); got != a.age {
			t.Errorf("%q.AgeOn(%v) = %d, want %d", a.id, a.on, got, a.age)
		}
	}
	if !IDNumber("bad").Birth().IsZero() {
		t.Errorf("malformed Birth() is not zero")
	}
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "440524188001010014", "11010519491231002x", "110105491231002",
		"430202850613123", "", " ", "110105194912310025", "00010519491231002X",
		"11010520000229002X", "110105190002290020", "11010520250616001X", "1101051949123100",
		"１１０１０５１９４９１２３１００２Ｘ", "X1010519491231002X", "\u3000110105491231002\u3000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIDNumber(s, idTestToday)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind != Invalid {
				t.Fatalf("ParseIDNumber(%q) error %v is not an Invalid *Error", s, err)
			}
			if _, ok := DomainMessages["en"][e.Key]; !ok {
				t.Fatalf("key %q not in the catalogue", e.Key)
			}
			if id != "" {
				t.Fatalf("ParseIDNumber(%q) = %q with an error", s, id)
			}
			return
		}
		if len(id) != 18 {
			t.Fatalf("ParseIDNumber(%q) = %q, not 18 chars", s, id)
		}
		if c := IDCheckDigit(string(id[:17])); c != id[17] {
			t.Fatalf("%q: check digit %q, want %q", id, id[17], c)
		}
		again, err := ParseIDNumber(string(id), idTestToday)
		if err != nil || again != id {
			t.Fatalf("re-parse of %q = %q, %v", id, again, err)
		}
		b := id.Birth()
		if b.IsZero() || b.After(idTestToday) || b.Year() < 1800 {
			t.Fatalf("%q.Birth() = %v", id, b)
		}
		if sx := id.Sex(); sx != Male && sx != Female {
			t.Fatalf("%q.Sex() = %q", id, sx)
		}
		if m := id.Masked(); len(m) != 18 || m[:6] != id.County() || m[14:] != string(id[14:]) {
			t.Fatalf("%q.Masked() = %q", id, m)
		}
		if id.AgeOn(idTestToday) < 0 {
			t.Fatalf("negative age")
		}
	})
}
