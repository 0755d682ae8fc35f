package xiangpei

import (
	"fmt"
	"time"
)

// Where gigs are and where a worker checks in (docs/gigs.md). The region reference data has no
// coordinates, so the centres of the counties of 株洲 and the seats of Hunan's prefectures are
// kept here: the gig market sorts by distance from a person's county centre when the person
// gives no position, and places a gig without coordinates at its county's centre.

// GigCheckInMetres is how far from the gig's place a worker may check in.
const GigCheckInMetres = 1000

// countyCentres: approximate centres (WGS-84) of 株洲's counties and of each prefecture seat,
// which stands for the prefecture's other counties.
var countyCentres = map[string][2]float64{
	"430202": {27.856, 113.173}, "430203": {27.785, 113.155}, "430204": {27.872, 113.118}, "430211": {27.827, 113.082},
	"430212": {27.699, 113.144}, "430223": {27.000, 113.345}, "430224": {26.777, 113.539}, "430225": {26.489, 113.772},
	"430281": {27.646, 113.497},
	"4301":   {28.228, 112.939}, "4302": {27.827, 113.134}, "4303": {27.830, 112.944}, "4304": {26.894, 112.572},
	"4305": {27.239, 111.468}, "4306": {29.357, 113.129}, "4307": {29.032, 111.699}, "4308": {29.117, 110.479},
	"4309": {28.554, 112.355}, "4310": {25.771, 113.015}, "4311": {26.420, 111.613}, "4312": {27.570, 109.998},
	"4313": {27.698, 111.994}, "4331": {28.312, 109.739},
}

// CountyCentre returns the approximate centre of a region code: the county's own, else its
// prefecture seat's; ok is false for a code outside Hunan.
func CountyCentre(code string) (lat, lng float64, ok bool) {
	if c, found := countyCentres[code]; found {
		return c[0], c[1], true
	}
	if len(code) >= 4 {
		if c, found := countyCentres[code[:4]]; found {
			return c[0], c[1], true
		}
	}
	return 0, 0, false
}

// HasPlace reports whether the gig has its own coordinates.
func (g Gig) HasPlace() bool { return g.Lat != 0 || g.Lng != 0 }

// Position is the gig's coordinates, or its county's centre when it has none; ok is false when
// neither is known.
func (g Gig) Position() (lat, lng float64, ok bool) {
	if g.HasPlace() {
		return g.Lat, g.Lng, true
	}
	return CountyCentre(g.County)
}

// CheckIn tells whether a worker may check in at now from a position: only on the day of work
// (China date) and, when the gig has its own coordinates, within GigCheckInMetres of them. It
// returns the distance in metres (0 when the gig has no coordinates).
func (g Gig) CheckIn(now time.Time, lat, lng float64, hasPos bool) (float64, error) {
	today, day := ChinaDate(now), ChinaDate(g.Date)
	switch {
	case today < day:
		return 0, Errorf(Conflict, "gig.checkin_early", "Check-in opens on the day of work, %s.", day)
	case today > day:
		return 0, Errorf(Conflict, "gig.checkin_late", "The day of work, %s, has passed: check-in is closed.", day)
	case !g.HasPlace():
		return 0, nil
	case !hasPos:
		return 0, Errorf(Invalid, "gig.checkin_place_missing", "Allow the phone to share its position to check in on site.")
	}
	m := DistanceMetres(g.Lat, g.Lng, lat, lng)
	if m > GigCheckInMetres {
		return m, Errorf(Conflict, "gig.checkin_far", "You are %s km from the place of work; check in within %d m of it.",
			fmt.Sprintf("%.1f", m/1000), GigCheckInMetres)
	}
	return m, nil
}
