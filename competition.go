package xiangpei

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// 赛 — skills competitions (职业技能竞赛, SPEC §6): a competition with events by occupation,
// registrations checked against each event's qualification rules, scores, ranking, awards, and
// the promotions and titles an award carries.

// CompetitionLevel is the level a competition is held at.
type CompetitionLevel string

// The levels of competition.
const (
	CompetitionCity     CompetitionLevel = "city"
	CompetitionProvince CompetitionLevel = "province"
	CompetitionNational CompetitionLevel = "national"
)

// CompetitionLevels lists the levels.
var CompetitionLevels = []CompetitionLevel{CompetitionCity, CompetitionProvince, CompetitionNational}

// Valid reports whether l is a known level.
func (l CompetitionLevel) Valid() bool { return slices.Contains(CompetitionLevels, l) }

// HeldBy says whether a bureau of region may organise a competition at level l: county and
// city bureaus hold city competitions, the province holds province and national ones.
func (l CompetitionLevel) HeldBy(region string) bool {
	if RegionLevel(region) == "province" {
		return l == CompetitionProvince || l == CompetitionNational
	}
	return l == CompetitionCity
}

// CompetitionStatus is the state of a competition.
type CompetitionStatus string

// The states of a competition.
const (
	CompetitionDraft     CompetitionStatus = "draft"     // being prepared by the organiser
	CompetitionOpen      CompetitionStatus = "open"      // registration open
	CompetitionClosed    CompetitionStatus = "closed"    // registration closed: review, contest, scores
	CompetitionPublished CompetitionStatus = "published" // rankings and awards published, honours granted
	CompetitionCancelled CompetitionStatus = "cancelled"
)

// CompetitionStatuses lists the states in lifecycle order.
var CompetitionStatuses = []CompetitionStatus{CompetitionDraft, CompetitionOpen, CompetitionClosed, CompetitionPublished, CompetitionCancelled}

// CompetitionAction changes a competition's state.
type CompetitionAction string

// The actions on a competition.
const (
	CompetitionOpenReg  CompetitionAction = "open"    // draft → open
	CompetitionCloseReg CompetitionAction = "close"   // open → closed
	CompetitionPublish  CompetitionAction = "publish" // closed → published
	CompetitionCancel   CompetitionAction = "cancel"  // draft, open or closed → cancelled
)

var competitionMoves = map[CompetitionAction]struct {
	from []CompetitionStatus
	to   CompetitionStatus
}{
	CompetitionOpenReg:  {[]CompetitionStatus{CompetitionDraft}, CompetitionOpen},
	CompetitionCloseReg: {[]CompetitionStatus{CompetitionOpen}, CompetitionClosed},
	CompetitionPublish:  {[]CompetitionStatus{CompetitionClosed}, CompetitionPublished},
	CompetitionCancel:   {[]CompetitionStatus{CompetitionDraft, CompetitionOpen, CompetitionClosed}, CompetitionCancelled},
}

// Next returns the state an action leads to from st, or a Conflict error.
func (st CompetitionStatus) Next(a CompetitionAction) (CompetitionStatus, error) {
	m, ok := competitionMoves[a]
	if !ok {
		return st, Errorf(Invalid, "competition.unknown_action", "There is no such action on a competition.")
	}
	if !slices.Contains(m.from, st) {
		return st, Errorf(Conflict, "competition.wrong_state", "This cannot be done in the competition's present state: reload the page to see where it stands.")
	}
	return m.to, nil
}

// Can reports whether the action is possible from st.
func (st CompetitionStatus) Can(a CompetitionAction) bool {
	_, err := st.Next(a)
	return err == nil
}

// Competition is a skills competition.
type Competition struct {
	ID        int64
	Region    string // the organising bureau's region code (city 430200, province 430000, …)
	Name      string
	Level     CompetitionLevel
	Year      int
	Rules     string
	RegOpens  string // YYYY-MM-DD
	RegCloses string
	StartsOn  string
	EndsOn    string
	Status    CompetitionStatus
	Events    []CompEvent
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// CompetitionInput is what an organiser fills in.
type CompetitionInput struct {
	Name      string
	Level     CompetitionLevel
	Year      int
	Rules     string
	RegOpens  string
	RegCloses string
	StartsOn  string
	EndsOn    string
	Events    []CompEvent
}

// Validate checks a competition: a name, a level, a year, dates in order (registration opens ≤
// closes ≤ contest starts ≤ ends, all in the year or the year before), rules of at most 5,000
// characters, and one to thirty events that each pass CompEvent.Validate.
func (in CompetitionInput) Validate() (CompetitionInput, error) {
	in.Name, in.Rules = strings.TrimSpace(in.Name), strings.TrimSpace(in.Rules)
	if n := utf8.RuneCountInString(in.Name); n < 2 || n > 100 {
		return in, Errorf(Invalid, "competition.name", "Give the competition a name of 2 to 100 characters.")
	}
	if !in.Level.Valid() {
		return in, Errorf(Invalid, "competition.level", "Choose the level of the competition: city, province or national.")
	}
	if in.Year < 2000 || in.Year > 2100 {
		return in, Errorf(Invalid, "competition.year", "Give the year of the competition.")
	}
	if utf8.RuneCountInString(in.Rules) > 5000 {
		return in, Errorf(Invalid, "competition.rules", "The rules may have at most 5,000 characters.")
	}
	var days [4]time.Time
	for i, d := range []*string{&in.RegOpens, &in.RegCloses, &in.StartsOn, &in.EndsOn} {
		*d = strings.TrimSpace(*d)
		t, err := time.ParseInLocation("2006-01-02", *d, ChinaTime)
		if err != nil {
			return in, Errorf(Invalid, "competition.dates", "Give the registration dates and the contest dates as YYYY-MM-DD.")
		}
		days[i] = t
	}
	for i := 1; i < 4; i++ {
		if days[i].Before(days[i-1]) {
			return in, Errorf(Invalid, "competition.date_order", "The dates must follow each other: registration opens, registration closes, the contest starts, the contest ends.")
		}
	}
	if y := days[3].Year(); y != in.Year {
		return in, Errorf(Invalid, "competition.date_year", "The contest must end in the competition's year %v.", in.Year)
	}
	if len(in.Events) < 1 || len(in.Events) > 30 {
		return in, Errorf(Invalid, "competition.events", "A competition has between one and thirty events.")
	}
	for i := range in.Events {
		ev, err := in.Events[i].Validate()
		if err != nil {
			return in, err
		}
		ev.Seq = i + 1
		in.Events[i] = ev
	}
	return in, nil
}

// EventMode says whether an event is contested by individuals or by teams.
type EventMode string

// The modes of an event.
const (
	EventIndividual EventMode = "individual"
	EventTeam       EventMode = "team"
)

// CompEvent is one event (比赛项目) of a competition: one contest of a competition, for one occupation.
type CompEvent struct {
	ID             int64
	CompetitionID  int64
	Seq            int
	OccupationCode string
	OccupationName string
	Name           string
	Mode           EventMode
	TeamSize       int // members per team (1 for individual events)
	// Qualification rules; zero values mean no rule.
	MinLevel string // the entrant must hold a skill certificate at this level or higher in the occupation
	Region   string // the entrant must live (registry county) inside this region
	MinAge   int
	MaxAge   int
	// Award quotas, by position in the ranking.
	First, Second, Third, Merit int
}

// Validate checks an event's fields.
func (e CompEvent) Validate() (CompEvent, error) {
	e.Name, e.OccupationCode = strings.TrimSpace(e.Name), strings.TrimSpace(e.OccupationCode)
	switch {
	case e.OccupationCode == "":
		return e, Errorf(Invalid, "event.occupation", "Each event needs an occupation.")
	case utf8.RuneCountInString(e.Name) < 2 || utf8.RuneCountInString(e.Name) > 100:
		return e, Errorf(Invalid, "event.name", "Give each event a name of 2 to 100 characters.")
	case e.Mode != EventIndividual && e.Mode != EventTeam:
		return e, Errorf(Invalid, "event.mode", "Say whether the event %v is for individuals or teams.", e.Name)
	case e.MinLevel != "" && CertKindOf(e.MinLevel) != CertSkill:
		return e, Errorf(Invalid, "event.min_level", "The required level of the event %v must be a skill level (1 to 5).", e.Name)
	case e.Region != "" && !IsRegionCode(e.Region):
		return e, Errorf(Invalid, "event.region", "The region of the event %v must be a six-digit region code.", e.Name)
	case e.MinAge < 0 || e.MaxAge < 0 || e.MinAge > 100 || e.MaxAge > 100 || (e.MaxAge > 0 && e.MaxAge < e.MinAge):
		return e, Errorf(Invalid, "event.age", "The age limits of the event %v are not valid.", e.Name)
	case e.First < 0 || e.Second < 0 || e.Third < 0 || e.Merit < 0 || e.First+e.Second+e.Third+e.Merit > 500:
		return e, Errorf(Invalid, "event.awards", "The numbers of awards of the event %v are not valid.", e.Name)
	}
	if e.Mode == EventIndividual {
		e.TeamSize = 1
	} else if e.TeamSize < 2 || e.TeamSize > 10 {
		return e, Errorf(Invalid, "event.team_size", "A team of the event %v has between 2 and 10 members.", e.Name)
	}
	return e, nil
}

// IsRegionCode reports whether s looks like a six-digit region code.
func IsRegionCode(s string) bool { return len(s) == 6 && idAllDigits(s) }

// Entrant is what the qualification rules look at for one person.
type Entrant struct {
	Name   string
	County string
	Birth  time.Time
	Held   map[string]string // occupation code → the highest skill level held (valid certificates)
}

// Qualify checks one person against an event's rules on day (the competition's start) and
// returns every rule they fail, nil when they qualify.
func (e CompEvent) Qualify(p Entrant, day time.Time) []*Error {
	var out []*Error
	if e.MinLevel != "" && !LevelAtLeast(p.Held[e.OccupationCode], e.MinLevel) {
		out = append(out, Errorf(Invalid, "entry.level", "%v does not hold a valid level %v (or higher) certificate in this occupation.", p.Name, e.MinLevel))
	}
	if e.Region != "" && !InRegion(p.County, e.Region) {
		out = append(out, Errorf(Invalid, "entry.region", "%v is not registered in the competition's region.", p.Name))
	}
	if e.MinAge > 0 || e.MaxAge > 0 {
		age := ageOn(p.Birth, day)
		if (e.MinAge > 0 && age < e.MinAge) || (e.MaxAge > 0 && age > e.MaxAge) {
			out = append(out, Errorf(Invalid, "entry.age", "%v is %v on the first day of the contest, outside the event's age limits.", p.Name, age))
		}
	}
	return out
}

func ageOn(birth, day time.Time) int {
	by, bm, bd := birth.Date()
	y, m, d := day.In(ChinaTime).Date()
	age := y - by
	if m < bm || (m == bm && d < bd) {
		age--
	}
	return age
}

// EntryStatus is the state of a registration.
type EntryStatus string

// The states of a registration.
const (
	EntryRegistered EntryStatus = "registered"
	EntryAccepted   EntryStatus = "accepted"
	EntryRejected   EntryStatus = "rejected"
	EntryWithdrawn  EntryStatus = "withdrawn"
)

// EntryAction changes a registration's state.
type EntryAction string

// The actions on a registration.
const (
	EntryAccept   EntryAction = "accept"
	EntryReject   EntryAction = "reject"
	EntryWithdraw EntryAction = "withdraw"
)

var entryMoves = map[EntryAction]struct {
	from []EntryStatus
	to   EntryStatus
}{
	EntryAccept:   {[]EntryStatus{EntryRegistered}, EntryAccepted},
	EntryReject:   {[]EntryStatus{EntryRegistered, EntryAccepted}, EntryRejected},
	EntryWithdraw: {[]EntryStatus{EntryRegistered, EntryAccepted}, EntryWithdrawn},
}

// Next returns the state an action leads to from st, or a Conflict error.
func (st EntryStatus) Next(a EntryAction) (EntryStatus, error) {
	m, ok := entryMoves[a]
	if !ok {
		return st, Errorf(Invalid, "entry.unknown_action", "There is no such action on a registration.")
	}
	if !slices.Contains(m.from, st) {
		return st, Errorf(Conflict, "entry.wrong_state", "This cannot be done in the registration's present state: reload the page to see where it stands.")
	}
	return m.to, nil
}

// Award is a prize of an event.
type Award string

// The awards, best first; "" is no award.
const (
	AwardNone   Award = ""
	AwardFirst  Award = "first"  // 一等奖
	AwardSecond Award = "second" // 二等奖
	AwardThird  Award = "third"  // 三等奖
	AwardMerit  Award = "merit"  // 优胜奖
)

// Scored is an accepted entry with its score, in tenths of a point.
type Scored struct {
	EntryID int64
	Score   int
}

// Placed is an entry's place in the ranking and its award.
type Placed struct {
	EntryID int64
	Score   int
	Rank    int
	Award   Award
}

// Rank orders entries by score (highest first) and gives awards by the event's quotas, in
// order: first prizes to the first places, then second, third and merit. Equal scores share a
// rank ("1, 2, 2, 4") and the award of the better place, so a tie at a quota's edge gives both
// entries the better award. Entries with equal scores are listed by entry id, for a stable
// order.
func (e CompEvent) Rank(in []Scored) []Placed {
	s := slices.Clone(in)
	slices.SortFunc(s, func(a, b Scored) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.EntryID, b.EntryID)
	})
	quota := []struct {
		award Award
		n     int
	}{{AwardFirst, e.First}, {AwardSecond, e.Second}, {AwardThird, e.Third}, {AwardMerit, e.Merit}}
	awardAt := func(pos int) Award { // pos is 0-based
		for _, q := range quota {
			if pos < q.n {
				return q.award
			}
			pos -= q.n
		}
		return AwardNone
	}
	out := make([]Placed, len(s))
	for i, x := range s {
		p := Placed{EntryID: x.EntryID, Score: x.Score, Rank: i + 1, Award: awardAt(i)}
		if i > 0 && x.Score == s[i-1].Score {
			p.Rank, p.Award = out[i-1].Rank, out[i-1].Award
		}
		out[i] = p
	}
	return out
}

// Honour is what an award grants: a skill-level promotion, a title, or both, with the legal
// basis recorded on the certificate.
type Honour struct {
	Level string // the skill level granted, "" for none
	Title string // e.g. 湖南省技术能手, "" for none
	Basis string
}

// PromotionBasis is the policy under which competition awards raise a skill level.
const PromotionBasis = "《人力资源社会保障部关于健全完善新时代技能人才职业技能等级制度的意见（试行）》（人社部发〔2022〕14号）"

// promotionCaps is the highest level an award can raise someone to, per competition level: a
// promotion is one level above the highest level held in the event's occupation (level 5 for
// someone holding none), never above the cap. Awards without an entry grant no promotion.
var promotionCaps = map[CompetitionLevel]map[Award]string{
	CompetitionNational: {AwardFirst: "1", AwardSecond: "1", AwardThird: "2"},
	CompetitionProvince: {AwardFirst: "2", AwardSecond: "3", AwardThird: "3"},
	CompetitionCity:     {AwardFirst: "3", AwardSecond: "4"},
}

// titled says which awards carry the title of 技术能手 at each level.
var titled = map[CompetitionLevel][]Award{
	CompetitionNational: {AwardFirst, AwardSecond},
	CompetitionProvince: {AwardFirst},
	CompetitionCity:     {AwardFirst},
}

// HonourFor decides what an award in an event of a competition grants to a person who holds
// held (the highest skill level in the event's occupation, "" for none). regionName names the
// organising region for the title (湖南省, 株洲市); a national title is 全国技术能手.
func HonourFor(c Competition, e CompEvent, award Award, held, regionName string) Honour {
	var h Honour
	if capLevel, ok := promotionCaps[c.Level][award]; ok {
		next := "5"
		if CertKindOf(held) == CertSkill {
			next = string(held[0] - 1)
		}
		if next >= capLevel && next >= "1" {
			h.Level = next
		}
	}
	if slices.Contains(titled[c.Level], award) {
		if c.Level == CompetitionNational {
			h.Title = "全国技术能手"
		} else {
			h.Title = regionName + "技术能手"
		}
	}
	if h.Level != "" || h.Title != "" {
		h.Basis = PromotionBasis + "；" + c.Name + " " + e.Name + " " + AwardName(award)
	}
	return h
}

// AwardName is the Chinese name of an award, as written on certificates.
func AwardName(a Award) string {
	switch a {
	case AwardFirst:
		return "一等奖"
	case AwardSecond:
		return "二等奖"
	case AwardThird:
		return "三等奖"
	case AwardMerit:
		return "优胜奖"
	}
	return ""
}
