package xiangpei

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// The checks a posting passes before it is published (SPEC §7): the salary against the local
// minimum wage, discriminatory wording (就业促进法: gender, age, ethnicity, region, marital
// status) and signs of a scam (fees or deposits asked of workers). Each finding refuses the
// posting or refers it to an officer; the verdict is the strongest finding.

// CheckAction is what a finding does to a posting.
type CheckAction string

// The check actions, weakest first.
const (
	CheckPass   CheckAction = "pass"   // nothing found: publish
	CheckRefer  CheckAction = "refer"  // an officer looks first (pending_review)
	CheckRefuse CheckAction = "refuse" // not publishable as written; the employer is told why
)

func (a CheckAction) rank() int {
	return slices.Index([]CheckAction{CheckPass, CheckRefer, CheckRefuse}, a)
}

// Word categories of the posting word list.
const (
	WordsGender    = "gender"
	WordsAge       = "age"
	WordsEthnicity = "ethnicity"
	WordsRegion    = "region"
	WordsMarital   = "marital"
	WordsScam      = "scam"
)

// WordCategories lists the categories in the order findings are reported.
var WordCategories = []string{WordsGender, WordsAge, WordsEthnicity, WordsRegion, WordsMarital, WordsScam}

// PostingFinding is one thing a check found.
type PostingFinding struct {
	Code     string      // "wage.below_minimum", "words.gender", …
	Severity CheckAction // refer or refuse
	Matched  string      // the text that matched (a phrase of the posting, or the salary)
	Key      string      // message key of the reason
	Args     []any       // values of the message
	Text     string      // English reason, for logs and tests
}

// PostingVerdict is the outcome of CheckPosting: the strongest severity of its findings, pass
// when there are none.
type PostingVerdict struct {
	Outcome  CheckAction
	Findings []PostingFinding
}

// WordEntry is one line of the word list: a phrase or a regular expression, its action, and
// the lawful phrases that contain it.
type WordEntry struct {
	Category   string      `json:"category"`
	Phrase     string      `json:"phrase,omitempty"`
	Pattern    string      `json:"pattern,omitempty"`
	Action     CheckAction `json:"action"`
	Exceptions []string    `json:"exceptions,omitempty"`
	re         *regexp.Regexp
}

// PostingWordLists is the whole word list, loaded from data.
type PostingWordLists struct {
	Version string      `json:"version"`
	Entries []WordEntry `json:"entries"`
}

//go:embed data/posting_words.json
var postingWordsJSON []byte

// DefaultPostingWords is the built-in word list (data/posting_words.json); it panics at start
// if the embedded file is broken, which a test guards.
var DefaultPostingWords = mustPostingWords(postingWordsJSON)

func mustPostingWords(b []byte) PostingWordLists {
	l, err := ParsePostingWords(b)
	if err != nil {
		panic(err)
	}
	return l
}

// ParsePostingWords reads a word list in the JSON form of data/posting_words.json, checking
// every entry: a known category, exactly one of phrase and pattern, a pattern that compiles,
// the action refer or refuse.
func ParsePostingWords(b []byte) (PostingWordLists, error) {
	var l PostingWordLists
	if err := json.Unmarshal(b, &l); err != nil {
		return l, Errorf(Invalid, "posting_words.json", "The word list is not valid JSON: %v", err)
	}
	for i := range l.Entries {
		e := &l.Entries[i]
		if !slices.Contains(WordCategories, e.Category) {
			return l, Errorf(Invalid, "posting_words.category", "Entry %d: unknown category %q.", i+1, e.Category)
		}
		if (e.Phrase == "") == (e.Pattern == "") {
			return l, Errorf(Invalid, "posting_words.phrase_or_pattern", "Entry %d: give a phrase or a pattern, not both or neither.", i+1)
		}
		if e.Action != CheckRefer && e.Action != CheckRefuse {
			return l, Errorf(Invalid, "posting_words.action", "Entry %d: the action must be refer or refuse.", i+1)
		}
		src := regexp.QuoteMeta(normaliseText(e.Phrase))
		if e.Pattern != "" {
			src = e.Pattern
		}
		re, err := regexp.Compile(src)
		if err != nil {
			return l, Errorf(Invalid, "posting_words.pattern", "Entry %d: the pattern does not compile: %v", i+1, err)
		}
		e.re = re
		for j, x := range e.Exceptions {
			e.Exceptions[j] = normaliseText(x)
		}
	}
	return l, nil
}

// normaliseText lower-cases, turns full-width ASCII into half-width and removes white space,
// so that "限 女 性" and "ＱＱ" are caught like "限女性" and "qq".
func normaliseText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '！' && r <= '～' && r != '：' && r != '，' && r != '；' && r != '～' {
			r = r - '！' + '!'
		}
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// postingText is the text of a posting the word checks read.
func postingText(p JobPosting) string {
	return normaliseText(strings.Join(append([]string{p.Title, p.Description}, append(p.Skills, p.Certificates...)...), "\n"))
}

// Find returns the texts in s (already normalised) the entry catches: each match that does not
// lie wholly inside an occurrence of one of its exceptions.
func (e WordEntry) Find(s string) []string {
	if e.re == nil {
		return nil
	}
	var lawful [][2]int
	for _, x := range e.Exceptions {
		for off := 0; off < len(s); {
			i := strings.Index(s[off:], x)
			if i < 0 || x == "" {
				break
			}
			lawful = append(lawful, [2]int{off + i, off + i + len(x)})
			off += i + len(x)
		}
	}
	var out []string
	for _, m := range e.re.FindAllStringIndex(s, -1) {
		inside := slices.ContainsFunc(lawful, func(r [2]int) bool { return r[0] <= m[0] && m[1] <= r[1] })
		if !inside {
			out = append(out, s[m[0]:m[1]])
		}
	}
	return out
}

// CheckPosting runs every check on p: the salary against wage (the minimum wage of the
// posting's county; a zero wage means none is known, and the posting is referred), then the
// word list. A refuse finding refuses the posting, otherwise a refer finding refers it,
// otherwise it passes.
func CheckPosting(p JobPosting, wage MinimumWage, lists PostingWordLists) PostingVerdict {
	var v PostingVerdict
	v.Findings = append(v.Findings, checkWage(p, wage)...)
	text := postingText(p)
	for _, cat := range WordCategories {
		for _, e := range lists.Entries {
			if e.Category != cat {
				continue
			}
			for _, m := range e.Find(text) {
				v.Findings = append(v.Findings, PostingFinding{
					Code: "words." + cat, Severity: e.Action, Matched: m,
					Key: "posting_check.words_" + cat, Args: []any{m},
					Text: fmt.Sprintf("The wording %q %s.", m, wordReason[cat]),
				})
			}
		}
	}
	v.Outcome = CheckPass
	for _, f := range v.Findings {
		if f.Severity.rank() > v.Outcome.rank() {
			v.Outcome = f.Severity
		}
	}
	return v
}

var wordReason = map[string]string{
	WordsGender:    "limits or prefers applicants by gender (就业促进法 art. 27)",
	WordsAge:       "limits applicants by age beyond the lawful working age",
	WordsEthnicity: "limits applicants by ethnicity (就业促进法 art. 28)",
	WordsRegion:    "limits applicants by origin or household registration (就业促进法 art. 31)",
	WordsMarital:   "limits applicants by marital or childbearing status",
	WordsScam:      "asks the worker for a fee or a deposit, or has the signs of a scam",
}

// checkWage compares the lowest salary of p with the minimum wage in the same unit: monthly
// with the monthly standard, daily with the daily one (hourly × 8 unless the table gives one),
// hourly with the hourly one. A part-time or gig posting quoted by the month cannot be judged
// without its hours and is referred; so is any posting in a county without a known standard.
func checkWage(p JobPosting, w MinimumWage) []PostingFinding {
	if w.MonthlyFen == 0 && w.HourlyFen == 0 {
		return []PostingFinding{{Code: "wage.unknown", Severity: CheckRefer, Matched: p.County,
			Key: "posting_check.wage_unknown", Args: []any{p.County},
			Text: fmt.Sprintf("No minimum wage is known for county %s; an officer checks the salary.", p.County)}}
	}
	if p.Salary.Unit == PerMonth && p.WorkType != FullTime {
		return []PostingFinding{{Code: "wage.monthly_part_time", Severity: CheckRefer, Matched: FormatFen(p.Salary.MinFen),
			Key:  "posting_check.wage_monthly_part_time",
			Text: "A part-time or gig salary quoted by the month cannot be compared with the hourly minimum wage; an officer checks it."}}
	}
	floor := w.For(p.Salary.Unit)
	if floor == 0 || p.Salary.MinFen >= floor {
		return nil
	}
	return []PostingFinding{{Code: "wage.below_minimum", Severity: CheckRefuse, Matched: FormatFen(p.Salary.MinFen),
		Key: "posting_check.wage_below_minimum", Args: []any{FormatFen(p.Salary.MinFen), p.Salary.Unit, FormatFen(floor), w.Tier},
		Text: fmt.Sprintf("The lowest salary %s yuan per %s is below the minimum wage of %s yuan per %s (%s area).",
			FormatFen(p.Salary.MinFen), p.Salary.Unit, FormatFen(floor), p.Salary.Unit, w.Tier)}}
}
