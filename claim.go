package xiangpei

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// 补贴申领 — subsidy claims (SPEC §8): an institution claims for its closed class (机构申领), a
// person for their own certificate (个人申领). Every amount is computed by the subsidy rule in
// force (SubsidyRule.Compute) and every line keeps the trace of the rules it passed or failed.

// ClaimKind is who claims.
type ClaimKind string

// The claim kinds.
const (
	ClaimInstitution ClaimKind = "institution" // 机构申领: for a closed class
	ClaimPerson      ClaimKind = "person"      // 个人申领: for the person's own certificate
)

// ClaimStatus is the state of a claim, and of each of its lines.
type ClaimStatus string

// The states of a claim (SPEC §8). Lines share them and add objection, payment_failed and
// clawback, which only a line can be in.
const (
	ClaimDraft        ClaimStatus = "draft"          // computed, not yet sent
	ClaimSubmitted    ClaimStatus = "submitted"      // sent, waiting for the county
	ClaimReview1      ClaimStatus = "review_1"       // county review
	ClaimReview2      ClaimStatus = "review_2"       // city review
	ClaimNotice       ClaimStatus = "notice"         // 公示: published for objections
	ClaimApproved     ClaimStatus = "approved"       // may be paid
	ClaimInPayment    ClaimStatus = "in_payment"     // in a payment batch
	ClaimPaid         ClaimStatus = "paid"           // the bank confirmed
	ClaimReturned     ClaimStatus = "returned"       // sent back to the claimant with a reason
	ClaimRejected     ClaimStatus = "rejected"       // refused for good
	ClaimWithdrawn    ClaimStatus = "withdrawn"      // the claimant withdrew a draft
	LineObjection     ClaimStatus = "objection"      // a line held by an objection during notice
	LinePaymentFailed ClaimStatus = "payment_failed" // the bank refused the payment of a line
	LineClawback      ClaimStatus = "clawback"       // 追回: paid, then found improper
)

// ClaimStatuses lists the claim states in lifecycle order, then the line-only states.
var ClaimStatuses = []ClaimStatus{ClaimDraft, ClaimSubmitted, ClaimReview1, ClaimReview2, ClaimNotice, ClaimApproved,
	ClaimInPayment, ClaimPaid, ClaimReturned, ClaimRejected, ClaimWithdrawn, LineObjection, LinePaymentFailed, LineClawback}

// Valid reports whether st is a known state.
func (st ClaimStatus) Valid() bool { return slices.Contains(ClaimStatuses, st) }

// Live reports whether a claim or line in this state still holds its trainee: a trainee's line
// may be in at most one live claim. Withdrawn, rejected and returned claims release it
// (a returned claim is fixed by claiming again).
func (st ClaimStatus) Live() bool {
	return st != ClaimWithdrawn && st != ClaimRejected && st != ClaimReturned
}

// ClaimAction is something done to a claim or a line that changes its state.
type ClaimAction string

// The actions. This slice implements submit and withdraw; the others are the state machine the
// review, notice and payment slices implement.
const (
	ClaimSubmit   ClaimAction = "submit"   // claimant: draft → submitted
	ClaimWithdraw ClaimAction = "withdraw" // claimant: draft → withdrawn
	ClaimAccept   ClaimAction = "accept"   // county: submitted → review_1 (taken up)
	ClaimPass1    ClaimAction = "pass_1"   // county: review_1 → review_2
	ClaimPass2    ClaimAction = "pass_2"   // city: review_2 → notice
	ClaimReturn   ClaimAction = "return"   // county or city: submitted, review_1, review_2 → returned
	ClaimReject   ClaimAction = "reject"   // county or city: submitted, review_1, review_2, objection → rejected
	ClaimObject   ClaimAction = "object"   // anyone during notice: notice → objection (a line)
	ClaimResolve  ClaimAction = "resolve"  // officer: objection → notice (objection dismissed)
	ClaimApprove  ClaimAction = "approve"  // after notice ends: notice → approved
	ClaimBatch    ClaimAction = "batch"    // finance: approved, payment_failed → in_payment
	ClaimPay      ClaimAction = "pay"      // bank return: in_payment → paid
	ClaimFail     ClaimAction = "fail"     // bank return: in_payment → payment_failed
	ClaimClawback ClaimAction = "clawback" // officer: paid → clawback
)

var claimMoves = map[ClaimAction]struct {
	from []ClaimStatus
	to   ClaimStatus
}{
	ClaimSubmit:   {[]ClaimStatus{ClaimDraft}, ClaimSubmitted},
	ClaimWithdraw: {[]ClaimStatus{ClaimDraft}, ClaimWithdrawn},
	ClaimAccept:   {[]ClaimStatus{ClaimSubmitted}, ClaimReview1},
	ClaimPass1:    {[]ClaimStatus{ClaimReview1}, ClaimReview2},
	ClaimPass2:    {[]ClaimStatus{ClaimReview2}, ClaimNotice},
	ClaimReturn:   {[]ClaimStatus{ClaimSubmitted, ClaimReview1, ClaimReview2}, ClaimReturned},
	ClaimReject:   {[]ClaimStatus{ClaimSubmitted, ClaimReview1, ClaimReview2, LineObjection}, ClaimRejected},
	ClaimObject:   {[]ClaimStatus{ClaimNotice}, LineObjection},
	ClaimResolve:  {[]ClaimStatus{LineObjection}, ClaimNotice},
	ClaimApprove:  {[]ClaimStatus{ClaimNotice}, ClaimApproved},
	ClaimBatch:    {[]ClaimStatus{ClaimApproved, LinePaymentFailed}, ClaimInPayment},
	ClaimPay:      {[]ClaimStatus{ClaimInPayment}, ClaimPaid},
	ClaimFail:     {[]ClaimStatus{ClaimInPayment}, LinePaymentFailed},
	ClaimClawback: {[]ClaimStatus{ClaimPaid}, LineClawback},
}

// Next returns the state an action leads to from st, or a Conflict error when the action is not
// possible from it.
func (st ClaimStatus) Next(a ClaimAction) (ClaimStatus, error) {
	m, ok := claimMoves[a]
	if !ok {
		return st, Errorf(Invalid, "claim.unknown_action", "There is no such action on a claim.")
	}
	if !slices.Contains(m.from, st) {
		return st, Errorf(Conflict, "claim.wrong_state", "This cannot be done in the claim's present state: reload the page to see where it stands.")
	}
	return m.to, nil
}

// Can reports whether the action is possible from st.
func (st ClaimStatus) Can(a ClaimAction) bool {
	_, err := st.Next(a)
	return err == nil
}

// Automatic-audit results of a line (SPEC §9). "" means the audit has not run yet.
const (
	AuditNotRun = ""
	AuditPass   = "pass"
	AuditFlag   = "flag"
	AuditFail   = "fail"
)

// Claim is one subsidy claim: an institution's for a class, or a person's for a certificate.
type Claim struct {
	ID            int64
	Kind          ClaimKind
	OrgID         int64 // the claiming institution (institution claims)
	OrgName       string
	PersonID      int64 // the claiming person (person claims)
	PersonName    string
	ClassID       int64 // the class claimed for (institution claims)
	ClassName     string
	CertificateID int64 // the certificate claimed for (person claims)
	County        string
	Status        ClaimStatus
	TotalFen      int64 // sum of the payable lines
	Lines         int   // number of lines
	PayableLines  int
	RuleID        int64 // the subsidy rule version that computed the lines (0: the built-in default)
	RuleVersion   int
	SubmittedAt   time.Time // zero until submitted
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int64
}

// ClaimLine is one trainee's (or the person's) line of a claim, with its evidence trace.
type ClaimLine struct {
	ID             int64
	ClaimID        int64
	PersonID       int64
	PersonName     string
	IDNumber       IDNumber
	TraineeID      int64 // 0 for a person claim without a class
	CertificateID  int64 // 0 when no matching certificate was found
	OccupationCode string
	Level          string
	AmountFen      int64
	Payable        bool
	Trace          []TraceStep
	RuleID         int64
	RuleVersion    int
	Audit          string   // AuditNotRun, AuditPass, AuditFlag or AuditFail
	AuditReasons   []string // catalogue keys of the audit's reasons
	Status         ClaimStatus
	ReducedFen     int64 // later slices: an amount reduced in review (0 none); the state is kept
	ReduceReason   string
	Digest         string
	Version        int64
	// For the lifelong record (ClaimsOf): the claim the line belongs to.
	ClaimKind   ClaimKind
	ClaimStatus ClaimStatus
	ClaimOrg    string
	ClassName   string
	CreatedAt   time.Time
}

// LineDigest is the SHA-256 over what a line decided — claim, person, amount, rule and trace —
// hex-encoded, so that a row edited by hand is detectable: recompute and compare.
func LineDigest(claimID, personID, amountFen, ruleID int64, trace []TraceStep) string {
	t, _ := json.Marshal(trace)
	h := sha256.New()
	for _, s := range []string{strconv.FormatInt(claimID, 10), strconv.FormatInt(personID, 10),
		strconv.FormatInt(amountFen, 10), strconv.FormatInt(ruleID, 10)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(t)
	return hex.EncodeToString(h.Sum(nil))
}

// Intact reports whether the line's digest still matches what it records.
func (l ClaimLine) Intact() bool {
	return l.Digest == LineDigest(l.ClaimID, l.PersonID, l.AmountFen, l.RuleID, l.Trace)
}
