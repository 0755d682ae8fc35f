package xiangpei

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// 培 — the attendance anomalies of a class (SPEC §4.4 and §9, attendance checks): pure rules over
// the events of the class, its sessions and their venues, and the same trainees' events in other
// classes around it. Each anomaly has a code, a severity and a plain reason (a catalogue key with
// its values, and an English text). An anomaly is a reason for an officer to look, not a refusal:
// the events stay recorded.

// Anomaly codes.
const (
	AnomalyOutsideWindow    = "outside_window"    // checked in or out well outside the session's window
	AnomalyOutsideGeofence  = "outside_geofence"  // the reported place is farther than the geofence from the venue
	AnomalySharedDevice     = "shared_device"     // one personal device checked in several different people
	AnomalyCopiedTimes      = "copied_times"      // the very same check-in second for several trainees
	AnomalyImpossibleTravel = "impossible_travel" // at two places too far apart for the time between them
)

// AnomalyCodes lists the codes in the order the rules run.
var AnomalyCodes = []string{AnomalyOutsideWindow, AnomalyOutsideGeofence, AnomalySharedDevice, AnomalyCopiedTimes, AnomalyImpossibleTravel}

// Severities of a check (SPEC §9).
const (
	SeverityFlag = "flag" // needs a human look
	SeverityFail = "fail" // cannot be right as recorded
)

// WindowGrace is how far before a session's start and after its end an event still counts as
// inside its window: arriving a little early or leaving a little late is normal (hours are
// clipped to the window anyway).
const WindowGrace = 30 * time.Minute

// Anomaly is one thing the attendance rules see in a class's events.
type Anomaly struct {
	Code         string
	Severity     string
	ClassID      int64
	SessionID    int64     // the session of the first event concerned
	PersonIDs    []int64   // the trainees concerned, sorted
	EventIDs     []int64   // the events concerned
	At           time.Time // the first event concerned
	Device       string    // shared device: its fingerprint
	Metres       int       // geofence: distance from the venue; travel: distance between the places
	Minutes      int       // travel: minutes between the two events
	KmPerHour    int       // travel: the speed it would take (-1: no time at all)
	OtherClassID int64     // travel: the class of the other event, when it is another class
	Key          string    // catalogue key of the reason
	Args         []any     // values of the reason
	Text         string    // the reason in English
}

// AttendanceFacts is what the rules look at.
type AttendanceFacts struct {
	ClassID  int64
	Sessions map[int64]Session // every session the events name, of this class and of others
	Venues   map[int64]Venue   // the venues of those sessions
	Events   []Event           // the class's events
	Others   []Event           // the class's trainees' events in other classes, around its sessions
}

// FindAnomalies applies every attendance rule and returns what they see, ordered by time.
func FindAnomalies(f AttendanceFacts, r Rules) []Anomaly {
	var out []Anomaly
	out = append(out, outsideWindow(f)...)
	out = append(out, outsideGeofence(f, r)...)
	out = append(out, sharedDevices(f, r)...)
	out = append(out, copiedTimes(f, r)...)
	out = append(out, impossibleTravel(f, r)...)
	for i := range out {
		out[i].ClassID = f.ClassID
		slices.Sort(out[i].PersonIDs)
		out[i].PersonIDs = slices.Compact(out[i].PersonIDs)
	}
	slices.SortStableFunc(out, func(a, b Anomaly) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := cmp.Compare(slices.Index(AnomalyCodes, a.Code), slices.Index(AnomalyCodes, b.Code)); c != 0 {
			return c
		}
		return cmp.Compare(a.SessionID, b.SessionID)
	})
	return out
}

func newAnomaly(code, severity, key, text string, args ...any) Anomaly {
	return Anomaly{Code: code, Severity: severity, Key: key, Args: args, Text: fmt.Sprintf(text, args...)}
}

// clockText shows an instant in China time for a reason.
func clockText(t time.Time) string { return t.In(ChinaTime).Format("2006-01-02 15:04:05") }

// outsideWindow: an event more than WindowGrace before its session starts or after it ends.
func outsideWindow(f AttendanceFacts) []Anomaly {
	var out []Anomaly
	for _, e := range f.Events {
		s, ok := f.Sessions[e.SessionID]
		if !ok || (!e.At.Before(s.Starts.Add(-WindowGrace)) && !e.At.After(s.Ends.Add(WindowGrace))) {
			continue
		}
		key, text := "anomaly.outside_window_in", "Checked in at %v, outside session %v (%v to %v)."
		if e.Kind == CheckOut {
			key, text = "anomaly.outside_window_out", "Checked out at %v, outside session %v (%v to %v)."
		}
		a := newAnomaly(AnomalyOutsideWindow, SeverityFlag, key, text, clockText(e.At), s.Seq,
			s.Starts.In(ChinaTime).Format("2006-01-02 15:04"), s.Ends.In(ChinaTime).Format("15:04"))
		a.SessionID, a.PersonIDs, a.EventIDs, a.At = e.SessionID, []int64{e.PersonID}, []int64{e.ID}, e.At
		out = append(out, a)
	}
	return out
}

// DistanceMetres is the great-circle distance between two points (haversine formula).
func DistanceMetres(lat1, lng1, lat2, lng2 float64) float64 {
	const earth = 6371008.8 // mean radius, metres
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earth * math.Asin(math.Min(1, math.Sqrt(h)))
}

// outsideGeofence: an event that reported its place farther than Rules.GeofenceMetres from the
// venue of its session.
func outsideGeofence(f AttendanceFacts, r Rules) []Anomaly {
	var out []Anomaly
	for _, e := range f.Events {
		if !e.HasPlace {
			continue
		}
		s, ok := f.Sessions[e.SessionID]
		if !ok {
			continue
		}
		v, ok := f.Venues[s.VenueID]
		if !ok {
			continue
		}
		d := DistanceMetres(e.Lat, e.Lng, v.Lat, v.Lng)
		if d <= float64(r.GeofenceMetres) {
			continue
		}
		a := newAnomaly(AnomalyOutsideGeofence, SeverityFlag, "anomaly.outside_geofence",
			"At %v the check-in was %v metres from the venue %v (at most %v metres allowed).",
			clockText(e.At), int(math.Round(d)), v.Name, r.GeofenceMetres)
		a.SessionID, a.PersonIDs, a.EventIDs, a.At, a.Metres = e.SessionID, []int64{e.PersonID}, []int64{e.ID}, e.At, int(math.Round(d))
		out = append(out, a)
	}
	return out
}

// sharedDevices: one personal device (a phone: not a registered venue terminal) that checked
// in or out more than Rules.DeviceShareLimit different people in the class. A terminal checks
// in a queue of people one after another, and that is normal.
func sharedDevices(f AttendanceFacts, r Rules) []Anomaly {
	type use struct {
		persons []int64
		events  []Event
	}
	byDevice := map[string]*use{}
	for _, e := range f.Events {
		if e.Terminal || e.Device == "" {
			continue
		}
		u := byDevice[e.Device]
		if u == nil {
			u = &use{}
			byDevice[e.Device] = u
		}
		if !slices.Contains(u.persons, e.PersonID) {
			u.persons = append(u.persons, e.PersonID)
		}
		u.events = append(u.events, e)
	}
	var out []Anomaly
	for device, u := range byDevice {
		if len(u.persons) <= r.DeviceShareLimit {
			continue
		}
		sortEvents(u.events)
		first := u.events[0]
		a := newAnomaly(AnomalySharedDevice, SeverityFlag, "anomaly.shared_device",
			"One personal device (%v) checked in %v different trainees, first at %v (at most %v allowed); a venue's registered terminal would be normal.",
			shortDevice(device), len(u.persons), clockText(first.At), r.DeviceShareLimit)
		a.SessionID, a.PersonIDs, a.At, a.Device = first.SessionID, slices.Clone(u.persons), first.At, device
		for _, e := range u.events {
			a.EventIDs = append(a.EventIDs, e.ID)
		}
		out = append(out, a)
	}
	return out
}

// shortDevice is the first characters of a device fingerprint, enough to tell devices apart.
func shortDevice(d string) string {
	if len(d) > 12 {
		return d[:12]
	}
	return d
}

// copiedTimes: at least Rules.CopiedTimeMinPeople trainees checked in to one session at the very
// same second — times copied rather than recorded.
func copiedTimes(f AttendanceFacts, r Rules) []Anomaly {
	type key struct {
		session int64
		second  int64
	}
	groups := map[key][]Event{}
	for _, e := range f.Events {
		if e.Kind != CheckIn {
			continue
		}
		k := key{e.SessionID, e.At.Unix()}
		groups[k] = append(groups[k], e)
	}
	var out []Anomaly
	for k, evs := range groups {
		var persons []int64
		for _, e := range evs {
			if !slices.Contains(persons, e.PersonID) {
				persons = append(persons, e.PersonID)
			}
		}
		if len(persons) < max(r.CopiedTimeMinPeople, 2) {
			continue
		}
		seq := 0
		if s, ok := f.Sessions[k.session]; ok {
			seq = s.Seq
		}
		at := time.Unix(k.second, 0).UTC()
		a := newAnomaly(AnomalyCopiedTimes, SeverityFlag, "anomaly.copied_times",
			"%v trainees checked in to session %v at the very same second, %v (from %v trainees on it looks copied).",
			len(persons), seq, clockText(at), r.CopiedTimeMinPeople)
		a.SessionID, a.PersonIDs, a.At = k.session, persons, evs[0].At
		for _, e := range evs {
			a.EventIDs = append(a.EventIDs, e.ID)
			if e.At.Before(a.At) {
				a.At = e.At
			}
		}
		out = append(out, a)
	}
	return out
}

// place is where an event happened: its reported coordinates, or else its session's venue.
func place(f AttendanceFacts, e Event) (lat, lng float64, ok bool) {
	if e.HasPlace {
		return e.Lat, e.Lng, true
	}
	s, ok := f.Sessions[e.SessionID]
	if !ok {
		return 0, 0, false
	}
	v, ok := f.Venues[s.VenueID]
	if !ok {
		return 0, 0, false
	}
	return v.Lat, v.Lng, true
}

// impossibleTravel: a trainee's consecutive events (in this class and in their other classes)
// at two places farther apart than the geofence, closer in time than Rules.TravelKmPerHour
// allows. At least one of the two events is this class's.
func impossibleTravel(f AttendanceFacts, r Rules) []Anomaly {
	byPerson := map[int64][]Event{}
	for _, e := range f.Events {
		byPerson[e.PersonID] = append(byPerson[e.PersonID], e)
	}
	for _, e := range f.Others {
		if _, ok := byPerson[e.PersonID]; ok {
			byPerson[e.PersonID] = append(byPerson[e.PersonID], e)
		}
	}
	var out []Anomaly
	for _, evs := range byPerson {
		sortEvents(evs)
		for i := 1; i < len(evs); i++ {
			a, b := evs[i-1], evs[i]
			if a.ClassID != f.ClassID && b.ClassID != f.ClassID {
				continue
			}
			lat1, lng1, ok1 := place(f, a)
			lat2, lng2, ok2 := place(f, b)
			if !ok1 || !ok2 {
				continue
			}
			d := DistanceMetres(lat1, lng1, lat2, lng2)
			if d <= float64(r.GeofenceMetres) {
				continue
			}
			dt := b.At.Sub(a.At)
			speed := -1
			if dt > 0 {
				kmh := d / 1000 / dt.Hours()
				if kmh <= float64(r.TravelKmPerHour) {
					continue
				}
				speed = int(math.Min(kmh, 1e6))
			}
			other, mine := b, a
			if a.ClassID != f.ClassID {
				other, mine = a, b
			}
			km := math.Round(d/100) / 10
			x := newAnomaly(AnomalyImpossibleTravel, SeverityFail, "anomaly.impossible_travel",
				"At %v and %v the same trainee was at two places %v km apart, %v minutes apart (more than %v km/h is impossible).",
				clockText(a.At), clockText(b.At), km, int(dt/time.Minute), r.TravelKmPerHour)
			x.SessionID, x.PersonIDs, x.EventIDs, x.At = mine.SessionID, []int64{a.PersonID}, []int64{a.ID, b.ID}, a.At
			x.Metres, x.Minutes, x.KmPerHour = int(math.Round(d)), int(dt/time.Minute), speed
			if other.ClassID != f.ClassID {
				x.OtherClassID = other.ClassID
			}
			out = append(out, x)
		}
	}
	return out
}
