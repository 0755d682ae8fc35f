package gen

// The city-year for the automatic audit (QUALITY P2): from a seed and a number of claim lines,
// the subsidised training of one city (株洲, 430200) in one year — institutions with a venue, a
// teacher and an approved scope, classes with timetables and rosters, the attendance events of
// a face terminal, a certificate per trainee, and one institution claim per class with a line
// per trainee — and in it a known number of each audit problem of SPEC §9 that the data can
// carry, planted on lines that have no other problem. The same seed and scale give the same
// city-year.

import (
	"fmt"
	"math/rand/v2"
	"time"

	"xiangpei"
)

// CityScale is the size of a city-year.
type CityScale struct {
	Lines    int // about this many claim lines (one per trainee)
	PerClass int // trainees on each ordinary class's roster
}

// ForLines is the scale of about n lines in classes of 40.
func ForLines(n int) CityScale { return CityScale{Lines: n, PerClass: 40} }

// CityOrg is an institution with its one venue and teacher.
type CityOrg struct {
	ID, VenueID, TeacherID int64
	Name, CreditCode       string
	County                 string
	TeacherIDNo            string
	Lat, Lng               float64
}

// CityTrainee is a roster row and its claim line.
type CityTrainee struct {
	ID              int64 // the roster row
	Person          int   // index into CityYear.Persons
	AttendedMinutes int
	NoLine          bool // a roster row without a claim line
	NoEvents        bool // a roster row without attendance events
	LineID          int64
	CertID          int64 // 0: the line has no certificate
	AmountFen       int64
	Digest          string
}

// CityClass is a class, its roster and its claim.
type CityClass struct {
	ID         int64
	Org        int // index into CityYear.Orgs
	Name       string
	Occupation string
	Level      string
	Capacity   int
	Late       bool
	TeacherID  int64 // the sessions' teacher when not the institution's own
	Sessions   []Session
	Trainees   []CityTrainee
	ClaimID    int64
}

// CityCert is a certificate.
type CityCert struct {
	ID, PersonID int64
	Number       string
	Occupation   string
	Level        string
	IssuedOn     string // China date
	Source       string // assessment or competition
	SourceID     int64
	Status       string // valid or revoked
	IssuerOrgID  int64  // the assessment body (0: none recorded)
}

// CityPlan is an assessment plan of the city's assessment body with one examiner and one
// candidate (the planted evaluation signal): the examiner taught the candidate's class.
type CityPlan struct {
	ID, ClassID, CandidateID, PersonID, CertID int64
	ExamAt                                     time.Time
	ExaminerName, ExaminerIDNo                 string
	ExaminerID                                 int64
}

// CityEvent is a check-in or check-out.
type CityEvent struct {
	ID, SessionID, ClassID, PersonID int64
	Kind                             string
	At                               time.Time
	Device                           string
	Terminal                         bool
	HasPlace                         bool
	Lat, Lng                         float64
}

// CityLine is a claim line without a roster row (the planted second line of a person).
type CityLine struct {
	ID, ClaimID, PersonID, CertID int64
	Occupation, Level             string
	AmountFen                     int64
	Digest                        string
}

// CityTeacher is an extra teacher row (the planted staff member on a roster).
type CityTeacher struct {
	ID, OrgID int64
	Name      string
	IDNumber  string
}

// CityInsurance is a social-insurance record.
type CityInsurance struct {
	ID, PersonID int64
	Employer     string
	From, To     string
}

// CitySanction is a sanction of an institution.
type CitySanction struct {
	ID, OrgID int64
	Kind      string
	From, To  string
}

// CityPersonSanction is a person's blacklisting (person_sanctions).
type CityPersonSanction struct {
	ID, PersonID int64
	From, To     string
}

// CityPriorSubsidy is a subsidy the previous system paid (prior_subsidies).
type CityPriorSubsidy struct {
	ID, PersonID      int64
	Occupation, Level string
	Year              int
	PaidOn            string
	AmountFen         int64
}

// CityYear is a generated city-year.
type CityYear struct {
	Seed       int64
	Scale      CityScale
	Year       int
	Region     string    // the city's code, 430200
	Created    time.Time // when the claims were created and submitted
	Orgs       []CityOrg
	Persons    []Person
	Classes    []CityClass
	Certs      []CityCert
	Events     []CityEvent
	ExtraLines []CityLine
	ExtraRows  []int // persons on a second roster (indexes into Persons)
	Teachers   []CityTeacher
	Sanctions  []CitySanction
	Insurance  []CityInsurance
	// PersonSanctions and PriorSubsidies are the persons' blacklistings and the subsidies the
	// previous system paid.
	PersonSanctions []CityPersonSanction
	PriorSubsidies  []CityPriorSubsidy
	// Assessor is the city's assessment body (kind assessor; no venue, teacher or scope), and
	// Plans its assessment plans, each with an examiner who taught its one candidate.
	Assessor CityOrg
	Plans    []CityPlan
	// Planted counts the lines each audit code must find; PlantedLines names each planted
	// line's codes. Every other line has no problem.
	Planted      map[string]int
	PlantedLines map[int64][]string
}

// LineTrace is the trace every generated line records (as stored JSON, "[]"); its digest is
// xiangpei.LineDigest over it.
var LineTrace = []xiangpei.TraceStep{}

// Occupation is the occupation of every generated class (养老护理员); scopes are level 5.
const Occupation = "4-10-01-05"

const amountFen = 150000

func cid(kind, i int) int64 { return int64(1)<<45 + int64(kind)<<38 + int64(i) }

// Plantable lists the audit codes the city-year plants. The others need data the generator
// does not make (see docs/performance.md, "P2 — automatic audit").
var Plantable = []string{
	xiangpei.CheckIDDigit, xiangpei.CheckAge, xiangpei.CheckTwiceInClaim, xiangpei.CheckBelowThreshold,
	xiangpei.CheckCertMissing, xiangpei.CheckCertMismatch, xiangpei.CheckCertTiming, xiangpei.CheckCertUnknown,
	xiangpei.CheckCertRevoked, xiangpei.CheckOutsideScope, xiangpei.CheckSanctioned, xiangpei.CheckClassFiling,
	xiangpei.CheckOverCapacity, xiangpei.CheckSharedPhone, xiangpei.CheckOwnStaff, xiangpei.CheckDigest,
	xiangpei.AnomalyOutsideWindow, xiangpei.AnomalyOutsideGeofence, xiangpei.AnomalySharedDevice, xiangpei.AnomalyCopiedTimes,
	xiangpei.CheckAlreadySubsidised, xiangpei.CheckTraineeOverlap, xiangpei.CheckTeacherOverlap, xiangpei.AnomalyImpossibleTravel,
	xiangpei.CheckEmployedElsewhere, xiangpei.CheckYearlyCount, xiangpei.CheckEvalSignal,
}

// Second plants of codes already in Plantable, from the newer data sources: a trainee
// blacklisted during the class (sanctioned) and a subsidy the previous system paid for the same
// occupation and level (already_subsidised).
const (
	plantPersonBlacklist = "person_blacklist"
	plantPriorSubsidy    = "prior_subsidy"
)

// plants is the order the plants are made in; two of them take a second class.
var plants = append(append([]string{}, Plantable...), plantPersonBlacklist, plantPriorSubsidy)

// PriorOccupation is the occupation of the prior subsidies planted for over_yearly_count
// (another occupation than the classes', so that already_subsidised stays silent).
const PriorOccupation = "4-01-02-01"

// NewCityYear builds the city-year of a seed and scale for year (classes from March to
// November, claims created on 1 December). Each code of Plantable is planted
// 1 + Lines/15000 times, each time in a class of its own.
func NewCityYear(seed int64, sc CityScale, year int) *CityYear {
	if sc.PerClass < 4 {
		sc.PerClass = 4
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x5851f42d4c957f2d))
	reps := 1 + sc.Lines/15000
	nClasses := max((len(plants)+4)*reps+1, (sc.Lines+sc.PerClass-1)/sc.PerClass)
	w := &CityYear{Seed: seed, Scale: sc, Year: year, Region: "430200",
		Created: time.Date(year, 12, 1, 10, 0, 0, 0, china).UTC(), Planted: map[string]int{}, PlantedLines: map[int64][]string{}}
	nOrgs := max(1, nClasses/50)
	for o := 0; o < nOrgs; o++ {
		w.addOrg()
	}
	assessorCode := fmt.Sprintf("12430200MB%07d", seed%10000000)
	w.Assessor = CityOrg{ID: cid(23, 0), Name: "株洲市职业技能鉴定中心", County: "430200",
		CreditCode: assessorCode + string(xiangpei.CreditCheckChar(assessorCode))}
	days := workdays(time.Date(year, 3, 2, 0, 0, 0, 0, china), 180)
	seen := map[string]bool{}
	newPerson := func(birthYear int) int {
		i := len(w.Persons)
		county := counties[r.IntN(len(counties))]
		var id string
		for {
			by := birthYear
			if by == 0 {
				by = 1968 + r.IntN(36)
			}
			birth := time.Date(by, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
			id = idNumber(county, birth, 1+r.IntN(998))
			if !seen[id] {
				seen[id] = true
				break
			}
		}
		name := string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))])
		if r.IntN(2) == 0 {
			name += string(given[r.IntN(len(given))])
		}
		w.Persons = append(w.Persons, Person{ID: cid(1, i), IDNumber: id, Name: name, County: county,
			Phone: fmt.Sprintf("13%09d", 100000000+i)})
		return i
	}
	nSessions := 0
	for k := 0; k < nClasses; k++ {
		c := CityClass{ID: cid(2, k), Org: k % nOrgs, Name: fmt.Sprintf("养老护理员五级培训班（%d-%d期）", year, k+1),
			Occupation: Occupation, Level: "5", Capacity: 60, ClaimID: cid(3, k)}
		d := (k * 7) % (len(days) - 3)
		for s := 0; s < 6; s++ {
			day := days[d+s/2]
			h := 9
			if s%2 == 1 {
				h = 14
			}
			st := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, china)
			c.Sessions = append(c.Sessions, Session{ID: cid(4, nSessions), Seq: s + 1, Starts: st.UTC(), Ends: st.Add(3 * time.Hour).UTC()})
			nSessions++
		}
		issued := days[d+2].AddDate(0, 0, 7).Format(time.DateOnly)
		for t := 0; t < sc.PerClass; t++ {
			p := newPerson(0)
			tr := CityTrainee{ID: cid(5, p), Person: p, AttendedMinutes: 6 * 180, LineID: cid(6, p), CertID: cid(7, p), AmountFen: amountFen}
			// every 25th trainee misses the third session (5/6 of the hours, above the 80% rule)
			if t%25 == 7 {
				tr.AttendedMinutes = 5 * 180
			}
			w.Certs = append(w.Certs, CityCert{ID: tr.CertID, PersonID: w.Persons[p].ID, Number: fmt.Sprintf("G%d-%08d", year, p),
				Occupation: Occupation, Level: "5", IssuedOn: issued, Source: "competition", SourceID: cid(8, p), Status: "valid"})
			c.Trainees = append(c.Trainees, tr)
		}
		w.Classes = append(w.Classes, c)
	}
	// plants: each in a class of its own, the planting classes chosen by the seed
	order := r.Perm(nClasses)
	next := 0
	take := func() *CityClass { c := &w.Classes[order[next]]; next++; return c }
	plantedEvents := map[int64][]CityEvent{} // extra events by class
	mark := func(line int64, code string) {
		w.Planted[code]++
		w.PlantedLines[line] = append(w.PlantedLines[line], code)
	}
	cert := func(tr *CityTrainee) *CityCert { return &w.Certs[int(tr.CertID-cid(7, 0))] }
	early := map[int64]bool{} // certificates planted as issued before their class ended
	for rep := 0; rep < reps; rep++ {
		for _, code := range plants {
			c := take()
			t0 := &c.Trainees[0]
			switch code {
			case plantPersonBlacklist:
				// the trainee blacklisted from before the class, open-ended
				w.PersonSanctions = append(w.PersonSanctions, CityPersonSanction{ID: cid(21, len(w.PersonSanctions)),
					PersonID: w.Persons[t0.Person].ID, From: c.Sessions[0].Starts.In(china).AddDate(0, -2, 0).Format(time.DateOnly)})
				mark(t0.LineID, xiangpei.CheckSanctioned)
			case plantPriorSubsidy:
				// the previous system paid the same occupation and level the year before
				w.PriorSubsidies = append(w.PriorSubsidies, CityPriorSubsidy{ID: cid(22, len(w.PriorSubsidies)),
					PersonID: w.Persons[t0.Person].ID, Occupation: Occupation, Level: "5", Year: year - 1,
					PaidOn: fmt.Sprintf("%d-06-30", year-1), AmountFen: amountFen})
				mark(t0.LineID, xiangpei.CheckAlreadySubsidised)
			case xiangpei.CheckYearlyCount:
				// three subsidies of another occupation paid by the previous system this year,
				// of rising levels, beside this line: four, one more than allowed
				for i, level := range []string{"5", "4", "3"} {
					w.PriorSubsidies = append(w.PriorSubsidies, CityPriorSubsidy{ID: cid(22, len(w.PriorSubsidies)),
						PersonID: w.Persons[t0.Person].ID, Occupation: PriorOccupation, Level: level, Year: year,
						PaidOn: fmt.Sprintf("%d-0%d-15", year, 1+i), AmountFen: amountFen})
				}
				mark(t0.LineID, code)
			case xiangpei.CheckIDDigit:
				p := &w.Persons[t0.Person]
				last := p.IDNumber[17]
				wrong := byte('0')
				if last == '0' {
					wrong = '1'
				}
				p.IDNumber = p.IDNumber[:17] + string(wrong)
				mark(t0.LineID, code)
			case xiangpei.CheckAge:
				p := &w.Persons[t0.Person]
				id := idNumber(p.IDNumber[:6], time.Date(1950, 6, 1, 0, 0, 0, 0, time.UTC), 1+int(t0.ID%900))
				p.IDNumber = id
				mark(t0.LineID, code)
			case xiangpei.CheckTwiceInClaim:
				p := w.Persons[t0.Person]
				n := len(w.ExtraLines)
				ce := CityCert{ID: cid(9, n), PersonID: p.ID, Number: fmt.Sprintf("X%d-%08d", year, n), Occupation: Occupation,
					Level: "5", IssuedOn: cert(t0).IssuedOn, Source: "competition", SourceID: cid(10, n), Status: "valid"}
				w.Certs = append(w.Certs, ce)
				l := CityLine{ID: cid(11, n), ClaimID: c.ClaimID, PersonID: p.ID, CertID: ce.ID, Occupation: Occupation, Level: "5", AmountFen: amountFen}
				w.ExtraLines = append(w.ExtraLines, l)
				mark(t0.LineID, code)
				mark(l.ID, code)
			case xiangpei.CheckBelowThreshold:
				t0.AttendedMinutes = 180
				mark(t0.LineID, code)
			case xiangpei.CheckCertMissing:
				t0.CertID = 0
				mark(t0.LineID, code)
			case xiangpei.CheckCertMismatch:
				cert(t0).Occupation = "4-01-02-01"
				mark(t0.LineID, code)
			case xiangpei.CheckCertTiming:
				early[t0.CertID] = true
				mark(t0.LineID, code)
			case xiangpei.CheckCertUnknown:
				ce := cert(t0)
				ce.Source, ce.SourceID = "assessment", cid(12, rep)
				mark(t0.LineID, code)
			case xiangpei.CheckCertRevoked:
				cert(t0).Status = "revoked"
				mark(t0.LineID, code)
			case xiangpei.CheckOutsideScope, xiangpei.CheckSanctioned, xiangpei.CheckClassFiling, xiangpei.CheckOverCapacity:
				switch code {
				case xiangpei.CheckOutsideScope:
					c.Level = "4"
					for i := range c.Trainees {
						cert(&c.Trainees[i]).Level = "4"
					}
				case xiangpei.CheckSanctioned:
					c.Org = w.addOrg()
					from := c.Sessions[0].Starts.In(china).AddDate(0, 0, -3).Format(time.DateOnly)
					to := c.Sessions[0].Starts.In(china).AddDate(0, 0, 30).Format(time.DateOnly)
					w.Sanctions = append(w.Sanctions, CitySanction{ID: cid(13, len(w.Sanctions)), OrgID: w.Orgs[c.Org].ID,
						Kind: "suspend", From: from, To: to})
				case xiangpei.CheckClassFiling:
					c.Late = true
				case xiangpei.CheckOverCapacity:
					c.Capacity = len(c.Trainees) - 1
				}
				for _, tr := range c.Trainees {
					mark(tr.LineID, code)
				}
			case xiangpei.CheckSharedPhone:
				w.Persons[c.Trainees[1].Person].Phone = w.Persons[t0.Person].Phone
				mark(t0.LineID, code)
				mark(c.Trainees[1].LineID, code)
			case xiangpei.CheckOwnStaff:
				p := w.Persons[t0.Person]
				w.Teachers = append(w.Teachers, CityTeacher{ID: cid(14, len(w.Teachers)), OrgID: w.Orgs[c.Org].ID, Name: p.Name, IDNumber: p.IDNumber})
				mark(t0.LineID, code)
			case xiangpei.CheckAlreadySubsidised, xiangpei.CheckTraineeOverlap, xiangpei.AnomalyImpossibleTravel:
				// the person of the first line is also on the roster of another class b
				b := take()
				p := t0.Person
				n := len(w.ExtraRows)
				w.ExtraRows = append(w.ExtraRows, p)
				tr := CityTrainee{ID: cid(16, n), Person: p, AttendedMinutes: 6 * 180, LineID: cid(17, n), AmountFen: amountFen}
				switch code {
				case xiangpei.CheckAlreadySubsidised:
					// a second claim line of the same occupation and level, days later (the
					// later line — the greater id at the same creation time — is the one found)
					b.Sessions = shifted(b.Sessions, c.Sessions, 14*24*time.Hour)
					tr.CertID = cid(18, n)
					w.Certs = append(w.Certs, CityCert{ID: tr.CertID, PersonID: w.Persons[p].ID, Number: fmt.Sprintf("Y%d-%08d", year, n),
						Occupation: Occupation, Level: "5", IssuedOn: b.Sessions[5].Starts.In(china).AddDate(0, 0, 7).Format(time.DateOnly),
						Source: "competition", SourceID: cid(19, n), Status: "valid"})
					mark(tr.LineID, code)
				case xiangpei.CheckTraineeOverlap:
					// on b's roster (no line) at the very same times
					b.Sessions = shifted(b.Sessions, c.Sessions, 0)
					tr.NoLine, tr.NoEvents = true, true
					mark(t0.LineID, code)
				case xiangpei.AnomalyImpossibleTravel:
					// on b's roster (no line), b 220 km away, its sessions 9 hours later: from a
					// check-out at 17:01 to a check-in at 17:50 far away
					b.Org = w.addOrg()
					w.Orgs[b.Org].Lat += 2
					b.Sessions = shifted(b.Sessions, c.Sessions, 9*time.Hour)
					tr.NoLine = true
					mark(t0.LineID, code)
				}
				b.Trainees = append(b.Trainees, tr)
			case xiangpei.CheckTeacherOverlap:
				// b, of another institution, is taught by c's teacher at the same times: every line of both
				b := take()
				b.Org = w.addOrg()
				te := CityTeacher{ID: cid(14, len(w.Teachers)), OrgID: w.Orgs[c.Org].ID, Name: "易老师",
					IDNumber: idNumber(w.Orgs[c.Org].County, time.Date(1962, 1, 1, 0, 0, 0, 0, time.UTC), 1+len(w.Teachers)%998)}
				w.Teachers = append(w.Teachers, te)
				c.TeacherID, b.TeacherID = te.ID, te.ID
				b.Sessions = shifted(b.Sessions, c.Sessions, 0)
				for _, x := range [...]*CityClass{c, b} {
					for _, tr := range x.Trainees {
						mark(tr.LineID, code)
					}
				}
			case xiangpei.CheckEmployedElsewhere:
				w.Insurance = append(w.Insurance, CityInsurance{ID: cid(20, len(w.Insurance)), PersonID: w.Persons[t0.Person].ID,
					Employer: "株洲某制造有限公司", From: c.Sessions[0].Starts.In(china).AddDate(0, -6, 0).Format(time.DateOnly)})
				mark(t0.LineID, code)
			case xiangpei.CheckEvalSignal:
				// the certificate comes from an assessment of the city's body whose one examiner
				// is the teacher of the candidate's class (the examiner = teacher signal); the
				// plan's date and the certificate's issuer are set below, after any move of
				// sessions
				ce := cert(t0)
				n := len(w.Plans)
				pl := CityPlan{ID: cid(24, n), ClassID: c.ID, CandidateID: cid(25, n), PersonID: w.Persons[t0.Person].ID, CertID: ce.ID,
					ExaminerID: cid(26, n), ExaminerName: "周老师", ExaminerIDNo: w.Orgs[c.Org].TeacherIDNo}
				ce.Source, ce.SourceID, ce.IssuerOrgID = "assessment", pl.CandidateID, w.Assessor.ID
				w.Plans = append(w.Plans, pl)
				mark(t0.LineID, code)
			case xiangpei.CheckDigest:
				t0.Digest = "tampered"
				mark(t0.LineID, code)
			case xiangpei.AnomalyOutsideWindow:
				// (the planted events are marked below, when the class's events are made)
				mark(t0.LineID, code)
			case xiangpei.AnomalyOutsideGeofence:
				mark(t0.LineID, code)
			case xiangpei.AnomalySharedDevice:
				x := c.Sessions[1]
				for i := 0; i < 2; i++ {
					plantedEvents[c.ID] = append(plantedEvents[c.ID], CityEvent{SessionID: x.ID, ClassID: c.ID,
						PersonID: w.Persons[c.Trainees[i].Person].ID, Kind: xiangpei.CheckIn, At: x.Starts.Add(time.Duration(-900+i) * time.Second),
						Device: fmt.Sprintf("PHONE-%d-%d", seed, rep)})
					mark(c.Trainees[i].LineID, code)
				}
			case xiangpei.AnomalyCopiedTimes:
				x := c.Sessions[2]
				for i := 0; i < 3; i++ {
					plantedEvents[c.ID] = append(plantedEvents[c.ID], CityEvent{SessionID: x.ID, ClassID: c.ID,
						PersonID: w.Persons[c.Trainees[i].Person].ID, Kind: xiangpei.CheckIn, At: x.Starts.Add(-20 * time.Minute),
						Device: fmt.Sprintf("FACE-%d", c.Org), Terminal: true})
					mark(c.Trainees[i].LineID, code)
				}
			}
			if code == xiangpei.AnomalyOutsideWindow || code == xiangpei.AnomalyOutsideGeofence {
				plantedEvents[c.ID] = append(plantedEvents[c.ID], CityEvent{ClassID: c.ID, PersonID: w.Persons[t0.Person].ID, Kind: code})
			}
		}
	}
	// digests, then the events in class order
	nEvents := 0
	addEvent := func(e CityEvent) {
		e.ID = cid(15, nEvents)
		nEvents++
		w.Events = append(w.Events, e)
	}
	for k := range w.Classes {
		c := &w.Classes[k]
		o := w.Orgs[c.Org]
		device := fmt.Sprintf("FACE-%d", c.Org)
		geo, window := map[int64]bool{}, map[int64]bool{}
		for _, e := range plantedEvents[c.ID] {
			switch e.Kind {
			case xiangpei.AnomalyOutsideGeofence:
				geo[e.PersonID] = true
			case xiangpei.AnomalyOutsideWindow:
				window[e.PersonID] = true
			}
		}
		for i := range c.Trainees {
			tr := &c.Trainees[i]
			if tr.CertID != 0 && tr.CertID < cid(8, 0) {
				// issued a week after the class's last day (after any move of its sessions)
				issued := c.Sessions[len(c.Sessions)-1].Ends.In(china).AddDate(0, 0, 7)
				if early[tr.CertID] {
					issued = c.Sessions[0].Starts.In(china).AddDate(0, 0, -1)
				}
				cert(tr).IssuedOn = issued.Format(time.DateOnly)
			}
			if tr.Digest == "" {
				tr.Digest = xiangpei.LineDigest(c.ClaimID, w.Persons[tr.Person].ID, tr.AmountFen, 0, LineTrace)
			}
		}
		for s, x := range c.Sessions {
			for i, tr := range c.Trainees {
				if (i%25 == 7 && s == 2) || tr.NoEvents {
					continue // the absence counted in AttendedMinutes
				}
				pid := w.Persons[tr.Person].ID
				in := CityEvent{SessionID: x.ID, ClassID: c.ID, PersonID: pid, Kind: xiangpei.CheckIn,
					At: x.Starts.Add(time.Duration(-600+i) * time.Second), Device: device, Terminal: true}
				if s == 0 && geo[pid] {
					in.HasPlace, in.Lat, in.Lng = true, o.Lat+0.009, o.Lng
				}
				if s == 0 && window[pid] {
					addEvent(CityEvent{SessionID: x.ID, ClassID: c.ID, PersonID: pid, Kind: xiangpei.CheckIn,
						At: x.Starts.Add(-2 * time.Hour), Device: device, Terminal: true})
				}
				addEvent(in)
				addEvent(CityEvent{SessionID: x.ID, ClassID: c.ID, PersonID: pid, Kind: xiangpei.CheckOut,
					At: x.Ends.Add(time.Duration(60+i) * time.Second), Device: device, Terminal: true})
			}
		}
		for _, e := range plantedEvents[c.ID] {
			if e.SessionID != 0 {
				addEvent(e)
			}
		}
	}
	classOf := map[int64]*CityClass{}
	for k := range w.Classes {
		classOf[w.Classes[k].ID] = &w.Classes[k]
	}
	for i := range w.Plans {
		// the exam three days after the class's last session (the certificate a week after)
		c := classOf[w.Plans[i].ClassID]
		w.Plans[i].ExamAt = c.Sessions[len(c.Sessions)-1].Ends.Add(72 * time.Hour)
	}
	for i := range w.ExtraLines {
		l := &w.ExtraLines[i]
		l.Digest = xiangpei.LineDigest(l.ClaimID, l.PersonID, l.AmountFen, 0, LineTrace)
	}
	return w
}

// shifted gives the sessions of like (their ids kept) at the times of to moved by d.
func shifted(like, to []Session, d time.Duration) []Session {
	out := make([]Session, len(like))
	for i := range like {
		out[i] = Session{ID: like[i].ID, Seq: like[i].Seq, Starts: to[i].Starts.Add(d), Ends: to[i].Ends.Add(d)}
	}
	return out
}

// addOrg adds an institution in one of Zhuzhou's counties and returns its index.
func (w *CityYear) addOrg() int {
	o := len(w.Orgs)
	county := counties[o%len(counties)]
	code17 := fmt.Sprintf("52%sMJ%07d", county, (w.Seed*1000+int64(o))%10000000)
	w.Orgs = append(w.Orgs, CityOrg{ID: cid(0, 3*o), VenueID: cid(0, 3*o+1), TeacherID: cid(0, 3*o+2),
		Name: fmt.Sprintf("株洲市第%d职业培训学校", o+1), CreditCode: code17 + string(xiangpei.CreditCheckChar(code17)), County: county,
		TeacherIDNo: idNumber(county, time.Date(1960, 3, 1, 0, 0, 0, 0, time.UTC), 1+o%998),
		Lat:         27.8 + float64(o%9)*0.01, Lng: 113.1 + float64(o%9)*0.01})
	return o
}

// Lines counts the city-year's claim lines.
func (w *CityYear) Lines() int {
	n := len(w.ExtraLines)
	for _, c := range w.Classes {
		for _, tr := range c.Trainees {
			if !tr.NoLine {
				n++
			}
		}
	}
	return n
}
