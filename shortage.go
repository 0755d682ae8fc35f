package xiangpei

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// 培 — shortage-occupation lists (紧缺工种目录, SPEC §4.1): what a city or province publishes for
// a period, the states a list passes through, and the rules of its entries.
//
// A list belongs to a region (a city or a province) and to a series: the first list of a
// series is version 1, and each revision of a published list is a new draft with the next
// version number. Publishing a revision supersedes the version before it from that moment on;
// nothing published is ever changed, so the question "which list was in force in region R at
// instant T" always has one exact answer (ShortageList.InForce).

// ShortageStatus is the state of a shortage list.
type ShortageStatus string

// The states of a shortage list.
const (
	ShortageDraft      ShortageStatus = "draft"      // being written; not public, entries may change
	ShortagePublished  ShortageStatus = "published"  // public and in force within its period
	ShortageSuperseded ShortageStatus = "superseded" // replaced by a later version of its series
	ShortageWithdrawn  ShortageStatus = "withdrawn"  // taken back by the bureau, with a reason
)

// ShortageStatuses lists the states in the order of the lifecycle.
var ShortageStatuses = []ShortageStatus{ShortageDraft, ShortagePublished, ShortageSuperseded, ShortageWithdrawn}

// Valid reports whether st is a known state.
func (st ShortageStatus) Valid() bool { return slices.Contains(ShortageStatuses, st) }

// ShortageAction is something done to a shortage list.
type ShortageAction string

// The actions on a shortage list.
const (
	ShortagePublish   ShortageAction = "publish"   // officer: draft → published (needs at least one entry)
	ShortageWithdraw  ShortageAction = "withdraw"  // officer: published → withdrawn, with a reason
	ShortageSupersede ShortageAction = "supersede" // the platform: published → superseded, when the next version is published
	ShortageRevise    ShortageAction = "revise"    // officer: a published list stays published and a new draft version is made from it
)

var shortageMoves = map[ShortageAction]struct {
	from []ShortageStatus
	to   ShortageStatus
}{
	ShortagePublish:   {[]ShortageStatus{ShortageDraft}, ShortagePublished},
	ShortageWithdraw:  {[]ShortageStatus{ShortagePublished}, ShortageWithdrawn},
	ShortageSupersede: {[]ShortageStatus{ShortagePublished}, ShortageSuperseded},
	ShortageRevise:    {[]ShortageStatus{ShortagePublished}, ShortagePublished},
}

// Next returns the state an action leads to from st, or a Conflict error when the action is not
// possible from it. Revising leaves the list itself published: it makes a new draft beside it.
func (st ShortageStatus) Next(a ShortageAction) (ShortageStatus, error) {
	m, ok := shortageMoves[a]
	if !ok {
		return st, Errorf(Invalid, "shortage.unknown_action", "There is no such action on a shortage list.")
	}
	if !slices.Contains(m.from, st) {
		return st, Errorf(Conflict, "shortage.wrong_state", "This cannot be done in the list's present state: reload the page to see where it stands.")
	}
	return m.to, nil
}

// Can reports whether the action is possible from st.
func (st ShortageStatus) Can(a ShortageAction) bool {
	_, err := st.Next(a)
	return err == nil
}

// Editable reports whether the list's title, period and entries may still change: only a
// draft; published lists never change.
func (st ShortageStatus) Editable() bool { return st == ShortageDraft }

// Public reports whether the list has been published (whatever happened to it since), so that
// anyone may read it.
func (st ShortageStatus) Public() bool { return st != ShortageDraft && st.Valid() }

// Shortage degrees (紧缺程度).
const (
	ShortageMild     = "mild"     // 一般紧缺
	ShortageModerate = "moderate" // 比较紧缺
	ShortageSevere   = "severe"   // 非常紧缺
)

// ShortageDegrees lists the degrees from the mildest.
var ShortageDegrees = []string{ShortageMild, ShortageModerate, ShortageSevere}

// ShortageUpliftMax is the largest subsidy uplift a shortage entry may give, in percent (SPEC
// §8: "up to +30%").
const ShortageUpliftMax = 30

// ShortageEntry is one line of a shortage list: an occupation at a skill level, how short the
// region is of it, the subsidy uplift it gives, and the key sectors it serves.
type ShortageEntry struct {
	ID             int64
	ListID         int64
	OccupationCode string   // a most detailed entry (细类) of the catalogue, "4-10-01-05"
	OccupationName string   // filled in by the store's readings
	Level          string   // skill level code: "5".."1", "special" or "completion"
	Degree         string   // ShortageMild, ShortageModerate or ShortageSevere
	UpliftPct      int      // 0..ShortageUpliftMax
	Sectors        []string // key sector codes, sorted; empty: not tied to a sector
}

// ShortageEntryInput is what an officer types to add an entry.
type ShortageEntryInput struct {
	OccupationCode string
	Level          string
	Degree         string
	UpliftPct      int
	Sectors        []string
}

// Validate checks an entry's own fields (the store checks that the occupation, level and
// sectors exist): an occupation and a level, a known degree, an uplift from 0 to
// ShortageUpliftMax percent, and sectors named at most once each. Blank sectors are dropped and
// the sectors come back sorted.
func (in ShortageEntryInput) Validate() (ShortageEntryInput, error) {
	in.OccupationCode, in.Level = strings.TrimSpace(in.OccupationCode), strings.TrimSpace(in.Level)
	in.Degree = strings.TrimSpace(in.Degree)
	if in.OccupationCode == "" {
		return in, Errorf(Invalid, "shortage.occupation_missing", "Choose the occupation, by its code in the catalogue such as 4-10-01-05.")
	}
	if in.Level == "" {
		return in, Errorf(Invalid, "shortage.level_missing", "Choose the skill level.")
	}
	if !slices.Contains(ShortageDegrees, in.Degree) {
		return in, Errorf(Invalid, "shortage.degree_invalid", "Choose how short the region is of this occupation: mild, moderate or severe.")
	}
	if in.UpliftPct < 0 || in.UpliftPct > ShortageUpliftMax {
		return in, Errorf(Invalid, "shortage.uplift_range", "The subsidy uplift must be a whole number from 0 to %v percent.", ShortageUpliftMax)
	}
	sectors := make([]string, 0, len(in.Sectors))
	for _, s := range in.Sectors {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if slices.Contains(sectors, s) {
			return in, Errorf(Invalid, "shortage.sector_twice", "A sector is named twice: name each sector once.")
		}
		sectors = append(sectors, s)
	}
	slices.Sort(sectors)
	in.Sectors = sectors
	return in, nil
}

// ShortageList is a shortage-occupation list of a region for a period.
type ShortageList struct {
	ID             int64
	SeriesID       int64 // the id of the series' first list
	ListVersion    int   // 1, 2, … within the series
	RevisedFrom    int64 // the list this draft was revised from; 0 for a first version
	Region         string
	Title          string
	From, To       string // the period, China dates "2026-01-01", both days included
	Status         ShortageStatus
	CreatedBy      int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	PublishedAt    time.Time // zero while a draft
	PublishedBy    int64
	SupersededAt   time.Time // zero unless superseded
	SupersededBy   int64     // the list that superseded it
	WithdrawnAt    time.Time // zero unless withdrawn
	WithdrawnBy    int64
	WithdrawReason string
	Entries        []ShortageEntry // filled in when one list is read
	EntryCount     int             // filled in by listings
	Version        int64           // the record's version, for concurrent edits
}

// InForce reports whether the list applies at the instant at: it has been published by then,
// was neither superseded nor withdrawn by then, and the date of at (China time) lies within its
// period. The store's queries apply the same rule.
func (l ShortageList) InForce(at time.Time) bool {
	if !l.Status.Public() || l.PublishedAt.IsZero() || at.Before(l.PublishedAt) {
		return false
	}
	if !l.SupersededAt.IsZero() && !at.Before(l.SupersededAt) {
		return false
	}
	if !l.WithdrawnAt.IsZero() && !at.Before(l.WithdrawnAt) {
		return false
	}
	d := ChinaDate(at)
	return l.From <= d && d <= l.To
}

// Ended reports whether the list's period has ended before the date of at (China time).
func (l ShortageList) Ended(at time.Time) bool { return l.To < ChinaDate(at) }

// CheckPublish checks what publishing needs beyond the state: at least one entry, and a period
// that has not ended yet.
func (l ShortageList) CheckPublish(entries int, now time.Time) error {
	if entries == 0 {
		return Errorf(Invalid, "shortage.no_entries", "Add at least one occupation before publishing the list.")
	}
	if l.Ended(now) {
		return Errorf(Invalid, "shortage.period_over", "The list's period has already ended: change the period before publishing.")
	}
	return nil
}

// ShortageListInput is what an officer types to start a list or change a draft's heading.
type ShortageListInput struct {
	Region string // a city or province code
	Title  string
	From   string // "2026-01-01"
	To     string // "2026-12-31"
}

// shortageMaxDays is the longest period a list may cover: a list is reviewed at least every
// three years.
const shortageMaxDays = 3 * 366

// Validate checks a list's heading: a city or province region code, a title of 2 to 80
// characters, and a period of real dates whose end is not before its start and which lasts at
// most three years.
func (in ShortageListInput) Validate() (ShortageListInput, error) {
	in.Region, in.Title = strings.TrimSpace(in.Region), strings.TrimSpace(in.Title)
	in.From, in.To = strings.TrimSpace(in.From), strings.TrimSpace(in.To)
	if len(in.Region) != 6 || strings.Trim(in.Region, "0123456789") != "" {
		return in, Errorf(Invalid, "shortage.region_missing", "Choose the city or province the list is for.")
	}
	if RegionLevel(in.Region) == "county" {
		return in, Errorf(Invalid, "shortage.region_county", "A shortage list is published for a city or a province, not for a county.")
	}
	if n := utf8.RuneCountInString(in.Title); n < 2 || n > 80 {
		return in, Errorf(Invalid, "shortage.title", "Give the list a title of 2 to 80 characters, such as “2026年株洲市紧缺工种目录”.")
	}
	from, err1 := time.Parse(time.DateOnly, in.From)
	to, err2 := time.Parse(time.DateOnly, in.To)
	if err1 != nil || err2 != nil {
		return in, Errorf(Invalid, "shortage.period_dates", "Give the first and the last day of the period as dates, such as 2026-01-01 and 2026-12-31.")
	}
	if to.Before(from) {
		return in, Errorf(Invalid, "shortage.period_order", "The period must end on or after the day it starts.")
	}
	if to.Sub(from) > shortageMaxDays*24*time.Hour {
		return in, Errorf(Invalid, "shortage.period_long", "A list covers at most three years: publish a new list after that.")
	}
	return in, nil
}

// ShortageEntryInForce is an entry of a list in force, with the list it comes from: what the
// subsidy rules and the matching of people to courses read.
type ShortageEntryInForce struct {
	ShortageEntry
	ListID      int64
	SeriesID    int64
	ListVersion int
	Region      string // the city or province whose list it is
	Title       string
	PublishedAt time.Time
}

// MergeShortage keeps one entry per occupation and level among the entries of the lists in
// force for one place (its city's and its province's): the one with the highest uplift; on equal
// uplift the more local list's (the city's), then the one published later. The result is sorted
// by occupation code and level, from the entry level up.
func MergeShortage(in []ShortageEntryInForce) []ShortageEntryInForce {
	best := map[[2]string]ShortageEntryInForce{}
	for _, e := range in {
		k := [2]string{e.OccupationCode, e.Level}
		cur, ok := best[k]
		if !ok || shortageBetter(e, cur) {
			best[k] = e
		}
	}
	out := make([]ShortageEntryInForce, 0, len(best))
	for _, e := range best {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b ShortageEntryInForce) int {
		return cmp.Or(cmp.Compare(a.OccupationCode, b.OccupationCode), cmp.Compare(shortageLevelOrder(a.Level), shortageLevelOrder(b.Level)))
	})
	return out
}

// shortageLevelOrder orders skill levels from the entry level up, as the reference data ranks
// them: 5 (初级) first, 1 (高级技师) last, then special vocational ability and completion.
func shortageLevelOrder(level string) int {
	switch level {
	case "special":
		return 6
	case "completion":
		return 7
	}
	if len(level) == 1 && level >= "1" && level <= "5" {
		return int('6' - level[0])
	}
	return 99
}

// shortageBetter reports whether a wins over b for the same occupation and level.
func shortageBetter(a, b ShortageEntryInForce) bool {
	if a.UpliftPct != b.UpliftPct {
		return a.UpliftPct > b.UpliftPct
	}
	if la, lb := len(RegionPrefix(a.Region)), len(RegionPrefix(b.Region)); la != lb {
		return la > lb
	}
	if !a.PublishedAt.Equal(b.PublishedAt) {
		return a.PublishedAt.After(b.PublishedAt)
	}
	return a.ListID > b.ListID
}

// ShortageRegions lists the regions whose lists apply to a place, the most local first: for a
// county its city and its province, for a city itself and its province, for a province itself.
// A code that is not six digits applies to no region.
func ShortageRegions(code string) []string {
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return nil
	}
	city, province := code[:4]+"00", code[:2]+"0000"
	if RegionLevel(code) == "province" {
		return []string{province}
	}
	return []string{city, province}
}
