package xiangpei

import "time"

// 培 — the roster of a class (学员名册, SPEC §4.3) and its trainees' completion (SPEC §4.5).

// TraineeStatus is the state of one trainee on a roster.
type TraineeStatus string

// The states of a trainee.
const (
	TraineeEnrolled     TraineeStatus = "enrolled"      // on the roster
	TraineeWithdrawn    TraineeStatus = "withdrawn"     // left before the class closed
	TraineeCompleted    TraineeStatus = "completed"     // 结业: attendance at or above the threshold
	TraineeNotCompleted TraineeStatus = "not_completed" // attendance below the threshold at closing
)

// TraineeStatuses lists the trainee states.
var TraineeStatuses = []TraineeStatus{TraineeEnrolled, TraineeWithdrawn, TraineeCompleted, TraineeNotCompleted}

// How a trainee came onto the roster.
const (
	SourceManual = "manual" // added one by one by the institution
	SourceImport = "import" // imported from a roster file
	SourceSelf   = "self"   // enrolled themselves from the public catalogue
)

// Trainee is one row of a class's roster.
type Trainee struct {
	ID              int64
	ClassID         int64
	PersonID        int64
	Name            string   // from the registry, for listings
	IDNumber        IDNumber // from the registry, shown masked
	Phone           string   // from the registry, shown masked
	Source          string
	Status          TraineeStatus
	Subsidised      bool // counts against the person's yearly subsidies and occupation history
	AttendedMinutes int  // derived from attendance; kept up to date by every ingestion
	Rating          int  // last-day quality rating 1–5, 0 none yet
	RatingComment   string
	AddedAt         time.Time
	Version         int64
}

// RatePct is the attendance rate in whole percent (rounded down), given the planned minutes of
// the class: attended / planned.
func RatePct(attended, planned int) int {
	if planned <= 0 {
		return 0
	}
	if attended > planned {
		attended = planned
	}
	return attended * 100 / planned
}

// Completes reports whether an attendance rate reaches the completion threshold.
func Completes(attended, planned int, r Rules) bool {
	return planned > 0 && attended*100 >= r.AttendancePct*planned
}
