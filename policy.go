package xiangpei

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// 政策咨询 — the policy library and FAQ (SPEC §7): the states of a policy or a FAQ entry, what
// an officer types, and the Chinese full-text search's text handling (normalisation, character
// bigrams, exact verification and highlighted snippets).
//
// Both kinds of item follow the shortage-list pattern: a draft is edited; publishing makes it
// public and it never changes again; a revision is a new draft of the same series with the next
// version number, and publishing it supersedes the version before; withdrawing takes a published
// item back with a reason everyone can read.

// PolicyStatus is the state of a policy or a FAQ entry.
type PolicyStatus string

// The states of a policy or a FAQ entry.
const (
	PolicyDraft      PolicyStatus = "draft"
	PolicyPublished  PolicyStatus = "published"
	PolicySuperseded PolicyStatus = "superseded"
	PolicyWithdrawn  PolicyStatus = "withdrawn"
)

// PolicyStatuses lists the states in the order of the lifecycle.
var PolicyStatuses = []PolicyStatus{PolicyDraft, PolicyPublished, PolicySuperseded, PolicyWithdrawn}

// Valid reports whether st is a known state.
func (st PolicyStatus) Valid() bool { return slices.Contains(PolicyStatuses, st) }

// PolicyAction is something done to a policy or a FAQ entry.
type PolicyAction string

// The actions on a policy or a FAQ entry.
const (
	PolicyPublish  PolicyAction = "publish"  // draft → published
	PolicyWithdraw PolicyAction = "withdraw" // published → withdrawn, with a reason
	PolicyRevise   PolicyAction = "revise"   // published stays published; a new draft version is made
)

// Next returns the state an action leads to from st, or a Conflict error.
func (st PolicyStatus) Next(a PolicyAction) (PolicyStatus, error) {
	switch {
	case a == PolicyPublish && st == PolicyDraft:
		return PolicyPublished, nil
	case a == PolicyWithdraw && st == PolicyPublished:
		return PolicyWithdrawn, nil
	case a == PolicyRevise && st == PolicyPublished:
		return PolicyPublished, nil
	case a != PolicyPublish && a != PolicyWithdraw && a != PolicyRevise:
		return st, Errorf(Invalid, "policy.unknown_action", "There is no such action on a policy.")
	}
	return st, Errorf(Conflict, "policy.wrong_state", "This cannot be done in the item's present state: reload the page to see where it stands.")
}

// Can reports whether the action is possible from st.
func (st PolicyStatus) Can(a PolicyAction) bool {
	_, err := st.Next(a)
	return err == nil
}

// PolicyCategories are the categories of the library, in the order the pages show them.
var PolicyCategories = []string{"training_subsidy", "living_allowance", "skill_upgrade", "work_for_training", "employment", "other"}

// Policy is one version of a policy document of a region.
type Policy struct {
	ID             int64
	SeriesID       int64
	ItemVersion    int
	RevisedFrom    int64
	Region         string // province, city or county code
	Title          string
	Issuer         string // 发文机关
	DocNumber      string // 文号, "湘人社规〔2026〕3号"
	Category       string
	Body           string
	EffectiveFrom  string // YYYY-MM-DD
	ExpiresOn      string // YYYY-MM-DD or "" (no end)
	Status         PolicyStatus
	CreatedBy      int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	PublishedAt    time.Time
	WithdrawnAt    time.Time
	WithdrawReason string
	SupersededBy   int64
	Version        int64
}

// PolicyInput is what an officer types for a policy.
type PolicyInput struct {
	Region, Title, Issuer, DocNumber, Category, Body, EffectiveFrom, ExpiresOn string
}

func policyRegion(code string) error {
	if !IsRegionCode(code) {
		return Errorf(Invalid, "policy.region_invalid", "Choose the province, city or county the item is for.")
	}
	return nil
}

func policyCategory(c string) error {
	if !slices.Contains(PolicyCategories, c) {
		return Errorf(Invalid, "policy.category_invalid", "Choose a category from the list.")
	}
	return nil
}

func policyLen(s string, lo, hi int, key, text string) error {
	if n := utf8.RuneCountInString(s); n < lo || n > hi {
		return Errorf(Invalid, key, text, lo, hi)
	}
	return nil
}

// Validate checks a policy's fields and returns them trimmed.
func (in PolicyInput) Validate() (PolicyInput, error) {
	for _, p := range []*string{&in.Region, &in.Title, &in.Issuer, &in.DocNumber, &in.Category, &in.Body, &in.EffectiveFrom, &in.ExpiresOn} {
		*p = strings.TrimSpace(*p)
	}
	if err := policyRegion(in.Region); err != nil {
		return in, err
	}
	if err := policyLen(in.Title, 2, 120, "policy.title_length", "Give the policy a title of %v to %v characters."); err != nil {
		return in, err
	}
	if err := policyLen(in.Issuer, 2, 80, "policy.issuer_length", "Name the issuing body in %v to %v characters."); err != nil {
		return in, err
	}
	if err := policyLen(in.DocNumber, 0, 60, "policy.doc_number_length", "The document number has %v to %v characters."); err != nil {
		return in, err
	}
	if err := policyCategory(in.Category); err != nil {
		return in, err
	}
	if err := policyLen(in.Body, 10, 20000, "policy.body_length", "The text of the policy has %v to %v characters."); err != nil {
		return in, err
	}
	if !subsidyDate(in.EffectiveFrom) {
		return in, Errorf(Invalid, "policy.effective_from_invalid", "Give the day the policy takes effect as a date, such as 2026-01-01.")
	}
	if in.ExpiresOn != "" && (!subsidyDate(in.ExpiresOn) || in.ExpiresOn < in.EffectiveFrom) {
		return in, Errorf(Invalid, "policy.expires_on_invalid", "The expiry date must be a date on or after the day the policy takes effect, or left empty.")
	}
	return in, nil
}

// Input is the policy's editable fields, to start a form from.
func (p Policy) Input() PolicyInput {
	return PolicyInput{Region: p.Region, Title: p.Title, Issuer: p.Issuer, DocNumber: p.DocNumber, Category: p.Category,
		Body: p.Body, EffectiveFrom: p.EffectiveFrom, ExpiresOn: p.ExpiresOn}
}

// Expired reports whether the policy's expiry date lies before the China date of at.
func (p Policy) Expired(at time.Time) bool { return p.ExpiresOn != "" && p.ExpiresOn < ChinaDate(at) }

// FAQ is one version of a question and its answer.
type FAQ struct {
	ID             int64
	SeriesID       int64
	ItemVersion    int
	RevisedFrom    int64
	Region         string
	Question       string
	Answer         string
	Category       string
	PolicyID       int64 // the policy it explains, 0 for none
	PolicyTitle    string
	Status         PolicyStatus
	CreatedBy      int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	PublishedAt    time.Time
	WithdrawnAt    time.Time
	WithdrawReason string
	SupersededBy   int64
	Version        int64
}

// FAQInput is what an officer types for a FAQ entry.
type FAQInput struct {
	Region, Question, Answer, Category string
	PolicyID                           int64
}

// Validate checks a FAQ entry's fields and returns them trimmed.
func (in FAQInput) Validate() (FAQInput, error) {
	in.Region, in.Question = strings.TrimSpace(in.Region), strings.TrimSpace(in.Question)
	in.Answer, in.Category = strings.TrimSpace(in.Answer), strings.TrimSpace(in.Category)
	if err := policyRegion(in.Region); err != nil {
		return in, err
	}
	if err := policyLen(in.Question, 4, 200, "faq.question_length", "Ask the question in %v to %v characters."); err != nil {
		return in, err
	}
	if err := policyLen(in.Answer, 4, 5000, "faq.answer_length", "Answer in %v to %v characters."); err != nil {
		return in, err
	}
	if err := policyCategory(in.Category); err != nil {
		return in, err
	}
	return in, nil
}

// Input is the entry's editable fields.
func (f FAQ) Input() FAQInput {
	return FAQInput{Region: f.Region, Question: f.Question, Answer: f.Answer, Category: f.Category, PolicyID: f.PolicyID}
}

// CanPublishPolicies reports whether an actor may write the library of a region: an officer with
// the publish duty whose region holds it (a province, city or county officer).
func CanPublishPolicies(a Actor, region string) bool {
	return a.Role == RoleOfficer && a.Can(DutyPublish) && a.Region != "" && InRegion(region, a.Region)
}

// ---- search text ----

// NormaliseSearch prepares text for the index and for queries: full-width forms become
// half-width (ＡＢＣ１２３ → abc123, the ideographic space a space), letters lower case, and
// everything that is neither a letter nor a digit (punctuation, symbols, spaces) is dropped, so
// “职业、技能” and “职业技能” are the same words.
func NormaliseSearch(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0x3000:
			r = ' '
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// SearchGrams splits normalised text into its distinct overlapping character bigrams, in the
// order they first occur; a text of one character is its own single gram. With counts, each
// gram's number of occurrences is returned too.
func SearchGrams(norm string) (grams []string, counts map[string]int) {
	rs := []rune(norm)
	counts = map[string]int{}
	add := func(g string) {
		if counts[g] == 0 {
			grams = append(grams, g)
		}
		counts[g]++
	}
	if len(rs) == 1 {
		add(string(rs))
		return grams, counts
	}
	for i := 0; i+1 < len(rs); i++ {
		add(string(rs[i : i+2]))
	}
	return grams, counts
}

// IndexGrams is what the index holds for a text: its bigrams and its single characters (so a
// one-character query finds it), with their counts.
func IndexGrams(text string) map[string]int {
	norm := NormaliseSearch(text)
	_, out := SearchGrams(norm)
	if utf8.RuneCountInString(norm) == 1 {
		return out
	}
	for _, r := range norm {
		out[string(r)]++
	}
	return out
}

// SearchMatches reports whether the normalised query occurs as a whole in the normalised text:
// the exact check that drops the bigram index's false positives (“补…贴” apart).
func SearchMatches(text, normQuery string) bool {
	return normQuery != "" && strings.Contains(NormaliseSearch(text), normQuery)
}

// SnippetPart is a piece of a snippet; Hit marks the query's occurrences.
type SnippetPart struct {
	Text string
	Hit  bool
}

// Snippet cuts about width characters of text around the first occurrence of the normalised
// query and marks every occurrence in it. The text is compared character by character through
// the same normalisation, so full-width or upper-case forms in the text are found too; without
// an occurrence, the start of the text is returned unmarked.
func Snippet(text, normQuery string, width int) []SnippetPart {
	rs := []rune(text)
	q := []rune(normQuery)
	norm := make([]string, len(rs)) // each character of text, normalised ("" when dropped)
	for i, r := range rs {
		norm[i] = NormaliseSearch(string(r))
	}
	// positions of occurrences: start..end in rs
	type span struct{ from, to int }
	var hits []span
	for i := 0; i < len(rs) && len(q) > 0; i++ {
		if norm[i] == "" {
			continue
		}
		j, k := i, 0
		for j < len(rs) && k < len(q) {
			if norm[j] == "" {
				j++
				continue
			}
			if norm[j] != string(q[k]) {
				break
			}
			j, k = j+1, k+1
		}
		if k == len(q) {
			hits = append(hits, span{i, j})
			i = j - 1
		}
	}
	from, to := 0, min(len(rs), width)
	if len(hits) > 0 {
		from = max(0, hits[0].from-width/3)
		to = min(len(rs), from+width)
	}
	var out []SnippetPart
	if from > 0 {
		out = append(out, SnippetPart{Text: "…"})
	}
	pos := from
	for _, h := range hits {
		if h.from < from || h.to > to {
			continue
		}
		if h.from > pos {
			out = append(out, SnippetPart{Text: string(rs[pos:h.from])})
		}
		out = append(out, SnippetPart{Text: string(rs[h.from:h.to]), Hit: true})
		pos = h.to
	}
	if pos < to {
		out = append(out, SnippetPart{Text: string(rs[pos:to])})
	}
	if to < len(rs) {
		out = append(out, SnippetPart{Text: "…"})
	}
	return out
}
