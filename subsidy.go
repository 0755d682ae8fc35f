package xiangpei

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// 补 — the versioned subsidy rule table (SPEC §8) and the computation of one claim line.
//
// A region (province or city) keeps a series of versions of its rule table; each version takes
// effect on a China date and is never changed afterwards: a change is a new version. The rule
// in force for a county on a day is the newest version, effective on or before that day, of the
// most specific region containing the county (county → city → province); without any, the
// SPEC defaults apply (DefaultSubsidyRule).

// SubsidyLevels are the level codes every rule version prices, from the entry level up.
var SubsidyLevels = []string{"5", "4", "3", "2", "1", "special", "completion"}

// SubsidyKeyGroups are the key groups a rule may give a living allowance to.
var SubsidyKeyGroups = []string{"migrant", "graduate", "veteran", "disabled"}

// SubsidyMaxFen is the largest amount any rule value may hold: ¥100,000.
const SubsidyMaxFen = 10_000_000

// SubsidyRule is one version of a region's subsidy rule table (SPEC §8): amounts in integer fen.
type SubsidyRule struct {
	ID            int64
	Region        string           // six-digit region code: "430000" province, "430200" city
	Version       int              // 1, 2, … per region
	EffectiveFrom string           // YYYY-MM-DD (China date) it takes effect
	StandardFen   map[string]int64 // by level code "5","4","3","2","1","special","completion"
	UpliftMaxPct  int              // shortage uplift cap in percent (30)
	KeyGroupFen   map[string]int64 // addition per key group code (living allowance 生活费补贴), e.g. "migrant"
	CapFen        int64            // most one line may pay
	Limits        Rules            // the SPEC §8 limits
	Note          string           // what changed, for the history
	CreatedAt     time.Time
	CreatedBy     string
}

// DefaultSubsidyRule is the rule table of SPEC §8 for a region from a day: 五级 ¥1,000, 四级
// ¥1,500, 三级 ¥2,000, 二级 ¥2,500, 一级 ¥3,000, special vocational ability ¥600, training
// completion ¥400; shortage uplift up to 30%; a living allowance of ¥300 for a trainee of any
// key group (only the largest one applies, never summed); a cap of ¥3,300 per line (the highest
// standard plus one allowance); the limits of DefaultRules.
func DefaultSubsidyRule(region string, from string) SubsidyRule {
	return SubsidyRule{
		Region: region, Version: 0, EffectiveFrom: from,
		StandardFen: map[string]int64{
			"5": 100000, "4": 150000, "3": 200000, "2": 250000, "1": 300000, "special": 60000, "completion": 40000,
		},
		UpliftMaxPct: 30,
		KeyGroupFen:  map[string]int64{"migrant": 30000, "graduate": 30000, "veteran": 30000, "disabled": 30000},
		CapFen:       330000,
		Limits:       DefaultRules(),
	}
}

// subsidyDate reports whether s is a calendar date written YYYY-MM-DD.
func subsidyDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == 10
}

// Validate checks a version before it is stored and returns it tidied (note trimmed, key-group
// additions of zero dropped). Every level must be priced; amounts are whole fen from 0 to
// ¥100,000; the uplift cap is 0–100%; the limits must be sane.
func (r SubsidyRule) Validate() (SubsidyRule, error) {
	if !IsRegionCode(r.Region) || RegionLevel(r.Region) == "county" {
		return r, Errorf(Invalid, "subsidy.region", "A rule table belongs to a province or a city: choose one by its six-digit code.")
	}
	if !subsidyDate(r.EffectiveFrom) {
		return r, Errorf(Invalid, "subsidy.effective_from", "Give the day the rules take effect as a date, such as 2027-01-01.")
	}
	std := make(map[string]int64, len(SubsidyLevels))
	for _, l := range SubsidyLevels {
		v, ok := r.StandardFen[l]
		if !ok {
			return r, Errorf(Invalid, "subsidy.level_missing", "Give the standard amount for level %v.", l)
		}
		if v < 0 || v > SubsidyMaxFen {
			return r, Errorf(Invalid, "subsidy.amount", "Amounts are from ¥0 to ¥100,000 (%v).", l)
		}
		std[l] = v
	}
	for l := range r.StandardFen {
		if !slices.Contains(SubsidyLevels, l) {
			return r, Errorf(Invalid, "subsidy.level_unknown", "There is no level %q.", l)
		}
	}
	groups := map[string]int64{}
	for g, v := range r.KeyGroupFen {
		if !slices.Contains(SubsidyKeyGroups, g) {
			return r, Errorf(Invalid, "subsidy.group_unknown", "There is no key group %q.", g)
		}
		if v < 0 || v > SubsidyMaxFen {
			return r, Errorf(Invalid, "subsidy.amount", "Amounts are from ¥0 to ¥100,000 (%v).", g)
		}
		if v > 0 {
			groups[g] = v
		}
	}
	if r.CapFen < 0 || r.CapFen > SubsidyMaxFen {
		return r, Errorf(Invalid, "subsidy.amount", "Amounts are from ¥0 to ¥100,000 (%v).", "cap")
	}
	if r.UpliftMaxPct < 0 || r.UpliftMaxPct > 100 {
		return r, Errorf(Invalid, "subsidy.uplift", "The shortage uplift cap is a percentage from 0 to 100.")
	}
	if err := r.Limits.validateSubsidy(); err != nil {
		return r, err
	}
	r.Note = strings.TrimSpace(r.Note)
	if len([]rune(r.Note)) > 500 {
		return r, Errorf(Invalid, "subsidy.note", "Say what changed in at most 500 characters.")
	}
	r.StandardFen, r.KeyGroupFen = std, groups
	return r, nil
}

// validateSubsidy checks the limits a rule version carries.
func (l Rules) validateSubsidy() error {
	bad := func(name string) error {
		return Errorf(Invalid, "subsidy.limit", "The limit “%v” is out of range.", name)
	}
	switch {
	case l.LabourAgeMin < 14 || l.LabourAgeMax > 75 || l.LabourAgeMin > l.LabourAgeMax:
		return bad("labour_age")
	case l.YearlySubsidies < 1 || l.YearlySubsidies > 12:
		return bad("yearly_subsidies")
	case l.AttendancePct < 1 || l.AttendancePct > 100:
		return bad("attendance_pct")
	case l.CertificateDays < 1 || l.CertificateDays > 730:
		return bad("certificate_days")
	case l.ClaimMonths < 1 || l.ClaimMonths > 60:
		return bad("claim_months")
	case l.NoticeWorkdays < 1 || l.NoticeWorkdays > 30:
		return bad("notice_workdays")
	case l.FilingLeadWorkdays < 0 || l.FilingLeadWorkdays > 30:
		return bad("filing_lead_workdays")
	case l.ClassCapacity < 1 || l.ClassCapacity > 1000:
		return bad("class_capacity")
	case l.ComplaintWorkdays < 1 || l.ComplaintWorkdays > 30:
		return bad("complaint_workdays")
	}
	return nil
}

// LineInput is the evidence one claim line is computed from.
type LineInput struct {
	Level              string
	OccupationCode     string
	AgeAtStart         int
	AttendedPct        int // 0–100
	Completed          bool
	CertLevel          string
	CertOccupation     string
	CertIssued         string // YYYY-MM-DD
	CertValid          bool
	ClassEnd           string // YYYY-MM-DD
	ClaimDay           string // YYYY-MM-DD the claim is made
	SubsidisedThisYear int    // other subsidised trainings of the person in the class's year (not this one)
	SameOrHigherBefore string // "" or a description of an earlier subsidy of the same occupation at the same or a higher level ("2025 四级")
	UpliftPct          int    // shortage uplift in force at class start (0 when none)
	KeyGroups          []string
}

// TraceStep is one rule applied to a line: Key a catalogue key ("trace.attendance"), Args its
// values, Text the English fallback.
type TraceStep struct {
	Key  string
	Pass bool
	Args []any
	Text string
}

// LineResult is a computed line: the amount, whether it may be paid, and the trace.
type LineResult struct {
	AmountFen int64
	Payable   bool
	Trace     []TraceStep
}

func subsidyStep(key string, pass bool, text string, args ...any) TraceStep {
	word := "pass"
	if !pass {
		word = "fail"
	}
	return TraceStep{Key: key, Pass: pass, Args: args, Text: fmt.Sprintf(text, args...) + ": " + word}
}

// subsidyAddMonths adds n calendar months to a date, clamping to the month's last day (2026-01-31 + 1
// month = 2026-02-28), so a 12-month window from 2024-02-29 ends on 2025-02-28.
func subsidyAddMonths(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}

// certLevelCovers reports whether a certificate at level cert meets a class at level class:
// graded levels (5 the lowest … 1 the highest) must be the same or higher; special vocational
// ability and training completion must match exactly.
func certLevelCovers(cert, class string) bool {
	if levelRank(class) > 0 {
		return levelRank(cert) >= levelRank(class)
	}
	return cert == class
}

// Compute applies the rule version to one line. Every check becomes a trace step, in this
// order: labour age; attendance; completion; the certificate (present and valid, same
// occupation, level at least the class's, issued on or after the class's last day and within
// Limits.CertificateDays of it); the claim within Limits.ClaimMonths of the certificate; the
// yearly count; no earlier subsidy of the same occupation at the same or a higher level; then
// the amount. The amount is the class level's standard × (100 + min(uplift, UpliftMaxPct)) /
// 100, rounded half up to the fen, plus the largest key-group addition of the trainee's groups,
// capped at CapFen. The line is payable only when every check passes; the amount is shown
// either way.
func (r SubsidyRule) Compute(in LineInput) LineResult {
	var res LineResult
	lim := r.Limits
	add := func(s TraceStep) { res.Trace = append(res.Trace, s) }

	add(subsidyStep("trace.age", in.AgeAtStart >= lim.LabourAgeMin && in.AgeAtStart <= lim.LabourAgeMax,
		"age %v at class start within %v–%v", in.AgeAtStart, lim.LabourAgeMin, lim.LabourAgeMax))
	add(subsidyStep("trace.attendance", in.AttendedPct >= lim.AttendancePct,
		"attendance %v%% ≥ %v%%", in.AttendedPct, lim.AttendancePct))
	add(subsidyStep("trace.completed", in.Completed, "training completed"))

	end, endErr := time.Parse(time.DateOnly, in.ClassEnd)
	issued, issErr := time.Parse(time.DateOnly, in.CertIssued)
	haveCert := in.CertIssued != "" && issErr == nil
	switch {
	case !haveCert:
		add(subsidyStep("trace.cert_missing", false, "certificate present"))
	case !in.CertValid:
		add(subsidyStep("trace.cert_revoked", false, "certificate valid (not revoked)"))
	default:
		add(subsidyStep("trace.cert_valid", true, "certificate present and valid"))
	}
	if haveCert {
		add(subsidyStep("trace.cert_occupation", in.CertOccupation == in.OccupationCode,
			"certificate occupation %v = class occupation %v", in.CertOccupation, in.OccupationCode))
		add(subsidyStep("trace.cert_level", certLevelCovers(in.CertLevel, in.Level),
			"certificate level %v covers class level %v", in.CertLevel, in.Level))
		deadline := end.AddDate(0, 0, lim.CertificateDays)
		add(subsidyStep("trace.cert_window", endErr == nil && !issued.Before(end) && !issued.After(deadline),
			"certificate issued %v between class end %v and %v days after", in.CertIssued, in.ClassEnd, lim.CertificateDays))
		claim, claimErr := time.Parse(time.DateOnly, in.ClaimDay)
		add(subsidyStep("trace.claim_window", claimErr == nil && !claim.Before(issued) && !claim.After(subsidyAddMonths(issued, lim.ClaimMonths)),
			"claim on %v within %v months of the certificate (%v)", in.ClaimDay, lim.ClaimMonths, in.CertIssued))
	}
	add(subsidyStep("trace.yearly", in.SubsidisedThisYear < lim.YearlySubsidies,
		"%v other subsidised trainings this year < %v", in.SubsidisedThisYear, lim.YearlySubsidies))
	if in.SameOrHigherBefore == "" {
		add(subsidyStep("trace.earlier_none", true, "no earlier subsidy of this occupation at this or a higher level"))
	} else {
		add(subsidyStep("trace.earlier", false, "already subsidised: %v", in.SameOrHigherBefore))
	}

	std := r.StandardFen[in.Level]
	uplift := max(0, min(in.UpliftPct, r.UpliftMaxPct))
	amount := (std*int64(100+uplift) + 50) / 100
	var group string
	var allowance int64
	for _, g := range in.KeyGroups {
		if v := r.KeyGroupFen[g]; v > allowance || (v == allowance && v > 0 && g < group) {
			group, allowance = g, v
		}
	}
	amount += allowance
	capped := amount > r.CapFen
	if capped {
		amount = r.CapFen
	}
	add(TraceStep{Key: "trace.amount", Pass: true, Args: []any{FormatFen(std), uplift, FormatFen(allowance), FormatFen(amount)},
		Text: fmt.Sprintf("standard %v × (100 + %v)%% + allowance %v = %v", FormatFen(std), uplift, FormatFen(allowance), FormatFen(amount))})
	if capped {
		add(subsidyStep("trace.capped", true, "capped at %v", FormatFen(r.CapFen)))
	}
	res.AmountFen = amount
	res.Payable = true
	for _, s := range res.Trace {
		res.Payable = res.Payable && s.Pass
	}
	return res
}

// FormatFen writes an amount in fen as yuan with two decimals: 150000 → "1500.00".
func FormatFen(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// ParseFen reads an amount in yuan with at most two decimals ("1500", "1500.5", "1500.50")
// into fen; ok is false for anything else.
func ParseFen(s string) (int64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || strings.Trim(whole, "0123456789") != "" {
		return 0, false
	}
	if hasDot && (len(frac) < 1 || len(frac) > 2 || strings.Trim(frac, "0123456789") != "") {
		return 0, false
	}
	var v int64
	for _, c := range whole {
		v = v*10 + int64(c-'0')
	}
	v *= 100
	if len(frac) == 1 {
		frac += "0"
	}
	if frac != "" {
		v += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	return v, true
}

// CanSetSubsidyRules reports whether an actor may add a rule version for a region: an
// administrator with the sysadmin duty for any province or city, a province officer with the
// targets duty for the province or a city inside it.
func CanSetSubsidyRules(a Actor, region string) bool {
	switch {
	case a.Role == RoleAdmin:
		return a.Can(DutySysAdmin)
	case a.Role == RoleOfficer:
		return a.Can(DutyTargets) && RegionLevel(a.Region) == "province" && InRegion(region, a.Region)
	}
	return false
}

// CanSetBudgets reports whether an actor may set program budgets for a region: an administrator
// with the sysadmin duty anywhere, an officer with the payment or targets duty within their
// own region.
func CanSetBudgets(a Actor, region string) bool {
	switch {
	case a.Role == RoleAdmin:
		return a.Can(DutySysAdmin)
	case a.Role == RoleOfficer:
		return (a.Can(DutyPayment) || a.Can(DutyTargets)) && InRegion(region, a.Region)
	}
	return false
}

// BudgetMaxFen is the largest budget of one program, region and year: ¥10,000,000,000.
const BudgetMaxFen = 1_000_000_000_000

// Budget is the money a region has for a program in a year (SPEC §8): Program is a special
// action's code, or "" for the general training-subsidy budget. Payment batches will reserve
// and post against it through the ledger (a later slice).
type Budget struct {
	ID        int64
	Region    string
	Year      int
	Program   string
	AmountFen int64
	Note      string
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
	Version   int64
	// Stage1Pct is the share of each line paid on completion and certificate (staged payment,
	// SPEC §8); the rest is paid once employment within 6 months of the class end is verified.
	// 100 (or 0 before validation) means the program is not staged.
	Stage1Pct int
}

// Staged reports whether the budget pays its lines in two stages.
func (b Budget) Staged() bool { return b.Stage1Pct > 0 && b.Stage1Pct < 100 }

// Split divides a line's amount into its two stages: the first Stage1Pct percent (rounded down
// to the fen) and the rest; a budget that is not staged pays everything in the first.
func (b Budget) Split(fen int64) (first, second int64) {
	if !b.Staged() {
		return fen, 0
	}
	first = fen * int64(b.Stage1Pct) / 100
	return first, fen - first
}

// Validate checks a budget before it is stored and returns it tidied.
func (b Budget) Validate() (Budget, error) {
	b.Program, b.Note = strings.TrimSpace(b.Program), strings.TrimSpace(b.Note)
	switch {
	case !IsRegionCode(b.Region):
		return b, Errorf(Invalid, "budget.region", "Choose a province, city or county by its six-digit code.")
	case b.Year < 2000 || b.Year > 2100:
		return b, Errorf(Invalid, "budget.year", "Give the year as a number from 2000 to 2100.")
	case b.AmountFen < 0 || b.AmountFen > BudgetMaxFen:
		return b, Errorf(Invalid, "budget.amount", "The budget is an amount from ¥0 to ¥10,000,000,000.")
	case len([]rune(b.Note)) > 500:
		return b, Errorf(Invalid, "budget.note", "Keep the note to at most 500 characters.")
	case b.Stage1Pct < 0 || b.Stage1Pct > 100:
		return b, Errorf(Invalid, "budget.stage_pct", "The first stage is a share from 1 to 100 percent (100: not staged).")
	}
	if b.Stage1Pct == 0 {
		b.Stage1Pct = 100
	}
	return b, nil
}

// ClaimWindowCloses is the last day (China date) a claim may be made for a certificate issued
// on issuedOn (YYYY-MM-DD) under a window of months: the same day months later (the last day of
// that month when it is shorter), as the trace's claim_window step counts it.
func ClaimWindowCloses(issuedOn string, months int) (string, error) {
	t, err := time.Parse(time.DateOnly, issuedOn)
	if err != nil {
		return "", Errorf(Invalid, "claim.cert_date", "The certificate's issue date %v is not a date.", issuedOn)
	}
	return subsidyAddMonths(t, months).Format(time.DateOnly), nil
}
