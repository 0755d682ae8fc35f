package xiangpei

import (
	"math"
	"slices"
	"testing"
	"time"
)

// metresNorth is the latitude difference of d metres along a meridian.
func metresNorth(d float64) float64 { return d / (6371008.8 * math.Pi / 180) }

// anomalyWorld: class 1 with sessions 11 and 12 (09:00–12:00 on 20 and 23 November) at venue 1;
// class 2 with session 21 (20 November 09:00–12:00) at venue 2, 50 km north.
func anomalyWorld() AttendanceFacts {
	day := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, ChinaTime) }
	v1 := Venue{ID: 1, Name: "实训楼", Lat: 27.83, Lng: 113.15}
	v2 := Venue{ID: 2, Name: "远郊实训基地", Lat: 27.83 + metresNorth(50000), Lng: 113.15}
	return AttendanceFacts{ClassID: 1,
		Sessions: map[int64]Session{
			11: {ID: 11, ClassID: 1, Seq: 1, Starts: day(20, 9, 0), Ends: day(20, 12, 0), VenueID: 1},
			12: {ID: 12, ClassID: 1, Seq: 2, Starts: day(23, 9, 0), Ends: day(23, 12, 0), VenueID: 1},
			21: {ID: 21, ClassID: 2, Seq: 1, Starts: day(20, 9, 0), Ends: day(20, 12, 0), VenueID: 2},
		},
		Venues: map[int64]Venue{1: v1, 2: v2}}
}

var evSeq int64

// ev is an event of class 1 (or of the session's class) with a fresh id.
func ev(f AttendanceFacts, session, person int64, kind string, at time.Time) Event {
	evSeq++
	return Event{ID: evSeq, SessionID: session, ClassID: f.Sessions[session].ClassID, PersonID: person, Kind: kind, At: at, Source: FromImport}
}

func codes(as []Anomaly) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Code)
	}
	return out
}

func only(t *testing.T, name string, got []Anomaly, want string, n int) []Anomaly {
	t.Helper()
	var hit []Anomaly
	for _, a := range got {
		if a.Code == want {
			hit = append(hit, a)
		}
	}
	if len(hit) != n {
		t.Errorf("%s: %d %s anomalies, want %d (all: %v)", name, len(hit), want, n, codes(got))
	}
	return hit
}

func TestAnomalyOutsideWindow(t *testing.T) {
	f := anomalyWorld()
	s := f.Sessions[11]
	for _, c := range []struct {
		name string
		kind string
		at   time.Time
		n    int
	}{
		{"on time", CheckIn, s.Starts.Add(2 * time.Minute), 0},
		{"early, within grace", CheckIn, s.Starts.Add(-WindowGrace), 0},
		{"a second too early", CheckIn, s.Starts.Add(-WindowGrace - time.Second), 1},
		{"the evening before", CheckIn, s.Starts.Add(-14 * time.Hour), 1},
		{"leaving late, within grace", CheckOut, s.Ends.Add(WindowGrace), 0},
		{"a second too late", CheckOut, s.Ends.Add(WindowGrace + time.Second), 1},
		{"checking in after the end", CheckIn, s.Ends.Add(time.Hour), 1},
	} {
		g := f
		g.Events = []Event{ev(f, 11, 7, c.kind, c.at)}
		hit := only(t, c.name, FindAnomalies(g, DefaultRules()), AnomalyOutsideWindow, c.n)
		if len(hit) == 1 {
			a := hit[0]
			if a.Severity != SeverityFlag || a.SessionID != 11 || !slices.Equal(a.PersonIDs, []int64{7}) || a.Text == "" || a.ClassID != 1 {
				t.Errorf("%s: %+v", c.name, a)
			}
			if c.kind == CheckOut && a.Key != "anomaly.outside_window_out" {
				t.Errorf("%s: key %s", c.name, a.Key)
			}
		}
	}
}

func TestAnomalyOutsideGeofence(t *testing.T) {
	f := anomalyWorld()
	v := f.Venues[1]
	at := f.Sessions[11].Starts
	for _, c := range []struct {
		name   string
		metres float64
		place  bool
		n      int
	}{
		{"at the venue", 0, true, 0},
		{"490 m away", 490, true, 0},
		{"510 m away", 510, true, 1},
		{"across town", 8000, true, 1},
		{"no place reported", 8000, false, 0},
	} {
		e := ev(f, 11, 7, CheckIn, at)
		e.Lat, e.Lng, e.HasPlace = v.Lat+metresNorth(c.metres), v.Lng, c.place
		g := f
		g.Events = []Event{e}
		hit := only(t, c.name, FindAnomalies(g, DefaultRules()), AnomalyOutsideGeofence, c.n)
		if len(hit) == 1 && (hit[0].Metres < int(c.metres)-1 || hit[0].Metres > int(c.metres)+1 || hit[0].Severity != SeverityFlag) {
			t.Errorf("%s: %+v", c.name, hit[0])
		}
	}
	// A tighter rule is applied as configured.
	e := ev(f, 11, 7, CheckIn, at)
	e.Lat, e.Lng, e.HasPlace = v.Lat+metresNorth(300), v.Lng, true
	r := DefaultRules()
	r.GeofenceMetres = 200
	only(t, "geofence of 200 m", FindAnomalies(AttendanceFacts{ClassID: 1, Sessions: f.Sessions, Venues: f.Venues, Events: []Event{e}}, r), AnomalyOutsideGeofence, 1)
}

func TestAnomalySharedDevice(t *testing.T) {
	f := anomalyWorld()
	at := f.Sessions[11].Starts
	phone := func(e Event, d string) Event { e.Source, e.Device = FromQR, d; return e }
	terminal := func(e Event) Event { e.Source, e.Device, e.Terminal = FromTerminal, "T-1", true; return e }
	var queue []Event
	for p := int64(1); p <= 10; p++ {
		queue = append(queue, terminal(ev(f, 11, p, CheckIn, at.Add(time.Duration(p)*3*time.Second))))
	}
	for _, c := range []struct {
		name   string
		events []Event
		n      int
		people int
	}{
		{"each their own phone", []Event{phone(ev(f, 11, 1, CheckIn, at), "A"), phone(ev(f, 11, 2, CheckIn, at.Add(time.Minute)), "B")}, 0, 0},
		{"one phone, one person in and out", []Event{phone(ev(f, 11, 1, CheckIn, at), "A"), phone(ev(f, 11, 1, CheckOut, at.Add(3*time.Hour)), "A")}, 0, 0},
		{"one phone, two people", []Event{phone(ev(f, 11, 1, CheckIn, at), "A"), phone(ev(f, 11, 2, CheckIn, at.Add(20*time.Second)), "A")}, 1, 2},
		{"one phone, two people on different days", []Event{phone(ev(f, 11, 1, CheckIn, at), "A"), phone(ev(f, 12, 2, CheckIn, f.Sessions[12].Starts), "A")}, 1, 2},
		{"one phone, three people", []Event{phone(ev(f, 11, 1, CheckIn, at), "A"), phone(ev(f, 11, 2, CheckIn, at), "A"), phone(ev(f, 11, 3, CheckOut, at.Add(time.Hour)), "A")}, 1, 3},
		{"a venue terminal checking in a queue", queue, 0, 0},
		{"no device known", []Event{ev(f, 11, 1, CheckIn, at), ev(f, 11, 2, CheckIn, at.Add(time.Second))}, 0, 0},
	} {
		g := f
		g.Events = c.events
		hit := only(t, c.name, FindAnomalies(g, DefaultRules()), AnomalySharedDevice, c.n)
		if len(hit) == 1 && (len(hit[0].PersonIDs) != c.people || hit[0].Device != "A" || !hit[0].At.Equal(at)) {
			t.Errorf("%s: %+v", c.name, hit[0])
		}
	}
	// A limit of 2 lets a phone check in two people (say, a parent and child), not three.
	r := DefaultRules()
	r.DeviceShareLimit = 2
	two := []Event{phone(ev(f, 11, 1, CheckIn, at), "A"), phone(ev(f, 11, 2, CheckIn, at), "A")}
	only(t, "limit 2, two people", FindAnomalies(AttendanceFacts{ClassID: 1, Sessions: f.Sessions, Venues: f.Venues, Events: two}, r), AnomalySharedDevice, 0)
	three := append(two, phone(ev(f, 11, 3, CheckIn, at), "A"))
	only(t, "limit 2, three people", FindAnomalies(AttendanceFacts{ClassID: 1, Sessions: f.Sessions, Venues: f.Venues, Events: three}, r), AnomalySharedDevice, 1)
}

func TestAnomalyCopiedTimes(t *testing.T) {
	f := anomalyWorld()
	at := f.Sessions[11].Starts.Add(-3 * time.Minute)
	same := func(persons []int64, session int64, kind string, jitter time.Duration) []Event {
		var out []Event
		for i, p := range persons {
			out = append(out, ev(f, session, p, kind, at.Add(time.Duration(i)*jitter)))
		}
		return out
	}
	for _, c := range []struct {
		name   string
		events []Event
		n      int
	}{
		{"three at the very same second", same([]int64{1, 2, 3}, 11, CheckIn, 0), 1},
		{"three within one second", same([]int64{1, 2, 3}, 11, CheckIn, 300*time.Millisecond), 1},
		{"two at the same second", same([]int64{1, 2}, 11, CheckIn, 0), 0},
		{"a queue a second apart", same([]int64{1, 2, 3, 4}, 11, CheckIn, time.Second), 0},
		{"the same person thrice", same([]int64{1, 1, 1}, 11, CheckIn, 0), 0},
		{"check-outs at the same second", same([]int64{1, 2, 3}, 11, CheckOut, 0), 0},
		{"same time in two sessions", append(same([]int64{1, 2}, 11, CheckIn, 0), ev(f, 12, 3, CheckIn, at)), 0},
	} {
		g := f
		g.Events = c.events
		hit := only(t, c.name, FindAnomalies(g, DefaultRules()), AnomalyCopiedTimes, c.n)
		if len(hit) == 1 && (len(hit[0].PersonIDs) != 3 || hit[0].SessionID != 11 || !hit[0].At.Equal(at)) {
			t.Errorf("%s: %+v", c.name, hit[0])
		}
	}
}

func TestAnomalyImpossibleTravel(t *testing.T) {
	f := anomalyWorld()
	at := f.Sessions[11].Starts
	for _, c := range []struct {
		name   string
		events []Event
		others []Event
		n      int
		speed  int
	}{
		{"50 km in 30 minutes, another class", []Event{ev(f, 11, 1, CheckIn, at)}, []Event{ev(f, 21, 1, CheckIn, at.Add(30*time.Minute))}, 1, 100},
		{"50 km in 30 minutes, the other class first", []Event{ev(f, 11, 1, CheckIn, at.Add(30*time.Minute))}, []Event{ev(f, 21, 1, CheckIn, at)}, 1, 100},
		{"50 km at the same instant", []Event{ev(f, 11, 1, CheckIn, at)}, []Event{ev(f, 21, 1, CheckIn, at)}, 1, -1},
		{"50 km in an hour", []Event{ev(f, 11, 1, CheckOut, at)}, []Event{ev(f, 21, 1, CheckIn, at.Add(time.Hour))}, 0, 0},
		{"another trainee there", []Event{ev(f, 11, 1, CheckIn, at)}, []Event{ev(f, 21, 2, CheckIn, at.Add(time.Minute))}, 0, 0},
		{"both events in the other class", []Event{ev(f, 11, 1, CheckIn, at.Add(-3*time.Hour))}, []Event{ev(f, 21, 1, CheckIn, at), ev(f, 21, 1, CheckOut, at.Add(time.Minute))}, 0, 0},
		{"in and out at the same venue", []Event{ev(f, 11, 1, CheckIn, at), ev(f, 11, 1, CheckOut, at.Add(time.Minute))}, nil, 0, 0},
	} {
		g := f
		g.Events, g.Others = c.events, c.others
		hit := only(t, c.name, FindAnomalies(g, DefaultRules()), AnomalyImpossibleTravel, c.n)
		if len(hit) == 1 {
			a := hit[0]
			if a.Severity != SeverityFail || a.KmPerHour != c.speed || a.OtherClassID != 2 || a.SessionID != 11 || a.Metres < 49990 || a.Metres > 50010 {
				t.Errorf("%s: %+v", c.name, a)
			}
		}
	}
	// Reported coordinates win over the venue: a phone 20 km from its venue, then at the venue
	// 10 minutes later, in the same class.
	e1 := ev(f, 11, 1, CheckIn, at)
	e1.Lat, e1.Lng, e1.HasPlace = f.Venues[1].Lat+metresNorth(20000), f.Venues[1].Lng, true
	e2 := ev(f, 11, 1, CheckOut, at.Add(10*time.Minute))
	g := f
	g.Events = []Event{e1, e2}
	hit := only(t, "coordinates", FindAnomalies(g, DefaultRules()), AnomalyImpossibleTravel, 1)
	if len(hit) == 1 && hit[0].OtherClassID != 0 {
		t.Errorf("same class: %+v", hit[0])
	}
	// The boundary: 59.9 km in an hour is possible at 60 km/h; in 59 minutes it is not.
	near := Venue{ID: 3, Lat: 27.83 + metresNorth(59900), Lng: 113.15}
	g = f
	g.Venues = map[int64]Venue{1: f.Venues[1], 3: near}
	g.Sessions = map[int64]Session{11: f.Sessions[11], 31: {ID: 31, ClassID: 3, Seq: 1, Starts: at, Ends: at.Add(3 * time.Hour), VenueID: 3}}
	for _, c := range []struct {
		d time.Duration
		n int
	}{{time.Hour, 0}, {59 * time.Minute, 1}} {
		g.Events, g.Others = []Event{ev(g, 11, 1, CheckOut, at)}, []Event{ev(g, 31, 1, CheckIn, at.Add(c.d))}
		only(t, "59.9 km in "+c.d.String(), FindAnomalies(g, DefaultRules()), AnomalyImpossibleTravel, c.n)
	}
}

// TestAnomaliesOfACleanClass: a class whose trainees check in and out on time, at the venue,
// each from their own phone or the venue's terminal, shows nothing; and the order is by time.
func TestAnomaliesOfACleanClass(t *testing.T) {
	f := anomalyWorld()
	var evs []Event
	for _, sid := range []int64{11, 12} {
		s := f.Sessions[sid]
		for p := int64(1); p <= 5; p++ {
			in := ev(f, sid, p, CheckIn, s.Starts.Add(-time.Duration(p)*47*time.Second))
			in.Device, in.Terminal = "T-1", true
			out := ev(f, sid, p, CheckOut, s.Ends.Add(time.Duration(p)*13*time.Second))
			out.Device, out.Lat, out.Lng, out.HasPlace = "phone-"+string(rune('a'+p)), f.Venues[1].Lat, f.Venues[1].Lng, true
			evs = append(evs, in, out)
		}
	}
	f.Events = evs
	if got := FindAnomalies(f, DefaultRules()); len(got) != 0 {
		t.Fatalf("a clean class shows %v", codes(got))
	}
	late := ev(f, 12, 1, CheckIn, f.Sessions[12].Ends.Add(time.Hour))
	early := ev(f, 11, 2, CheckIn, f.Sessions[11].Starts.Add(-time.Hour))
	f.Events = append(f.Events, late, early)
	got := FindAnomalies(f, DefaultRules())
	if len(got) != 2 || !got[0].At.Equal(early.At) || !got[1].At.Equal(late.At) {
		t.Fatalf("order: %+v", got)
	}
}

func TestDistanceMetres(t *testing.T) {
	// 株洲 to 长沙, about 50 km; one degree of latitude, about 111.2 km.
	if d := DistanceMetres(27.83, 113.15, 28.23, 112.94); d < 45000 || d > 52000 {
		t.Errorf("株洲–长沙 %v m", d)
	}
	if d := DistanceMetres(27, 113, 28, 113); math.Abs(d-111195) > 1 {
		t.Errorf("one degree %v m", d)
	}
	if d := DistanceMetres(27.83, 113.15, 27.83, 113.15); d != 0 {
		t.Errorf("same point %v", d)
	}
}
