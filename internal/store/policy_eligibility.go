package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"xiangpei"
)

// 政策咨询 — the eligibility check. Nothing of the rule is written again here: the rule version
// is RuleInForce's, the uplift ShortageUplift's, the person's evidence lineEvidence's (the very
// queries a claim line reads), and the amount and verdicts SubsidyRule.Compute's, on the
// prospective line of xiangpei.ProspectiveLine.

// EligibilityAsk is a check's question. A signed-in person gives PersonID (county, age, key
// groups and earlier subsidies come from the records); the public check gives County,
// BirthDate and KeyGroups instead and has no earlier subsidies on record.
type EligibilityAsk struct {
	PersonID    int64
	County      string
	BirthDate   string
	KeyGroups   []string
	Targets     []xiangpei.EligibilityTarget // occupations and levels asked about
	OpenClasses bool                         // also every open class of the person's city
}

// eligibilityMaxClasses bounds the open classes one check looks at.
const eligibilityMaxClasses = 30

// personSel selects the one person $2 for lineEvidence, in the shape of a roster row (r.id is
// 0: the person is on no roster of the class).
const personSel = ` FROM (SELECT p.id AS person_id, CAST(0 AS BIGINT) AS id FROM persons p WHERE p.id = $2) r WHERE CAST($1 AS BIGINT) IS NOT NULL`

// CheckEligibility answers an ask at the instant now: one option per target and per open class
// of the person's city, each computed as the claim line of the person for that class would be.
func (db *DB) CheckEligibility(ctx context.Context, ask EligibilityAsk, now time.Time) ([]xiangpei.EligibilityOption, error) {
	county, groups := strings.TrimSpace(ask.County), slices.Clone(ask.KeyGroups)
	var id xiangpei.IDNumber
	if ask.PersonID != 0 {
		p, err := db.Person(ctx, xiangpei.Scope{All: true}, ask.PersonID)
		if err != nil {
			return nil, err
		}
		county, id = p.County, p.IDNumber
	} else {
		if _, ok := xiangpei.AgeFromBirth(ask.BirthDate, now); !ok {
			return nil, xiangpei.Errorf(xiangpei.Invalid, "eligibility.birth_date_invalid", "Give your date of birth, such as 1990-05-01.")
		}
		for _, g := range groups {
			if !slices.Contains(xiangpei.SubsidyKeyGroups, g) {
				return nil, xiangpei.Errorf(xiangpei.Invalid, "eligibility.group", "Choose key groups from the list.")
			}
		}
	}
	if !xiangpei.IsRegionCode(county) || xiangpei.RegionLevel(county) != "county" {
		return nil, xiangpei.Errorf(xiangpei.Invalid, "eligibility.county_invalid", "Choose the county where you live.")
	}
	rule, err := db.RuleInForce(ctx, county, xiangpei.ChinaDate(now))
	if err != nil {
		return nil, err
	}
	var classes []xiangpei.Class
	var orgs []string
	for _, t := range ask.Targets {
		t.OccupationCode, t.Level = strings.TrimSpace(t.OccupationCode), strings.TrimSpace(t.Level)
		if t.OccupationCode == "" || !slices.Contains(xiangpei.SubsidyLevels, t.Level) {
			return nil, xiangpei.Errorf(xiangpei.Invalid, "eligibility.target", "Choose the occupation and the skill level you want.")
		}
		var name string
		err := db.read.QueryRowContext(ctx, `SELECT name FROM occupations WHERE code = $1`, t.OccupationCode).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, xiangpei.Errorf(xiangpei.Invalid, "eligibility.occupation_unknown", "There is no occupation %v in the catalogue.", t.OccupationCode)
		}
		if err != nil {
			return nil, err
		}
		c := xiangpei.Class{County: county, OccupationCode: t.OccupationCode, Level: t.Level,
			FirstSession: now.UTC(), LastSession: now.UTC(), Name: name}
		if t.ClassID != 0 {
			// any class that was approved (a closed one too: the check then says what its claim
			// line would be), never a draft or one under review
			if c, err = scanClass(db.read.QueryRowContext(ctx, `SELECT `+classCols+` FROM classes c WHERE c.id = $1
				AND c.status IN ('approved','in_progress','closed')`, t.ClassID)); err != nil {
				return nil, mapError(err, "Class")
			}
			if c.OccupationCode != t.OccupationCode || c.Level != t.Level {
				return nil, xiangpei.Errorf(xiangpei.Invalid, "eligibility.class", "The class does not train this occupation at this level.")
			}
		}
		classes = append(classes, c)
		orgs = append(orgs, "")
	}
	if ask.OpenClasses {
		list, _, err := db.Courses(ctx, now, CourseFilter{County: county[:4] + "00"}, Page{Limit: eligibilityMaxClasses})
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			classes = append(classes, c.Class)
			orgs = append(orgs, c.OrgName)
		}
	}
	var out []xiangpei.EligibilityOption
	for i, c := range classes {
		o, err := db.eligibilityOption(ctx, ask.PersonID, id, ask.BirthDate, groups, rule, c, now)
		if err != nil {
			return nil, err
		}
		o.OrgName = orgs[i]
		if c.ID == 0 {
			o.OccupationName, o.ClassName = c.Name, ""
		} else if err := db.read.QueryRowContext(ctx, `SELECT name FROM occupations WHERE code = $1`, c.OccupationCode).Scan(&o.OccupationName); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// eligibilityOption computes one option: the person's evidence for class c, the uplift in force
// at its start, and the rule's line.
func (db *DB) eligibilityOption(ctx context.Context, personID int64, id xiangpei.IDNumber, birth string, groups []string,
	rule xiangpei.SubsidyRule, c xiangpei.Class, now time.Time) (xiangpei.EligibilityOption, error) {
	o := xiangpei.EligibilityOption{EligibilityTarget: xiangpei.EligibilityTarget{OccupationCode: c.OccupationCode,
		Level: c.Level, ClassID: c.ID}, ClassName: c.Name, County: c.County, FirstSession: c.FirstSession,
		RuleID: rule.ID, RuleRegion: rule.Region, RuleVersion: rule.Version}
	uplift, listID, _, err := db.ShortageUplift(ctx, c.County, c.OccupationCode, c.Level, c.FirstSession)
	if err != nil {
		return o, err
	}
	o.UpliftPct, o.UpliftListID = uplift, listID
	var age int
	if personID != 0 {
		yearly, earlier, gs, err := lineEvidence(ctx, db.read, c, personSel, personID)
		if err != nil {
			return o, err
		}
		o.Yearly, groups = yearly[personID], gs[personID]
		if e := earlier[personID]; len(e) > 0 {
			slices.Sort(e)
			o.Earlier = e[0]
		}
		age = id.AgeOn(c.FirstSession)
	} else {
		age, _ = xiangpei.AgeFromBirth(birth, c.FirstSession)
	}
	o.KeyGroups = groups
	o.Result = rule.Compute(xiangpei.ProspectiveLine(c.OccupationCode, c.Level, age, xiangpei.ChinaDate(c.LastSession),
		o.Yearly, o.Earlier, uplift, groups))
	o.Result.Trace = normaliseTrace(o.Result.Trace)
	o.Eligible = xiangpei.EligibleNow(o.Result)
	return o, nil
}
