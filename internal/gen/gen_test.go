package gen

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"xiangpei"
)

// TestWorldIsReproducible: the same seed and scale give the same world and the same events;
// ID numbers are valid and unique; every session of a class is on a weekday, within the class's
// ten days; the events are in time order and near their sessions; the CSV has a row per event.
func TestWorldIsReproducible(t *testing.T) {
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	sc := Scale{Classes: 12, Trainees: 9, Sessions: 5}
	a, b := New(5, sc, start), New(5, sc, start)
	ra, rb := a.Rows(), b.Rows()
	if !slices.EqualFunc(a.Persons, b.Persons, func(x, y Person) bool { return x == y }) || !slices.Equal(ra, rb) {
		t.Fatal("the same seed gave another world")
	}
	if c := New(6, sc, start); c.Persons[0] == a.Persons[0] {
		t.Error("another seed gave the same first person")
	}
	seen := map[string]bool{}
	for _, p := range a.Persons {
		if _, err := xiangpei.ParseIDNumber(p.IDNumber, start); err != nil || seen[p.IDNumber] {
			t.Fatalf("ID number %s…: %v, seen %v", p.IDNumber[:6], err, seen[p.IDNumber])
		}
		seen[p.IDNumber] = true
	}
	if len(a.Persons) != sc.Classes*sc.Trainees || len(a.Classes) != sc.Classes {
		t.Fatalf("%d persons, %d classes", len(a.Persons), len(a.Classes))
	}
	for _, c := range a.Classes {
		for _, x := range c.Sessions {
			if wd := x.Starts.In(china).Weekday(); wd == time.Saturday || wd == time.Sunday || x.Ends.Sub(x.Starts) != 3*time.Hour {
				t.Fatalf("session on %v lasting %v", wd, x.Ends.Sub(x.Starts))
			}
		}
	}
	if !slices.IsSortedFunc(ra, func(x, y Row) int { return x.At.Compare(y.At) }) {
		t.Fatal("rows not in time order")
	}
	pairs := sc.Classes * sc.Trainees * sc.Sessions
	if n := len(ra); n < pairs || n > 2*pairs+pairs/10 {
		t.Fatalf("%d events for %d pairs", n, pairs)
	}
	for _, r := range ra {
		x := a.Classes[r.Class].Sessions[r.Seq-1]
		if r.At.Before(x.Starts.Add(-time.Hour)) || r.At.After(x.Ends.Add(time.Hour)) {
			t.Fatalf("event %v far from its session %v–%v", r.At, x.Starts, x.Ends)
		}
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, ra, true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != len(ra)+1 || lines[0] != "身份证号,姓名,打卡时间,类型,设备号,节次" {
		t.Fatalf("%d lines, header %q", len(lines), lines[0])
	}
	if s := ForEvents(1_000_000); s.Trainees != 40 || s.Sessions != 6 || s.Classes < 2000 {
		t.Fatalf("scale for a million events: %+v", s)
	}
}
