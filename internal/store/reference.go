package store

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"xiangpei"
)

// Reference data: regions, the occupation catalogue, skill levels, key groups, key sectors,
// special actions and the working-day calendar. Every installation starts from the seed and
// administrators correct it; each correction is versioned and audited with its old and new
// values. Nothing here is ever deleted except calendar entries, whose absence means the
// weekday rule.

// Region is an administrative division (GB/T 2260): province, city or county.
type Region struct {
	Code    string
	Name    string
	Level   string // "province", "city" or "county"
	Parent  string // the code one level up; "" for a province
	Version int64
}

// Occupation is an entry of the occupation catalogue (国家职业分类大典): a 大类 (depth 1),
// 中类 (2), 小类 (3) or 细类 (4). ID is internal and stable; Code is the official code, which
// a later edition may retire: such entries are deprecated with a ReplacedBy link, never deleted.
type Occupation struct {
	ID         int64
	Code       string // "4-10-01-05"
	GBM        string // GB/T 6565 code where the book gives one
	Name       string
	Depth      int
	Parent     string // the code one level up; "" for a 大类
	Levels     string // skill-level codes that exist for it, comma-separated, e.g. "5,4,3,2,1"
	Deprecated bool
	ReplacedBy string
	Edition    string // the catalogue edition that introduced it ("2022"), or the year it was added
	Version    int64
}

// SkillLevel is a skill level (职业技能等级) or another outcome a training can end in; Rank
// orders them from the entry level up.
type SkillLevel struct {
	Code    string // "5", "4", "3", "2", "1", "special", "completion"
	NameZh  string
	NameEn  string
	Rank    int
	Version int64
}

// KeyGroup is a key group (重点群体) a person can belong to, with the detail recorded for a
// member (place of household registration, graduation year, certificate number). Sensitive
// details are masked wherever they are shown.
type KeyGroup struct {
	Code      string
	NameZh    string
	NameEn    string
	DetailZh  string
	DetailEn  string
	Sensitive bool
	Version   int64
}

// Sector is a key sector (重点领域).
type Sector struct {
	Code    string
	NameZh  string
	NameEn  string
	Version int64
}

// SpecialAction is one programme of a year's special actions (专项行动).
type SpecialAction struct {
	ID      int64
	Year    int
	Code    string
	NameZh  string
	NameEn  string
	Version int64
}

// CalendarDay is a listed date of the working-day calendar: a public holiday or an adjusted
// working weekend (调休).
type CalendarDay struct {
	Day     string // "2026-10-01"
	Kind    string // xiangpei.DayHoliday or xiangpei.DayWorkday
	Name    string // "国庆节"
	Version int64
}

// OccupationsTop is the parent filter of ListOccupations that lists the 大类.
const OccupationsTop = "top"

// DefaultOccupationLevels are the skill levels a 细类 has unless an administrator says otherwise.
const DefaultOccupationLevels = "5,4,3,2,1"

// ---- reading ----

const regionColumns = `code, name, level, parent, version`

func scanRegion(row scanner) (Region, error) {
	var r Region
	err := row.Scan(&r.Code, &r.Name, &r.Level, &r.Parent, &r.Version)
	return r, err
}

// ListRegions lists every region, in code order (a province, then each city followed by its
// counties).
func (db *DB) ListRegions(ctx context.Context) ([]Region, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+regionColumns+` FROM regions ORDER BY code`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanRegion)
}

// Region finds a region by its code.
func (db *DB) Region(ctx context.Context, code string) (Region, error) {
	return region(ctx, db.read, code)
}

func region(ctx context.Context, q querier, code string) (Region, error) {
	r, err := scanRegion(q.QueryRowContext(ctx, `SELECT `+regionColumns+` FROM regions WHERE code = $1`, code))
	return r, mapError(err, "region")
}

const occupationColumns = `id, code, gbm, name, depth, parent, levels, deprecated, replaced_by, edition, version`

func scanOccupation(row scanner) (Occupation, error) {
	var o Occupation
	err := row.Scan(&o.ID, &o.Code, &o.GBM, &o.Name, &o.Depth, &o.Parent, &o.Levels, &o.Deprecated,
		&o.ReplacedBy, &o.Edition, &o.Version)
	return o, err
}

// likeEscape escapes the wildcards of LIKE, for patterns written with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ListOccupations lists catalogue entries in code order, deprecated ones included, with the
// total that match. q matches a code prefix ("4-10") or a part of the name; parent lists the
// children of one entry ("" = any parent, OccupationsTop = the 大类).
func (db *DB) ListOccupations(ctx context.Context, q string, parent string, page Page) ([]Occupation, int, error) {
	q = strings.TrimSpace(q)
	anyParent := parent == ""
	if parent == OccupationsTop {
		parent = ""
	}
	const where = ` FROM occupations WHERE ($1 = '' OR code LIKE $2 ESCAPE '\' OR name LIKE $3 ESCAPE '\')
		AND ($4 OR parent = $5)`
	args := []any{q, likeEscape(q) + "%", "%" + likeEscape(q) + "%", anyParent, parent}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+occupationColumns+where+` ORDER BY code LIMIT $6 OFFSET $7`,
		append(args, page.limit(), page.offset())...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanOccupation)
	return out, total, err
}

// Occupation finds a catalogue entry by its official code.
func (db *DB) Occupation(ctx context.Context, code string) (Occupation, error) {
	return occupation(ctx, db.read, code)
}

func occupation(ctx context.Context, q querier, code string) (Occupation, error) {
	o, err := scanOccupation(q.QueryRowContext(ctx, `SELECT `+occupationColumns+` FROM occupations WHERE code = $1`, code))
	return o, mapError(err, "occupation")
}

// ListSkillLevels lists the skill levels from the entry level up.
func (db *DB) ListSkillLevels(ctx context.Context) ([]SkillLevel, error) {
	return skillLevels(ctx, db.read)
}

func skillLevels(ctx context.Context, q querier) ([]SkillLevel, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, name_zh, name_en, rank, version FROM skill_levels ORDER BY rank, code`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (SkillLevel, error) {
		var l SkillLevel
		if err := r.Scan(&l.Code, &l.NameZh, &l.NameEn, &l.Rank, &l.Version); err != nil {
			return l, err
		}
		return l, nil
	})
}

// SkillLevel finds a skill level by its code.
func (db *DB) SkillLevel(ctx context.Context, code string) (SkillLevel, error) {
	return skillLevel(ctx, db.read, code)
}

func skillLevel(ctx context.Context, q querier, code string) (SkillLevel, error) {
	var l SkillLevel
	err := q.QueryRowContext(ctx, `SELECT code, name_zh, name_en, rank, version FROM skill_levels WHERE code = $1`, code).
		Scan(&l.Code, &l.NameZh, &l.NameEn, &l.Rank, &l.Version)
	return l, mapError(err, "skill level")
}

const keyGroupColumns = `code, name_zh, name_en, detail_zh, detail_en, sensitive, version`

func scanKeyGroup(row scanner) (KeyGroup, error) {
	var g KeyGroup
	err := row.Scan(&g.Code, &g.NameZh, &g.NameEn, &g.DetailZh, &g.DetailEn, &g.Sensitive, &g.Version)
	return g, err
}

// ListKeyGroups lists the key groups by code.
func (db *DB) ListKeyGroups(ctx context.Context) ([]KeyGroup, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+keyGroupColumns+` FROM key_groups ORDER BY code`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanKeyGroup)
}

// KeyGroup finds a key group by its code.
func (db *DB) KeyGroup(ctx context.Context, code string) (KeyGroup, error) {
	return keyGroup(ctx, db.read, code)
}

func keyGroup(ctx context.Context, q querier, code string) (KeyGroup, error) {
	g, err := scanKeyGroup(q.QueryRowContext(ctx, `SELECT `+keyGroupColumns+` FROM key_groups WHERE code = $1`, code))
	return g, mapError(err, "key group")
}

// ListSectors lists the key sectors by code.
func (db *DB) ListSectors(ctx context.Context) ([]Sector, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT code, name_zh, name_en, version FROM sectors ORDER BY code`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Sector, error) {
		var s Sector
		if err := r.Scan(&s.Code, &s.NameZh, &s.NameEn, &s.Version); err != nil {
			return s, err
		}
		return s, nil
	})
}

// Sector finds a key sector by its code.
func (db *DB) Sector(ctx context.Context, code string) (Sector, error) {
	return sector(ctx, db.read, code)
}

func sector(ctx context.Context, q querier, code string) (Sector, error) {
	var s Sector
	err := q.QueryRowContext(ctx, `SELECT code, name_zh, name_en, version FROM sectors WHERE code = $1`, code).
		Scan(&s.Code, &s.NameZh, &s.NameEn, &s.Version)
	return s, mapError(err, "sector")
}

const specialActionColumns = `id, year, code, name_zh, name_en, version`

func scanSpecialAction(row scanner) (SpecialAction, error) {
	var a SpecialAction
	err := row.Scan(&a.ID, &a.Year, &a.Code, &a.NameZh, &a.NameEn, &a.Version)
	return a, err
}

// ListSpecialActions lists a year's special actions in the order they were added; year 0
// lists those of every year.
func (db *DB) ListSpecialActions(ctx context.Context, year int) ([]SpecialAction, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+specialActionColumns+` FROM special_actions
		WHERE ($1 = 0 OR year = $2) ORDER BY year, id`, year, year)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSpecialAction)
}

// SpecialAction finds a special action by its id.
func (db *DB) SpecialAction(ctx context.Context, id int64) (SpecialAction, error) {
	return specialAction(ctx, db.read, id)
}

func specialAction(ctx context.Context, q querier, id int64) (SpecialAction, error) {
	a, err := scanSpecialAction(q.QueryRowContext(ctx, `SELECT `+specialActionColumns+` FROM special_actions WHERE id = $1`, id))
	return a, mapError(err, "special action")
}

// yearRange is the half-open range of calendar days of the years from..to; 0..0 is every day.
func yearRange(from, to int) (string, string) {
	if from <= 0 {
		return "", "~"
	}
	return fmt.Sprintf("%04d-01-01", from), fmt.Sprintf("%04d-01-01", to+1)
}

// ListCalendar lists a year's listed days in date order; year 0 lists every year's.
func (db *DB) ListCalendar(ctx context.Context, year int) ([]CalendarDay, error) {
	from, to := yearRange(year, year)
	return calendarDays(ctx, db.read, from, to)
}

func calendarDays(ctx context.Context, q querier, from, to string) ([]CalendarDay, error) {
	rows, err := q.QueryContext(ctx, `SELECT day, kind, name, version FROM calendar_days
		WHERE day >= $1 AND day < $2 ORDER BY day`, from, to)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (CalendarDay, error) {
		var d CalendarDay
		if err := r.Scan(&d.Day, &d.Kind, &d.Name, &d.Version); err != nil {
			return d, err
		}
		return d, nil
	})
}

// CalendarYear builds the working-day calendar for deadlines counted in a year: it holds the
// listed days of that year and of the years either side, so that a deadline running over New
// Year is counted right. HasSchedule tells which of these years have a schedule entered.
func (db *DB) CalendarYear(ctx context.Context, year int) (xiangpei.Calendar, error) {
	from, to := yearRange(year-1, year+1)
	return buildCalendar(ctx, db.read, from, to)
}

// Calendar builds the working-day calendar from every listed day of every year.
func (db *DB) Calendar(ctx context.Context) (xiangpei.Calendar, error) {
	from, to := yearRange(0, 0)
	return buildCalendar(ctx, db.read, from, to)
}

func buildCalendar(ctx context.Context, q querier, from, to string) (xiangpei.Calendar, error) {
	days, err := calendarDays(ctx, q, from, to)
	if err != nil {
		return xiangpei.Calendar{}, err
	}
	m := make(map[string]string, len(days))
	var years []int
	for _, d := range days {
		m[d.Day] = d.Kind
		if y, err := strconv.Atoi(d.Day[:4]); err == nil && (len(years) == 0 || years[len(years)-1] != y) {
			years = append(years, y)
		}
	}
	return xiangpei.NewCalendar(m, years), nil
}

// ---- validation ----

// refText trims s and checks that it has min..max characters and no control characters.
func refText(s string, min, max int, key, what string) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	bad := !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0
	if n < min || n > max || bad {
		if min == 0 {
			return s, xiangpei.Errorf(xiangpei.Invalid, key, "The %v may have at most %v characters, on one line.", what, max)
		}
		return s, xiangpei.Errorf(xiangpei.Invalid, key, "Give the %v: %v to %v characters, on one line.", what, min, max)
	}
	return s, nil
}

var (
	refCodeRE        = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)
	occupationCodeRE = regexp.MustCompile(`^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}$`)
	gbmRE            = regexp.MustCompile(`^[0-9]{0,12}$`)
)

func refCode(code, key, what string) (string, error) {
	code = strings.TrimSpace(code)
	if !refCodeRE.MatchString(code) {
		return code, xiangpei.Errorf(xiangpei.Invalid, key,
			"The %v code %q must be 2 to 32 lower-case letters, digits or underscores, starting with a letter.", what, code)
	}
	return code, nil
}

// normalizeLevels checks comma-separated skill-level codes against the skill_levels table and
// returns them without repeats, ordered by rank.
func (tx *Tx) normalizeLevels(levels string) (string, error) {
	all, err := skillLevels(tx.ctx, tx.tx)
	if err != nil {
		return "", err
	}
	want := map[string]bool{}
	for _, f := range strings.Split(levels, ",") {
		if f = strings.TrimSpace(f); f != "" {
			want[f] = true
		}
	}
	var out, known []string
	for _, l := range all {
		known = append(known, l.Code)
		if want[l.Code] {
			out = append(out, l.Code)
			delete(want, l.Code)
		}
	}
	for code := range want {
		return "", xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_levels",
			"%q is not a skill level; use the codes %v, separated by commas.", code, strings.Join(known, ", "))
	}
	return strings.Join(out, ","), nil
}

// ---- changing ----

// UpdateRegionName corrects a region's name.
func (tx *Tx) UpdateRegionName(code, name string, version int64) error {
	name, err := refText(name, 1, 50, "ref.region_name", "region name")
	if err != nil {
		return err
	}
	old, err := region(tx.ctx, tx.tx, code)
	if err != nil {
		return err
	}
	if err := tx.execVersioned("region", `SELECT 1 FROM regions WHERE code = $1`, code,
		`UPDATE regions SET name = $1, updated_at = $2, version = version + 1 WHERE code = $3 AND version = $4`,
		name, tx.Now, code, version); err != nil {
		return err
	}
	return tx.Audit("reference.region.update", "region", code, "", map[string]any{"old_name": old.Name, "new_name": name})
}

// UpdateOccupation corrects a catalogue entry's name (the OCR'd book has slips) and sets the
// skill levels that exist for it; only a 细类 has skill levels.
func (tx *Tx) UpdateOccupation(code, name, levels string, version int64) error {
	name, err := refText(name, 1, 100, "ref.occupation_name", "occupation name")
	if err != nil {
		return err
	}
	old, err := occupation(tx.ctx, tx.tx, code)
	if err != nil {
		return err
	}
	if levels, err = tx.normalizeLevels(levels); err != nil {
		return err
	}
	if old.Depth != 4 && levels != "" {
		return xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_levels_depth",
			"Only a 细类 (four-part code) has skill levels; %v is a group of occupations.", code)
	}
	if err := tx.execVersioned("occupation", `SELECT 1 FROM occupations WHERE code = $1`, code,
		`UPDATE occupations SET name = $1, levels = $2, updated_at = $3, version = version + 1 WHERE code = $4 AND version = $5`,
		name, levels, tx.Now, code, version); err != nil {
		return err
	}
	return tx.Audit("reference.occupation.update", "occupation", code, "", map[string]any{
		"old_name": old.Name, "new_name": name, "old_levels": old.Levels, "new_levels": levels})
}

// DeprecateOccupation retires a catalogue entry, pointing to the entry that replaces it
// (replacedBy may be empty for an occupation withdrawn without a successor). The entry is kept:
// records made under it still name it. The replacement must exist at the same depth and not be
// deprecated itself; a group with entries still in use below it cannot be retired.
func (tx *Tx) DeprecateOccupation(code, replacedBy string, version int64) error {
	replacedBy = strings.TrimSpace(replacedBy)
	old, err := occupation(tx.ctx, tx.tx, code)
	if err != nil {
		return err
	}
	if replacedBy == code {
		return xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_replaced_self", "An occupation cannot replace itself.")
	}
	if replacedBy != "" {
		r, err := occupation(tx.ctx, tx.tx, replacedBy)
		switch {
		case xiangpei.IsKind(err, xiangpei.NotFound):
			return xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_replacement", "There is no occupation %v to replace it.", replacedBy)
		case err != nil:
			return err
		case r.Deprecated:
			return xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_replacement_deprecated",
				"Occupation %v is itself deprecated; choose the entry that replaces it (%v).", replacedBy, r.ReplacedBy)
		case r.Depth != old.Depth:
			return xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_replacement_depth",
				"Occupation %v is on another level of the catalogue than %v.", replacedBy, code)
		}
	}
	var live int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM occupations WHERE parent = $1 AND NOT deprecated`,
		code).Scan(&live); err != nil {
		return err
	}
	if live > 0 {
		return xiangpei.Errorf(xiangpei.Conflict, "ref.occupation_children",
			"%v still has %v entries in use below it; deprecate those first.", code, live)
	}
	if err := tx.execVersioned("occupation", `SELECT 1 FROM occupations WHERE code = $1`, code,
		`UPDATE occupations SET deprecated = $1, replaced_by = $2, updated_at = $3, version = version + 1
		WHERE code = $4 AND version = $5`, true, replacedBy, tx.Now, code, version); err != nil {
		return err
	}
	return tx.Audit("reference.occupation.deprecate", "occupation", code, "", map[string]any{
		"name": old.Name, "old_deprecated": old.Deprecated, "old_replaced_by": old.ReplacedBy, "new_replaced_by": replacedBy})
}

// AddOccupation adds a new 细类 under an existing 小类 (new occupations are announced between
// editions). Empty levels mean the five skill levels; an empty edition is the current year.
func (tx *Tx) AddOccupation(o Occupation) (Occupation, error) {
	o.Code = strings.TrimSpace(o.Code)
	if !occupationCodeRE.MatchString(o.Code) {
		return o, xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_code",
			"An occupation code has four parts, like 4-10-01-05; %q does not.", o.Code)
	}
	if o.Depth != 0 && o.Depth != 4 {
		return o, xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_depth", "Only a 细类 (four-part code) can be added.")
	}
	parent := o.Code[:len(o.Code)-3]
	if o.Parent != "" && o.Parent != parent {
		return o, xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_parent",
			"The code %v belongs under %v, not %v.", o.Code, parent, o.Parent)
	}
	name, err := refText(o.Name, 1, 100, "ref.occupation_name", "occupation name")
	if err != nil {
		return o, err
	}
	o.GBM = strings.TrimSpace(o.GBM)
	if !gbmRE.MatchString(o.GBM) {
		return o, xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_gbm", "A GBM code is up to 12 digits; %q is not.", o.GBM)
	}
	p, err := occupation(tx.ctx, tx.tx, parent)
	switch {
	case xiangpei.IsKind(err, xiangpei.NotFound):
		return o, xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_parent", "There is no 小类 %v to add %v under.", parent, o.Code)
	case err != nil:
		return o, err
	case p.Deprecated:
		return o, xiangpei.Errorf(xiangpei.Invalid, "ref.occupation_parent_deprecated",
			"The 小类 %v is deprecated; nothing new can be added under it.", parent)
	}
	if _, err := occupation(tx.ctx, tx.tx, o.Code); err == nil {
		return o, xiangpei.Errorf(xiangpei.Conflict, "ref.occupation_exists", "Occupation %v already exists.", o.Code)
	} else if !xiangpei.IsKind(err, xiangpei.NotFound) {
		return o, err
	}
	levels := o.Levels
	if strings.TrimSpace(levels) == "" {
		levels = DefaultOccupationLevels
	}
	if levels, err = tx.normalizeLevels(levels); err != nil {
		return o, err
	}
	edition := strings.TrimSpace(o.Edition)
	if edition == "" {
		edition = strconv.Itoa(tx.Now.In(xiangpei.ChinaTime).Year())
	}
	if edition, err = refText(edition, 1, 20, "ref.occupation_edition", "catalogue edition"); err != nil {
		return o, err
	}
	o = Occupation{ID: xiangpei.NewID(), Code: o.Code, GBM: o.GBM, Name: name, Depth: 4, Parent: parent,
		Levels: levels, Edition: edition, Version: 1}
	if _, err := tx.exec(`INSERT INTO occupations (id, code, gbm, name, depth, parent, levels, deprecated, replaced_by,
		edition, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		o.ID, o.Code, o.GBM, o.Name, o.Depth, o.Parent, o.Levels, false, "", o.Edition, tx.Now); err != nil {
		return o, mapError(err, "occupation "+o.Code)
	}
	return o, tx.Audit("reference.occupation.add", "occupation", o.Code, "", map[string]any{
		"id": o.ID, "name": o.Name, "parent": o.Parent, "gbm": o.GBM, "levels": o.Levels, "edition": o.Edition})
}

// UpdateSkillLevel corrects a skill level's names and rank; l.Version is the version edited.
// The codes are fixed: records refer to them.
func (tx *Tx) UpdateSkillLevel(l SkillLevel) error {
	zh, err := refText(l.NameZh, 1, 40, "ref.skill_level_name", "Chinese name")
	if err != nil {
		return err
	}
	en, err := refText(l.NameEn, 1, 60, "ref.skill_level_name", "English name")
	if err != nil {
		return err
	}
	if l.Rank < 1 || l.Rank > 99 {
		return xiangpei.Errorf(xiangpei.Invalid, "ref.skill_level_rank", "The rank orders the levels: a number from 1 to 99.")
	}
	old, err := skillLevel(tx.ctx, tx.tx, l.Code)
	if err != nil {
		return err
	}
	if err := tx.execVersioned("skill level", `SELECT 1 FROM skill_levels WHERE code = $1`, l.Code,
		`UPDATE skill_levels SET name_zh = $1, name_en = $2, rank = $3, updated_at = $4, version = version + 1
		WHERE code = $5 AND version = $6`, zh, en, l.Rank, tx.Now, l.Code, l.Version); err != nil {
		return err
	}
	return tx.Audit("reference.skill_level.update", "skill_level", l.Code, "", map[string]any{
		"old_name_zh": old.NameZh, "new_name_zh": zh, "old_name_en": old.NameEn, "new_name_en": en,
		"old_rank": old.Rank, "new_rank": l.Rank})
}

// UpsertKeyGroup adds a key group (g.Version 0) or corrects one (g.Version the version edited).
func (tx *Tx) UpsertKeyGroup(g KeyGroup) error {
	code, err := refCode(g.Code, "ref.key_group_code", "key group")
	if err != nil {
		return err
	}
	zh, err := refText(g.NameZh, 1, 40, "ref.key_group_name", "Chinese name")
	if err != nil {
		return err
	}
	en, err := refText(g.NameEn, 1, 60, "ref.key_group_name", "English name")
	if err != nil {
		return err
	}
	dzh, err := refText(g.DetailZh, 0, 40, "ref.key_group_detail", "Chinese name of the detail")
	if err != nil {
		return err
	}
	den, err := refText(g.DetailEn, 0, 60, "ref.key_group_detail", "English name of the detail")
	if err != nil {
		return err
	}
	if (dzh == "") != (den == "") {
		return xiangpei.Errorf(xiangpei.Invalid, "ref.key_group_detail", "Name the detail in both Chinese and English, or in neither.")
	}
	old, err := keyGroup(tx.ctx, tx.tx, code)
	if err != nil && !xiangpei.IsKind(err, xiangpei.NotFound) {
		return err
	}
	exists := err == nil
	if g.Version == 0 {
		if exists {
			return xiangpei.Errorf(xiangpei.Conflict, "ref.key_group_exists", "Key group %v already exists.", code)
		}
		if _, err := tx.exec(`INSERT INTO key_groups (code, name_zh, name_en, detail_zh, detail_en, sensitive, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, code, zh, en, dzh, den, g.Sensitive, tx.Now); err != nil {
			return mapError(err, "key group "+code)
		}
		return tx.Audit("reference.key_group.add", "key_group", code, "", map[string]any{
			"name_zh": zh, "name_en": en, "detail_zh": dzh, "detail_en": den, "sensitive": g.Sensitive})
	}
	if !exists {
		return xiangpei.ErrNotFound("key group")
	}
	if err := tx.execVersioned("key group", `SELECT 1 FROM key_groups WHERE code = $1`, code,
		`UPDATE key_groups SET name_zh = $1, name_en = $2, detail_zh = $3, detail_en = $4, sensitive = $5, updated_at = $6,
		version = version + 1 WHERE code = $7 AND version = $8`, zh, en, dzh, den, g.Sensitive, tx.Now, code, g.Version); err != nil {
		return err
	}
	return tx.Audit("reference.key_group.update", "key_group", code, "", map[string]any{
		"old": map[string]any{"name_zh": old.NameZh, "name_en": old.NameEn, "detail_zh": old.DetailZh, "detail_en": old.DetailEn, "sensitive": old.Sensitive},
		"new": map[string]any{"name_zh": zh, "name_en": en, "detail_zh": dzh, "detail_en": den, "sensitive": g.Sensitive}})
}

// UpsertSector adds a key sector (s.Version 0) or corrects one (s.Version the version edited).
func (tx *Tx) UpsertSector(s Sector) error {
	code, err := refCode(s.Code, "ref.sector_code", "sector")
	if err != nil {
		return err
	}
	zh, err := refText(s.NameZh, 1, 40, "ref.sector_name", "Chinese name")
	if err != nil {
		return err
	}
	en, err := refText(s.NameEn, 1, 60, "ref.sector_name", "English name")
	if err != nil {
		return err
	}
	old, err := sector(tx.ctx, tx.tx, code)
	if err != nil && !xiangpei.IsKind(err, xiangpei.NotFound) {
		return err
	}
	exists := err == nil
	if s.Version == 0 {
		if exists {
			return xiangpei.Errorf(xiangpei.Conflict, "ref.sector_exists", "Sector %v already exists.", code)
		}
		if _, err := tx.exec(`INSERT INTO sectors (code, name_zh, name_en, updated_at) VALUES ($1, $2, $3, $4)`,
			code, zh, en, tx.Now); err != nil {
			return mapError(err, "sector "+code)
		}
		return tx.Audit("reference.sector.add", "sector", code, "", map[string]any{"name_zh": zh, "name_en": en})
	}
	if !exists {
		return xiangpei.ErrNotFound("sector")
	}
	if err := tx.execVersioned("sector", `SELECT 1 FROM sectors WHERE code = $1`, code,
		`UPDATE sectors SET name_zh = $1, name_en = $2, updated_at = $3, version = version + 1 WHERE code = $4 AND version = $5`,
		zh, en, tx.Now, code, s.Version); err != nil {
		return err
	}
	return tx.Audit("reference.sector.update", "sector", code, "", map[string]any{
		"old_name_zh": old.NameZh, "new_name_zh": zh, "old_name_en": old.NameEn, "new_name_en": en})
}

func checkActionYear(year int) error {
	if year < 2000 || year > 2100 {
		return xiangpei.Errorf(xiangpei.Invalid, "ref.special_action_year", "A special action belongs to a year from 2000 to 2100, not %v.", year)
	}
	return nil
}

// AddSpecialAction adds a programme to a year's special actions.
func (tx *Tx) AddSpecialAction(year int, code, zh, en string) (SpecialAction, error) {
	if err := checkActionYear(year); err != nil {
		return SpecialAction{}, err
	}
	code, err := refCode(code, "ref.special_action_code", "special action")
	if err != nil {
		return SpecialAction{}, err
	}
	if zh, err = refText(zh, 1, 60, "ref.special_action_name", "Chinese name"); err != nil {
		return SpecialAction{}, err
	}
	if en, err = refText(en, 1, 100, "ref.special_action_name", "English name"); err != nil {
		return SpecialAction{}, err
	}
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM special_actions WHERE year = $1 AND code = $2`,
		year, code).Scan(&n); err != nil {
		return SpecialAction{}, err
	}
	if n > 0 {
		return SpecialAction{}, xiangpei.Errorf(xiangpei.Conflict, "ref.special_action_exists",
			"The special actions of %v already include %v.", year, code)
	}
	a := SpecialAction{ID: xiangpei.NewID(), Year: year, Code: code, NameZh: zh, NameEn: en, Version: 1}
	if _, err := tx.exec(`INSERT INTO special_actions (id, year, code, name_zh, name_en, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, a.Year, a.Code, a.NameZh, a.NameEn, tx.Now); err != nil {
		return a, mapError(err, "special action "+code)
	}
	return a, tx.Audit("reference.special_action.add", "special_action", a.ID, "", map[string]any{
		"year": year, "code": code, "name_zh": zh, "name_en": en})
}

// UpdateSpecialAction corrects the names of a special action.
func (tx *Tx) UpdateSpecialAction(id int64, zh, en string, version int64) error {
	zh, err := refText(zh, 1, 60, "ref.special_action_name", "Chinese name")
	if err != nil {
		return err
	}
	if en, err = refText(en, 1, 100, "ref.special_action_name", "English name"); err != nil {
		return err
	}
	old, err := specialAction(tx.ctx, tx.tx, id)
	if err != nil {
		return err
	}
	if err := tx.execVersioned("special action", `SELECT 1 FROM special_actions WHERE id = $1`, id,
		`UPDATE special_actions SET name_zh = $1, name_en = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5`,
		zh, en, tx.Now, id, version); err != nil {
		return err
	}
	return tx.Audit("reference.special_action.update", "special_action", id, "", map[string]any{
		"year": old.Year, "code": old.Code, "old_name_zh": old.NameZh, "new_name_zh": zh, "old_name_en": old.NameEn, "new_name_en": en})
}

// parseCalendarDay checks a date written YYYY-MM-DD.
func parseCalendarDay(day string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil || t.Format(time.DateOnly) != day || t.Year() < 2000 || t.Year() > 2100 {
		return t, xiangpei.Errorf(xiangpei.Invalid, "ref.calendar_day", "Write the date as YYYY-MM-DD, e.g. 2026-10-01; %q is not one.", day)
	}
	return t, nil
}

func calendarDay(ctx context.Context, q querier, day string) (CalendarDay, error) {
	var d CalendarDay
	err := q.QueryRowContext(ctx, `SELECT day, kind, name, version FROM calendar_days WHERE day = $1`, day).
		Scan(&d.Day, &d.Kind, &d.Name, &d.Version)
	return d, mapError(err, "calendar day")
}

// SetCalendarDay lists a date as a public holiday or an adjusted working weekend, or changes
// how it is listed. An adjusted working day falls on a Saturday or Sunday by definition.
func (tx *Tx) SetCalendarDay(day, kind, name string) error {
	day = strings.TrimSpace(day)
	t, err := parseCalendarDay(day)
	if err != nil {
		return err
	}
	switch kind {
	case xiangpei.DayHoliday:
	case xiangpei.DayWorkday:
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return xiangpei.Errorf(xiangpei.Invalid, "ref.calendar_workday_weekday",
				"%v is a %v and a working day already; only a Saturday or Sunday can be an adjusted working day.", day, wd)
		}
	default:
		return xiangpei.Errorf(xiangpei.Invalid, "ref.calendar_kind", "A listed day is a holiday or an adjusted working day.")
	}
	if name, err = refText(name, 0, 40, "ref.calendar_name", "name of the day"); err != nil {
		return err
	}
	old, err := calendarDay(tx.ctx, tx.tx, day)
	if err != nil && !xiangpei.IsKind(err, xiangpei.NotFound) {
		return err
	}
	if _, err := tx.exec(`INSERT INTO calendar_days (day, kind, name, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, updated_at = excluded.updated_at,
		version = calendar_days.version + 1`, day, kind, name, tx.Now); err != nil {
		return err
	}
	return tx.Audit("reference.calendar.set", "calendar_day", day, "", map[string]any{
		"old_kind": old.Kind, "old_name": old.Name, "new_kind": kind, "new_name": name})
}

// DeleteCalendarDay removes a listed date, which then follows the weekday rule again.
func (tx *Tx) DeleteCalendarDay(day string) error {
	day = strings.TrimSpace(day)
	if _, err := parseCalendarDay(day); err != nil {
		return err
	}
	old, err := calendarDay(tx.ctx, tx.tx, day)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM calendar_days WHERE day = $1`, day); err != nil {
		return err
	}
	return tx.Audit("reference.calendar.delete", "calendar_day", day, "", map[string]any{"old_kind": old.Kind, "old_name": old.Name})
}

// ---- loading the seed ----

// ReferenceData is a complete set of reference rows, for loading a new installation.
type ReferenceData struct {
	Regions        []Region
	Occupations    []Occupation // ID 0 gets a new id; empty Edition is "2022"
	SkillLevels    []SkillLevel
	KeyGroups      []KeyGroup
	Sectors        []Sector
	SpecialActions []SpecialAction // ID 0 gets a new id
	Calendar       []CalendarDay
}

// LoadReference loads each kind of reference row into its table when, and only when, that
// table is empty, so that administrators' corrections survive a second run. It returns how
// many rows it inserted into each table it filled (nothing when every table had rows). It
// writes no audit entry: the caller writes one for the whole load when anything was inserted.
func (tx *Tx) LoadReference(d ReferenceData) (map[string]int, error) {
	counts := map[string]int{}
	seen := map[int64]bool{}
	newID := func() int64 { // NewID's sequence wraps within a millisecond; never hand out an id twice
		for {
			if id := xiangpei.NewID(); !seen[id] {
				seen[id] = true
				return id
			}
		}
	}
	type table struct {
		name string
		cols []string
		rows [][]any
	}
	var tables []table
	add := func(name string, cols []string, n int, row func(i int) []any) {
		t := table{name: name, cols: append(cols, "updated_at")}
		for i := range n {
			t.rows = append(t.rows, append(row(i), tx.Now))
		}
		tables = append(tables, t)
	}
	add("regions", []string{"code", "name", "level", "parent"}, len(d.Regions), func(i int) []any {
		r := d.Regions[i]
		return []any{r.Code, r.Name, r.Level, r.Parent}
	})
	add("skill_levels", []string{"code", "name_zh", "name_en", "rank"}, len(d.SkillLevels), func(i int) []any {
		l := d.SkillLevels[i]
		return []any{l.Code, l.NameZh, l.NameEn, l.Rank}
	})
	add("occupations", []string{"id", "code", "gbm", "name", "depth", "parent", "levels", "deprecated", "replaced_by", "edition"},
		len(d.Occupations), func(i int) []any {
			o := d.Occupations[i]
			if o.ID == 0 {
				o.ID = newID()
			}
			if o.Edition == "" {
				o.Edition = "2022"
			}
			return []any{o.ID, o.Code, o.GBM, o.Name, o.Depth, o.Parent, o.Levels, o.Deprecated, o.ReplacedBy, o.Edition}
		})
	add("key_groups", []string{"code", "name_zh", "name_en", "detail_zh", "detail_en", "sensitive"}, len(d.KeyGroups), func(i int) []any {
		g := d.KeyGroups[i]
		return []any{g.Code, g.NameZh, g.NameEn, g.DetailZh, g.DetailEn, g.Sensitive}
	})
	add("sectors", []string{"code", "name_zh", "name_en"}, len(d.Sectors), func(i int) []any {
		s := d.Sectors[i]
		return []any{s.Code, s.NameZh, s.NameEn}
	})
	add("special_actions", []string{"id", "year", "code", "name_zh", "name_en"}, len(d.SpecialActions), func(i int) []any {
		a := d.SpecialActions[i]
		if a.ID == 0 {
			a.ID = newID()
		}
		return []any{a.ID, a.Year, a.Code, a.NameZh, a.NameEn}
	})
	add("calendar_days", []string{"day", "kind", "name"}, len(d.Calendar), func(i int) []any {
		c := d.Calendar[i]
		return []any{c.Day, c.Kind, c.Name}
	})
	for _, t := range tables {
		if len(t.rows) == 0 {
			continue
		}
		var have int
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM `+t.name).Scan(&have); err != nil {
			return nil, fmt.Errorf("count %s: %w", t.name, err)
		}
		if have > 0 {
			continue // corrections by administrators survive
		}
		if err := tx.insertRows(t.name, t.cols, t.rows); err != nil {
			return nil, fmt.Errorf("load %s: %w", t.name, err)
		}
		counts[t.name] = len(t.rows)
	}
	return counts, nil
}

// insertRows inserts rows with multi-row INSERTs. Batches are small because the SQLite
// driver's cost per statement grows faster than its number of parameters: 25 rows a statement
// loads the 2,176 occupations in about 50 ms, 200 rows in about 190 ms.
func (tx *Tx) insertRows(table string, cols []string, rows [][]any) error {
	const batch = 25
	head := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `
	for start := 0; start < len(rows); start += batch {
		chunk := rows[start:min(start+batch, len(rows))]
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if len(r) != len(cols) {
				return fmt.Errorf("row %d has %d values for %d columns", start+i, len(r), len(cols))
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + strconv.Itoa(len(args)+j+1))
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		if _, err := tx.exec(b.String(), args...); err != nil {
			return mapError(err, table)
		}
	}
	return nil
}
