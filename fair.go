package xiangpei

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// 招聘会 — job fairs (SPEC §7, docs/fairs.md): on site, online or both. An officer of a region
// with the publish duty drafts a fair, publishes it and may cancel it; where a fair stands in
// time (upcoming, under way, ended) is computed from its hours, never stored. Employers join
// a published fair that has not ended, taking a booth when it has booths; persons sign up in
// the sign-up window and apply to the fair's postings while it is under way.

// FairKind is how a fair is held.
type FairKind string

// The kinds of fair.
const (
	FairOnSite FairKind = "on_site" // 现场
	FairOnline FairKind = "online"  // 网络
	FairBoth   FairKind = "both"    // 线上线下同步
)

// FairKinds lists the kinds.
var FairKinds = []FairKind{FairOnSite, FairOnline, FairBoth}

// Valid reports whether k is a known kind.
func (k FairKind) Valid() bool { return slices.Contains(FairKinds, k) }

// OnSite reports whether the fair has a venue and booths.
func (k FairKind) OnSite() bool { return k == FairOnSite || k == FairBoth }

// FairStatus is the stored state of a fair: draft, published or cancelled.
type FairStatus string

// The stored states of a fair.
const (
	FairDraft     FairStatus = "draft"
	FairPublished FairStatus = "published"
	FairCancelled FairStatus = "cancelled"
)

// FairStatuses lists the stored states.
var FairStatuses = []FairStatus{FairDraft, FairPublished, FairCancelled}

// Valid reports whether st is a known state.
func (st FairStatus) Valid() bool { return slices.Contains(FairStatuses, st) }

// FairPhase is where a published fair stands in time, computed when read.
type FairPhase string

// The phases of a fair.
const (
	FairUpcoming FairPhase = "upcoming"
	FairOngoing  FairPhase = "ongoing"
	FairEnded    FairPhase = "ended"
)

// JobFair is a fair as its officers write it.
type JobFair struct {
	ID          int64
	Name        string
	Kind        FairKind
	Venue       string // on site: the hall
	Address     string
	County      string // the region that owns the fair
	Description string
	StartsAt    time.Time
	EndsAt      time.Time
	SignupFrom  time.Time
	SignupTo    time.Time
	Booths      int // on site: booths numbered 1..Booths; 0 online
	Status      FairStatus
}

// Validate checks a fair's fields and cleans its text. Sign-up opens no later than the fair
// starts and closes no later than it ends; an on-site fair has a venue and at least one booth.
func (f JobFair) Validate() (JobFair, error) {
	f.Name, f.Venue, f.Address = strings.TrimSpace(f.Name), strings.TrimSpace(f.Venue), strings.TrimSpace(f.Address)
	f.Description, f.County = strings.TrimSpace(f.Description), strings.TrimSpace(f.County)
	switch {
	case f.Name == "" || utf8.RuneCountInString(f.Name) > 100:
		return f, Errorf(Invalid, "fair.name_missing", "Give the fair a name of at most 100 characters.")
	case !f.Kind.Valid():
		return f, Errorf(Invalid, "fair.kind_bad", "Choose whether the fair is on site, online or both.")
	case len(f.County) != 6:
		return f, Errorf(Invalid, "fair.county_missing", "Choose the county or city that holds the fair.")
	case f.StartsAt.IsZero() || f.EndsAt.IsZero() || !f.EndsAt.After(f.StartsAt):
		return f, Errorf(Invalid, "fair.hours_bad", "Give when the fair starts and ends; it must end after it starts.")
	case f.SignupFrom.IsZero() || f.SignupTo.IsZero() || f.SignupTo.Before(f.SignupFrom) || f.SignupFrom.After(f.StartsAt) || f.SignupTo.After(f.EndsAt):
		return f, Errorf(Invalid, "fair.signup_bad", "Sign-up must open no later than the fair starts and close no later than it ends.")
	case f.Kind.OnSite() && (f.Venue == "" || f.Booths < 1):
		return f, Errorf(Invalid, "fair.venue_missing", "An on-site fair needs its venue and the number of booths.")
	case f.Booths < 0 || f.Booths > 2000:
		return f, Errorf(Invalid, "fair.booths_bad", "The number of booths must be between 1 and 2000.")
	}
	if !f.Kind.OnSite() {
		f.Booths = 0
	}
	return f, nil
}

// Phase is where the fair stands at now.
func (f JobFair) Phase(now time.Time) FairPhase {
	switch {
	case now.Before(f.StartsAt):
		return FairUpcoming
	case now.Before(f.EndsAt):
		return FairOngoing
	}
	return FairEnded
}

// SignupOpen reports whether persons may sign up at now: published and inside the window.
func (f JobFair) SignupOpen(now time.Time) bool {
	return f.Status == FairPublished && !now.Before(f.SignupFrom) && !now.After(f.SignupTo)
}

// Joinable reports whether employers may join at now: published and not ended.
func (f JobFair) Joinable(now time.Time) bool {
	return f.Status == FairPublished && now.Before(f.EndsAt)
}

// TakesApplications reports whether applications go through the fair at now: published and
// under way.
func (f JobFair) TakesApplications(now time.Time) bool {
	return f.Status == FairPublished && f.Phase(now) == FairOngoing
}

// FairCounts are a fair's live figures, from the current state of its applications:
// interviews count applications at interview or beyond (offered, hired), offers those offered
// or hired, hires those hired.
type FairCounts struct {
	Employers  int
	Postings   int
	Openings   int // sum of the headcounts of the fair's published postings
	Signups    int
	Applicants int // distinct persons who applied through the fair
	Interviews int
	Offers     int
	Hires      int
}
