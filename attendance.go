package xiangpei

import (
	"slices"
	"strings"
	"time"
)

// 培 — attendance (考勤, SPEC §4.4): check-in and check-out events from terminals, dynamic QR
// codes and imported files, all judged by the same rules.

// Event kinds.
const (
	CheckIn  = "in"
	CheckOut = "out"
)

// Event sources.
const (
	FromTerminal  = "terminal"  // a registered face terminal pushed it, signed
	FromQR        = "qr"        // a signed-in trainee scanned the session's dynamic QR code
	FromImport    = "import"    // a terminal's export file, imported by the institution
	FromAmendment = "amendment" // a late correction, with a reason, approved by an officer
)

// Event is one check-in or check-out of a trainee at a session.
type Event struct {
	ID        int64
	SessionID int64
	ClassID   int64
	PersonID  int64
	Kind      string // CheckIn or CheckOut
	At        time.Time
	Source    string
	Device    string // terminal id, or a fingerprint of the phone that scanned a QR code
	Terminal  bool   // the device is a registered venue terminal (a queue of check-ins is normal)
	Lat, Lng  float64
	HasPlace  bool   // Lat and Lng were reported
	Key       string // what makes the event unique: re-sending it is harmless
}

// SessionMinutes computes the minutes a trainee attended a session from their events: events
// are taken in time order, each check-in is paired with the next check-out (a second check-in
// before a check-out is ignored, as is a check-out with no check-in before it), and each pair
// is clipped to the session's window. It also returns the first check-in and the last
// check-out seen (zero when none).
func SessionMinutes(s Session, evs []Event) (minutes int, firstIn, lastOut time.Time) {
	sorted := make([]Event, len(evs))
	copy(sorted, evs)
	sortEvents(sorted)
	var open time.Time
	var total time.Duration
	for _, e := range sorted {
		switch e.Kind {
		case CheckIn:
			if firstIn.IsZero() {
				firstIn = e.At
			}
			if open.IsZero() {
				open = e.At
			}
		case CheckOut:
			lastOut = e.At
			if open.IsZero() {
				continue
			}
			from, to := open, e.At
			if from.Before(s.Starts) {
				from = s.Starts
			}
			if to.After(s.Ends) {
				to = s.Ends
			}
			if to.After(from) {
				total += to.Sub(from)
			}
			open = time.Time{}
		}
	}
	return int(total / time.Minute), firstIn, lastOut
}

// sortEvents orders events by time, a check-in before a check-out at the same instant.
func sortEvents(evs []Event) {
	slices.SortStableFunc(evs, func(a, b Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.Kind, b.Kind) // "in" < "out"
	})
}
