package xiangpei

import (
	"testing"
	"time"
)

func TestCountyCentre(t *testing.T) {
	if lat, lng, ok := CountyCentre("430211"); !ok || lat < 27 || lat > 28 || lng < 113 || lng > 114 {
		t.Errorf("天元区: %v %v %v", lat, lng, ok)
	}
	if lat, _, ok := CountyCentre("430121"); !ok || lat != 28.228 {
		t.Errorf("a 长沙 county falls back to the seat: %v %v", lat, ok)
	}
	if _, _, ok := CountyCentre("110101"); ok {
		t.Error("Beijing has no centre here")
	}
	g := Gig{County: "430203"}
	if lat, _, ok := g.Position(); !ok || lat != 27.785 || g.HasPlace() {
		t.Errorf("a gig without coordinates sits at its county centre: %v %v", lat, ok)
	}
}

func TestGigCheckIn(t *testing.T) {
	g := testGig(t)
	g.Lat, g.Lng = 27.785, 113.155
	on := g.Date.Add(9 * time.Hour)
	if m, err := g.CheckIn(on, 27.7855, 113.1555, true); err != nil || m <= 0 || m > 100 {
		t.Errorf("on site: %v %v", m, err)
	}
	if _, err := g.CheckIn(on, 27.80, 113.155, true); !IsKind(err, Conflict) {
		t.Errorf("1.7 km away: %v", err)
	}
	if _, err := g.CheckIn(on, 0, 0, false); !IsKind(err, Invalid) {
		t.Errorf("no position: %v", err)
	}
	if _, err := g.CheckIn(on.AddDate(0, 0, -1), 27.785, 113.155, true); !IsKind(err, Conflict) {
		t.Errorf("the day before: %v", err)
	}
	if _, err := g.CheckIn(on.AddDate(0, 0, 1), 27.785, 113.155, true); !IsKind(err, Conflict) {
		t.Errorf("the day after: %v", err)
	}
	g.Lat, g.Lng = 0, 0
	if m, err := g.CheckIn(on, 0, 0, false); err != nil || m != 0 {
		t.Errorf("a gig without coordinates checks the day only: %v %v", m, err)
	}
}
