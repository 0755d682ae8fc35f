package gen

import (
	"reflect"
	"testing"

	"xiangpei"
)

func TestCityYearReproducible(t *testing.T) {
	a := NewCityYear(3, CityScale{Lines: 400, PerClass: 10}, 2026)
	b := NewCityYear(3, CityScale{Lines: 400, PerClass: 10}, 2026)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed and scale gave different city-years")
	}
	if c := NewCityYear(4, CityScale{Lines: 400, PerClass: 10}, 2026); reflect.DeepEqual(a.Persons, c.Persons) {
		t.Fatal("another seed gave the same persons")
	}
	if n := a.Lines(); n < 400 || n > 420 {
		t.Fatalf("%d lines for a scale of 400", n)
	}
	// every planted code is counted once per planted line, and only plantable codes are planted
	perCode := map[string]int{}
	for _, codes := range a.PlantedLines {
		for _, c := range codes {
			perCode[c]++
		}
	}
	if !reflect.DeepEqual(perCode, a.Planted) || len(a.Planted) != len(Plantable) {
		t.Fatalf("planted %v, lines say %v", a.Planted, perCode)
	}
	// ID numbers are valid except the one planted with a wrong check digit
	bad := 0
	for _, p := range a.Persons {
		if !xiangpei.IDDigitOK(xiangpei.IDNumber(p.IDNumber)) {
			bad++
		}
	}
	if bad != a.Planted[xiangpei.CheckIDDigit] {
		t.Fatalf("%d invalid ID numbers, %d planted", bad, a.Planted[xiangpei.CheckIDDigit])
	}
	// about 12 events a line (6 sessions, in and out)
	if r := float64(len(a.Events)) / float64(a.Lines()); r < 11 || r > 12.5 {
		t.Fatalf("%.1f events a line", r)
	}
}
