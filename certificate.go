package xiangpei

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// 评 — certificates (SPEC §5): 职业技能等级证书, 专项职业能力证书 and 培训合格证书, each with a unique
// number that carries its own check character, verified by anyone on the public page.

// CertKind is the kind of a certificate.
type CertKind string

// The kinds of certificate.
const (
	CertSkill    CertKind = "skill"    // 职业技能等级证书, levels 5 to 1
	CertSpecial  CertKind = "special"  // 专项职业能力证书
	CertTraining CertKind = "training" // 培训合格证书
)

// CertKinds lists the kinds.
var CertKinds = []CertKind{CertSkill, CertSpecial, CertTraining}

// CertKindOf is the kind of certificate a level leads to, "" for an unknown level.
func CertKindOf(level string) CertKind {
	switch level {
	case "1", "2", "3", "4", "5":
		return CertSkill
	case "special":
		return CertSpecial
	case "completion":
		return CertTraining
	}
	return ""
}

// certLetter is the first character of a number of each kind.
var certLetter = map[CertKind]byte{CertSkill: 'S', CertSpecial: 'Z', CertTraining: 'P'}

// CertStatus is the state of a certificate.
type CertStatus string

// The states of a certificate: it is valid from issue until revoked, and revocation is final.
const (
	CertValid   CertStatus = "valid"
	CertRevoked CertStatus = "revoked"
)

// CertSource says what issued a certificate.
type CertSource string

// The sources of certificates.
const (
	CertFromAssessment  CertSource = "assessment"  // a pass in an assessment plan
	CertFromCompetition CertSource = "competition" // a promotion granted with a competition award
)

// Certificate is an issued certificate.
type Certificate struct {
	ID             int64
	Number         string
	Kind           CertKind
	PersonID       int64
	HolderName     string
	HolderID       IDNumber // never shown on public pages
	County         string   // the issuer's region code: officers see certificates issued in their region
	OccupationCode string
	OccupationName string
	Level          string
	IssuerOrgID    int64 // 0 for a certificate issued by a bureau (a competition promotion)
	IssuerName     string
	IssuedOn       string // YYYY-MM-DD, China date
	Source         CertSource
	SourceID       int64 // the candidate or the competition entry
	Basis          string
	Status         CertStatus
	RevokedAt      time.Time
	RevokedReason  string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64
}

// Revoke checks that c may be revoked with reason and returns it revoked at now.
func (c Certificate) Revoke(reason string, now time.Time) (Certificate, error) {
	if c.Status == CertRevoked {
		return c, Errorf(Conflict, "cert.already_revoked", "This certificate is already revoked.")
	}
	reason, err := CheckReason(reason)
	if err != nil {
		return c, err
	}
	c.Status, c.RevokedReason, c.RevokedAt = CertRevoked, reason, now
	return c, nil
}

// The number format (documented in docs/decisions.md):
//
//	K RRRRRR YY L NNNNNN C
//	S 430211 26 4 000123 9   →  S4302112640001239
//
// K is the kind (S skill level, Z special ability, P training completion); RRRRRR the issuer's
// region code; YY the year of issue; L the level (1–5, 0 for special and training); NNNNNN the
// issuer's serial in that year and level; C a check character (ISO 7064 MOD 11-2 over the 15
// digits, as on ID cards, X for 10). Seventeen characters in all.

// CertNumberLen is the length of a certificate number.
const CertNumberLen = 17

// CertSeries is what a certificate number's serial is counted within: kind, region, year, level.
type CertSeries struct {
	Kind   CertKind
	Region string // six-digit region code of the issuer
	Year   int
	Level  string
}

// Prefix is the first ten characters of every number in the series.
func (s CertSeries) Prefix() string {
	l := "0"
	if s.Kind == CertSkill {
		l = s.Level
	}
	return string(certLetter[s.Kind]) + s.Region + pad2(s.Year%100) + l
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Number makes the certificate number of the serial-th certificate of the series (1-based).
func (s CertSeries) Number(serial int64) (string, error) {
	if CertKindOf(s.Level) != s.Kind || len(s.Region) != 6 || !idAllDigits(s.Region) || s.Year < 2000 || s.Year > 2099 {
		return "", Errorf(Invalid, "cert.series", "A certificate series needs a kind matching its level, a six-digit region and a year.")
	}
	if serial < 1 || serial > 999999 {
		return "", Errorf(Conflict, "cert.series_full", "The certificate number series %v is full for this year.", s.Prefix())
	}
	body := s.Prefix() + strconv.FormatInt(1000000+serial, 10)[1:]
	return body + string(mod11x2Check(body[1:])), nil
}

// mod11x2Check is the ISO 7064 MOD 11-2 check character of a string of digits (certificate
// and student numbers).
func mod11x2Check(digits string) byte {
	sum := 0
	for i := 0; i < len(digits); i++ {
		sum = (sum + int(digits[i]-'0')) * 2 % 11
	}
	v := (12 - sum%11) % 11
	if v == 10 {
		return 'X'
	}
	return byte('0' + v)
}

// CertNumber is a parsed certificate number.
type CertNumber struct {
	Series CertSeries
	Serial int64
}

// String is the number in its canonical form.
func (n CertNumber) String() string {
	s, _ := n.Series.Number(n.Serial)
	return s
}

// NormaliseCertNumber removes spaces and dashes, maps full-width characters and upper-cases,
// so that a number typed from paper or a phone matches.
func NormaliseCertNumber(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '！' && r <= '～' {
			r -= '！' - '!'
		}
		switch {
		case r == ' ' || r == '-' || r == '\u3000' || r == '\t':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ParseCertNumber reads a certificate number, checking its length, kind letter, region, year,
// level, serial and check character.
func ParseCertNumber(s string) (CertNumber, error) {
	s = NormaliseCertNumber(s)
	bad := Errorf(Invalid, "cert.number_invalid", "%q is not a certificate number: a number has 17 characters, a letter S, Z or P then 15 digits and a check character.", s)
	if len(s) != CertNumberLen {
		return CertNumber{}, bad
	}
	var kind CertKind
	for k, l := range certLetter {
		if s[0] == l {
			kind = k
		}
	}
	if kind == "" || !idAllDigits(s[1:16]) {
		return CertNumber{}, bad
	}
	if mod11x2Check(s[1:16]) != s[16] {
		return CertNumber{}, Errorf(Invalid, "cert.number_check", "The certificate number %v has a wrong check character: please check it was typed correctly.", s)
	}
	year, _ := strconv.Atoi(s[7:9])
	level := s[9:10]
	switch {
	case kind == CertSkill && (level < "1" || level > "5"):
		return CertNumber{}, bad
	case kind == CertSpecial && level == "0":
		level = "special"
	case kind == CertTraining && level == "0":
		level = "completion"
	case kind != CertSkill:
		return CertNumber{}, bad
	}
	serial, _ := strconv.ParseInt(s[10:16], 10, 64)
	if serial == 0 {
		return CertNumber{}, bad
	}
	return CertNumber{Series: CertSeries{Kind: kind, Region: s[1:7], Year: 2000 + year, Level: level}, Serial: serial}, nil
}

// CertVerdict is what the public verification page says about a certificate: never the
// holder's ID number, and the name partly masked.
type CertVerdict struct {
	Number         string
	Kind           CertKind
	MaskedName     string
	OccupationCode string
	OccupationName string
	Level          string
	IssuerName     string
	IssuedOn       string
	Status         CertStatus
	RevokedOn      string
}

// Verdict is the public view of c.
func (c Certificate) Verdict() CertVerdict {
	v := CertVerdict{Number: c.Number, Kind: c.Kind, MaskedName: MaskName(c.HolderName), OccupationCode: c.OccupationCode,
		OccupationName: c.OccupationName, Level: c.Level, IssuerName: c.IssuerName, IssuedOn: c.IssuedOn, Status: c.Status}
	if c.Status == CertRevoked && !c.RevokedAt.IsZero() {
		v.RevokedOn = ChinaDate(c.RevokedAt)
	}
	return v
}

// SameHolder reports whether a name typed on the verification page is the holder's: spaces
// and the middle dot's variants are ignored.
func SameHolder(typed, holder string) bool {
	norm := func(s string) string {
		n, _ := regName(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
		return n
	}
	t := norm(typed)
	return t != "" && t == norm(holder)
}

// HighestLevel returns the highest skill level (1 is highest) among levels, "" if none is a
// skill level.
func HighestLevel(levels []string) string {
	best := ""
	for _, l := range levels {
		if CertKindOf(l) == CertSkill && (best == "" || l < best) {
			best = l
		}
	}
	return best
}

// LevelAtLeast reports whether held is a skill level at or above want ("3" is above "4").
func LevelAtLeast(held, want string) bool {
	return CertKindOf(held) == CertSkill && CertKindOf(want) == CertSkill && held <= want
}

// Valid reports whether k is a known kind.
func (k CertKind) Valid() bool { return slices.Contains(CertKinds, k) }
