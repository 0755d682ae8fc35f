// Package gen builds reproducible synthetic worlds for benchmarks and tests (QUALITY §1): from a
// seed and a scale, an institution in Zhuzhou with classes, their timetables, rosters of
// persons with valid ID numbers, and the attendance events a face terminal would record for
// them, with the quirks real terminals produce (late arrivals, early leavers, double check-ins,
// forgotten check-outs, absences). The same seed and scale always give the same world.
package gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"xiangpei"
)

// Scale is the size of a world.
type Scale struct {
	Classes  int // classes of the institution
	Trainees int // trainees on each class's roster
	Sessions int // sessions of each class
}

// eventsPerPair is about how many events one trainee leaves at one session (see Rows).
const eventsPerPair = 1.92

// ForEvents is a scale whose attendance comes to about n events: classes of 40 trainees with
// 6 sessions each, as many as needed.
func ForEvents(n int) Scale {
	per := float64(40*6) * eventsPerPair
	return Scale{Classes: max(1, int(float64(n)/per+0.999)), Trainees: 40, Sessions: 6}
}

// Person is a person of the world.
type Person struct {
	ID       int64
	IDNumber string
	Name     string
	County   string
	Phone    string
}

// Session is one session of a class.
type Session struct {
	ID     int64
	Seq    int
	Starts time.Time
	Ends   time.Time
}

// Class is a class of the world: its timetable and roster (indexes into World.Persons).
type Class struct {
	ID         int64
	Name       string
	Sessions   []Session
	Trainees   []int
	TraineeIDs []int64 // the roster rows' ids, in the order of Trainees
	Device     string  // the face terminal at its venue
}

// World is a generated world. Ids are fixed by the seed, in ranges no application-made id
// reaches (xiangpei.NewID gives values above 2^50).
type World struct {
	Seed        int64
	Scale       Scale
	County      string
	OrgID       int64
	OrgName     string
	CreditCode  string
	VenueID     int64
	TeacherID   int64
	TeacherIDNo string
	Persons     []Person
	Classes     []Class
	Start, End  time.Time // the first session's start and the last session's end
}

// Zhuzhou's counties, where persons live.
var counties = []string{"430202", "430203", "430204", "430211", "430212", "430223", "430224", "430225", "430281"}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢")
	given    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华红玉兰建国志强春梅海燕文斌晓东雪梅")
)

const cst = 8 * 3600

var china = time.FixedZone("CST", cst)

// New builds the world of a seed and scale whose first session is on the working day at or
// after start (China time); classes run on the following ten weekdays, six sessions on three
// days each (09:00–12:00 and 14:00–17:00).
func New(seed int64, sc Scale, start time.Time) *World {
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	w := &World{Seed: seed, Scale: sc, County: "430211", OrgID: 1 << 40, VenueID: 1<<40 + 1, TeacherID: 1<<40 + 2,
		OrgName: "株洲市天元区" + strconv.FormatInt(seed, 10) + "号职业培训学校"}
	code17 := fmt.Sprintf("52430211MJ%07d", seed%10000000)
	w.CreditCode = code17 + string(xiangpei.CreditCheckChar(code17))
	w.TeacherIDNo = idNumber("430211", time.Date(1980, 5, 1, 0, 0, 0, 0, time.UTC), 1)
	days := workdays(start.In(china), 10+(sc.Sessions+1)/2)
	seen := map[string]bool{w.TeacherIDNo: true}
	for k := 0; k < sc.Classes; k++ {
		c := Class{ID: 2<<40 + int64(k), Name: fmt.Sprintf("养老护理员五级培训班（第%d期）", k+1),
			Device: fmt.Sprintf("FACE-%02d", k%8+1)}
		first := k % 10
		for s := 0; s < sc.Sessions; s++ {
			d := days[first+s/2]
			h := 9
			if s%2 == 1 {
				h = 14
			}
			st := time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, china)
			c.Sessions = append(c.Sessions, Session{ID: 3<<40 + int64(k*sc.Sessions+s), Seq: s + 1, Starts: st.UTC(), Ends: st.Add(3 * time.Hour).UTC()})
		}
		for t := 0; t < sc.Trainees; t++ {
			i := len(w.Persons)
			county := counties[r.IntN(len(counties))]
			var id string
			for {
				birth := time.Date(1968+r.IntN(36), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
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
			w.Persons = append(w.Persons, Person{ID: 4<<40 + int64(i), IDNumber: id, Name: name, County: county,
				Phone: fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1000000000))})
			c.Trainees = append(c.Trainees, i)
			c.TraineeIDs = append(c.TraineeIDs, 5<<40+int64(i))
		}
		w.Classes = append(w.Classes, c)
		for _, x := range c.Sessions {
			if w.Start.IsZero() || x.Starts.Before(w.Start) {
				w.Start = x.Starts
			}
			if x.Ends.After(w.End) {
				w.End = x.Ends
			}
		}
	}
	return w
}

// workdays lists n weekdays from t's day on.
func workdays(t time.Time, n int) []time.Time {
	var out []time.Time
	for d := t; len(out) < n; d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, d)
		}
	}
	return out
}

// idNumber makes a valid GB 11643 number.
func idNumber(county string, birth time.Time, seq int) string {
	first17 := county + birth.Format("20060102") + fmt.Sprintf("%03d", seq)
	return first17 + string(xiangpei.IDCheckDigit(first17))
}

// Row is one check-in or check-out as a terminal's export holds it.
type Row struct {
	IDNumber string
	Name     string
	At       time.Time
	Kind     string // xiangpei.CheckIn or CheckOut
	Device   string
	Seq      int // the session's number in its class
	Class    int // index into World.Classes
	Person   int // index into World.Persons
}

// Rows are the world's attendance events in time order. For each trainee and session: 4% are
// absent; the others check in up to 15 minutes early (10% up to 30 minutes late), 3% twice; they
// check out up to 10 minutes after the end (8% leave up to an hour early), and 3% forget to.
func (w *World) Rows() []Row {
	r := rand.New(rand.NewPCG(uint64(w.Seed), 0x2545f4914f6cdd1d))
	var out []Row
	for ci, c := range w.Classes {
		for _, x := range c.Sessions {
			for _, pi := range c.Trainees {
				if r.IntN(100) < 4 {
					continue
				}
				p := w.Persons[pi]
				add := func(at time.Time, kind string) {
					out = append(out, Row{IDNumber: p.IDNumber, Name: p.Name, At: at.Truncate(time.Second), Kind: kind,
						Device: c.Device, Seq: x.Seq, Class: ci, Person: pi})
				}
				in := x.Starts.Add(-time.Duration(r.IntN(15*60)) * time.Second)
				if r.IntN(100) < 10 {
					in = x.Starts.Add(time.Duration(r.IntN(30*60)) * time.Second)
				}
				add(in, xiangpei.CheckIn)
				if r.IntN(100) < 3 {
					add(in.Add(time.Duration(5+r.IntN(120))*time.Second), xiangpei.CheckIn)
				}
				if r.IntN(100) < 3 {
					continue
				}
				out2 := x.Ends.Add(time.Duration(r.IntN(10*60)) * time.Second)
				if r.IntN(100) < 8 {
					out2 = x.Ends.Add(-time.Duration(10*60+r.IntN(50*60)) * time.Second)
				}
				add(out2, xiangpei.CheckOut)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Row) int { return a.At.Compare(b.At) })
	return out
}

// WriteCSV writes rows as a terminal's export in the attendance template's columns (UTF-8,
// times in China time); the 节次 column is written when withSeq is set.
func WriteCSV(wr io.Writer, rows []Row, withSeq bool) error {
	b := bufio.NewWriterSize(wr, 1<<20)
	if withSeq {
		b.WriteString("身份证号,姓名,打卡时间,类型,设备号,节次\n")
	} else {
		b.WriteString("身份证号,姓名,打卡时间,类型,设备号\n")
	}
	var buf []byte
	for _, x := range rows {
		kind := "签到"
		if x.Kind == xiangpei.CheckOut {
			kind = "签退"
		}
		buf = append(buf[:0], x.IDNumber...)
		buf = append(buf, ',')
		buf = append(buf, x.Name...)
		buf = append(buf, ',')
		buf = x.At.In(china).AppendFormat(buf, "2006-01-02 15:04:05")
		buf = append(buf, ',')
		buf = append(buf, kind...)
		buf = append(buf, ',')
		buf = append(buf, x.Device...)
		if withSeq {
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(x.Seq), 10)
		}
		buf = append(buf, '\n')
		if _, err := b.Write(buf); err != nil {
			return err
		}
	}
	return b.Flush()
}
