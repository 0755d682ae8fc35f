package xiangpei

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// 人岗匹配 — the score of one seeker for one posting (SPEC §7). The score is an integer out of
// 100, the sum of the parts in matchWeights (docs/matching.md has the table), so that ties are
// exact and broken by the posting's or person's id. Every part that earns points, and every
// part that loses them, is explained by a MatchReason.

// SeekerProfile is what matching knows of a person: from the registry and verified records
// (completed classes, certificates, awards) and from their own preferences.
type SeekerProfile struct {
	PersonID     int64
	Occupations  []string // occupation codes: verified ones first, then wished ones
	Level        string   // highest verified skill level "5".."1", "" for none
	Certificates []string // held certificates (same naming as JobPosting.Certificates)
	Skills       []string
	Counties     []string // wished counties
	Lat, Lng     float64
	HasPlace     bool       // Lat/Lng are known
	WantFen      int64      // wished salary, 0 for no wish
	WantUnit     SalaryUnit // its unit
	WorkTypes    []WorkType // wished work types, none for any
}

// The parts of the score and their maximum points.
const (
	MatchOccupation = "occupation"
	MatchLevel      = "level"
	MatchCert       = "certificate"
	MatchSkills     = "skills"
	MatchDistance   = "distance"
	MatchSalary     = "salary"
	MatchWorkType   = "work_type"
	MatchFreshness  = "freshness"
	MatchShortage   = "shortage"
)

// MatchWeights is the maximum points of each part; they sum to 100.
var MatchWeights = []struct {
	Part string
	Max  int
}{
	{MatchOccupation, 30}, {MatchLevel, 10}, {MatchCert, 10}, {MatchSkills, 15}, {MatchDistance, 10},
	{MatchSalary, 10}, {MatchWorkType, 5}, {MatchFreshness, 5}, {MatchShortage, 5},
}

func matchMax(part string) int {
	for _, w := range MatchWeights {
		if w.Part == part {
			return w.Max
		}
	}
	return 0
}

// MatchReason explains one part of a score.
type MatchReason struct {
	Part   string
	Points int
	Max    int
	Key    string // message key
	Args   []any
	Text   string // English explanation
}

func reason(part string, points int, key, text string, args ...any) MatchReason {
	return MatchReason{Part: part, Points: points, Max: matchMax(part), Key: "match." + key, Args: args, Text: fmt.Sprintf(text, args...)}
}

// splitCode splits an occupation code into its parts: "4-10-01-05" → [4 10 01 05].
func splitCode(code string) []string {
	if code == "" {
		return nil
	}
	return strings.Split(code, "-")
}

// OccupationDepth is how many leading parts two occupation codes share: 4 the same 细类, 3 the
// same 小类, 2 the same 中类, 1 the same 大类, 0 nothing.
func OccupationDepth(a, b string) int {
	pa, pb := splitCode(a), splitCode(b)
	n := 0
	for n < len(pa) && n < len(pb) && pa[n] == pb[n] {
		n++
	}
	return n
}

// MonthlyEquivalentFen converts a salary to a month: a day × 21.75, an hour × 174 (the
// statutory 月计薪天数 and hours of a month, 劳社部发〔2008〕3号).
func MonthlyEquivalentFen(fen int64, u SalaryUnit) int64 {
	switch u {
	case PerDay:
		return fen * 2175 / 100
	case PerHour:
		return fen * 174
	}
	return fen
}

// MatchScore scores profile for posting p at now: occupation (same 细类 30, 小类 20, 中类 10),
// level (10 when met or none required, 3 one grade short), certificates (10 × the share held),
// skills (15 × the share of the posting's skills held), distance (10 within 5 km, 7 within
// 15, 4 within 30, 2 within 60; without coordinates 5 for a wished county), salary (10 when the
// top of the range reaches the wish, 5 within 90% of it), work type (5), freshness (5 within 7
// days of publication, 3 within 30) and 5 for a shortage occupation. The reasons come in that
// order.
func MatchScore(profile SeekerProfile, p JobPosting, shortage bool, now time.Time) (int, []MatchReason) {
	var why []MatchReason

	depth := 0
	for _, o := range profile.Occupations {
		depth = max(depth, OccupationDepth(o, p.Occupation))
	}
	switch {
	case depth >= 4:
		why = append(why, reason(MatchOccupation, 30, "occupation_same_detail", "Same occupation (细类) %s.", p.Occupation))
	case depth == 3:
		why = append(why, reason(MatchOccupation, 20, "occupation_same_minor", "Same occupation group (小类) as %s.", p.Occupation))
	case depth == 2:
		why = append(why, reason(MatchOccupation, 10, "occupation_same_middle", "Same occupation category (中类) as %s.", p.Occupation))
	default:
		why = append(why, reason(MatchOccupation, 0, "occupation_other", "A different occupation (%s).", p.Occupation))
	}

	need, have := levelRank(p.Level), levelRank(profile.Level)
	switch {
	case need == 0:
		why = append(why, reason(MatchLevel, 10, "level_none", "No skill level required."))
	case have >= need:
		why = append(why, reason(MatchLevel, 10, "level_met", "Your level %s meets the required level %s.", profile.Level, p.Level))
	case have == need-1:
		why = append(why, reason(MatchLevel, 3, "level_one_short", "Level %s is required; you are one grade short.", p.Level))
	default:
		why = append(why, reason(MatchLevel, 0, "level_short", "Level %s is required.", p.Level))
	}

	if len(p.Certificates) == 0 {
		why = append(why, reason(MatchCert, 10, "cert_none", "No certificate required."))
	} else {
		held := countHeld(p.Certificates, profile.Certificates)
		why = append(why, reason(MatchCert, 10*held/len(p.Certificates), "cert_share", "You hold %d of the %d certificates required.", held, len(p.Certificates)))
	}

	if len(p.Skills) == 0 {
		why = append(why, reason(MatchSkills, 15, "skills_none", "No particular skills listed."))
	} else {
		held := countHeld(p.Skills, profile.Skills)
		why = append(why, reason(MatchSkills, 15*held/len(p.Skills), "skills_share", "You have %d of the %d skills asked for.", held, len(p.Skills)))
	}

	if profile.HasPlace && (p.Lat != 0 || p.Lng != 0) {
		km := DistanceMetres(profile.Lat, profile.Lng, p.Lat, p.Lng) / 1000
		pts := 0
		switch {
		case km <= 5:
			pts = 10
		case km <= 15:
			pts = 7
		case km <= 30:
			pts = 4
		case km <= 60:
			pts = 2
		}
		why = append(why, reason(MatchDistance, pts, "distance_km", "%d km away.", int(math.Round(km))))
	} else if slices.Contains(profile.Counties, p.County) {
		why = append(why, reason(MatchDistance, 5, "distance_county", "In a county you wish to work in."))
	} else {
		why = append(why, reason(MatchDistance, 0, "distance_unknown", "Not in a county you wish to work in."))
	}

	if profile.WantFen == 0 {
		why = append(why, reason(MatchSalary, 10, "salary_no_wish", "You gave no salary wish."))
	} else {
		top := p.Salary.MaxFen
		if top == 0 {
			top = p.Salary.MinFen
		}
		offer, want := MonthlyEquivalentFen(top, p.Salary.Unit), MonthlyEquivalentFen(profile.WantFen, profile.WantUnit)
		switch {
		case offer >= want:
			why = append(why, reason(MatchSalary, 10, "salary_met", "Pays up to %s yuan a month or its equivalent, at least your wish of %s.", FormatFen(offer), FormatFen(want)))
		case offer*10 >= want*9:
			why = append(why, reason(MatchSalary, 5, "salary_close", "Pays up to %s yuan a month or its equivalent, within 10%% of your wish of %s.", FormatFen(offer), FormatFen(want)))
		default:
			why = append(why, reason(MatchSalary, 0, "salary_below", "Pays up to %s yuan a month or its equivalent, below your wish of %s.", FormatFen(offer), FormatFen(want)))
		}
	}

	if len(profile.WorkTypes) == 0 || slices.Contains(profile.WorkTypes, p.WorkType) {
		why = append(why, reason(MatchWorkType, 5, "work_type_fits", "The work type (%s) suits you.", p.WorkType))
	} else {
		why = append(why, reason(MatchWorkType, 0, "work_type_other", "The work type (%s) is not one you asked for.", p.WorkType))
	}

	switch age := int(civil(now).Sub(civil(p.PublishedAt)).Hours() / 24); {
	case p.PublishedAt.IsZero():
		why = append(why, reason(MatchFreshness, 0, "fresh_unknown", "Not yet published."))
	case age <= 0:
		why = append(why, reason(MatchFreshness, 5, "fresh_today", "Published today."))
	case age <= 7:
		why = append(why, reason(MatchFreshness, 5, "fresh_week", "Published %d days ago.", age))
	case age <= 30:
		why = append(why, reason(MatchFreshness, 3, "fresh_month", "Published %d days ago.", age))
	default:
		why = append(why, reason(MatchFreshness, 0, "fresh_old", "Published %d days ago.", age))
	}

	if shortage {
		why = append(why, reason(MatchShortage, 5, "shortage", "A shortage occupation (紧缺工种)."))
	} else {
		why = append(why, reason(MatchShortage, 0, "not_shortage", "Not a shortage occupation."))
	}

	score := 0
	for _, r := range why {
		score += r.Points
	}
	return score, why
}

// countHeld counts the wanted items found in held, ignoring case and surrounding spaces.
func countHeld(wanted, held []string) int {
	n := 0
	for _, w := range wanted {
		if slices.ContainsFunc(held, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(w)) }) {
			n++
		}
	}
	return n
}

// Gap is one thing a seeker lacks for a posting: a skill, a certificate or a level.
type Gap struct {
	Kind string // "skill", "certificate", "level"
	What string // the skill, the certificate, or the level required
}

// NearMiss lists what profile lacks for p, in the order level, certificates, skills (each in
// the posting's order): the gaps a class can close.
func NearMiss(profile SeekerProfile, p JobPosting) []Gap {
	var gaps []Gap
	if need := levelRank(p.Level); need > 0 && levelRank(profile.Level) < need {
		gaps = append(gaps, Gap{"level", p.Level})
	}
	for _, c := range p.Certificates {
		if countHeld([]string{c}, profile.Certificates) == 0 {
			gaps = append(gaps, Gap{"certificate", c})
		}
	}
	for _, s := range p.Skills {
		if countHeld([]string{s}, profile.Skills) == 0 {
			gaps = append(gaps, Gap{"skill", s})
		}
	}
	return gaps
}

// Match is a scored pair, for ordering lists.
type Match struct {
	ID    int64 // the posting (a person's list) or the person (a posting's list)
	Score int
}

// SortMatches orders matches best first, ties by ascending id, so that every list is stable.
func SortMatches(ms []Match) {
	slices.SortFunc(ms, func(a, b Match) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
