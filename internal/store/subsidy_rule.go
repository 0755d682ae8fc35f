package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"xiangpei"
)

// 补 — the versioned subsidy rule table (SPEC §8). A version is added, never edited or deleted;
// the rule in force for a county on a day is the newest version, effective on or before the
// day, of the most specific region holding the county (city before province). Rules are public
// policy: any reader may read any version, so these readers take no scope.

// subsidyValues is the JSON document a version's values are stored as.
type subsidyValues struct {
	StandardFen  map[string]int64 `json:"standard_fen"`
	UpliftMaxPct int              `json:"uplift_max_pct"`
	KeyGroupFen  map[string]int64 `json:"key_group_fen"`
	CapFen       int64            `json:"cap_fen"`
	Limits       xiangpei.Rules   `json:"limits"`
}

const subsidyRuleCols = `r.id, r.region, r.version, r.effective_from, r.rule_values, r.note, r.created_at, r.created_by`

func scanSubsidyRule(row scanner) (xiangpei.SubsidyRule, error) {
	var r xiangpei.SubsidyRule
	var values string
	if err := row.Scan(&r.ID, &r.Region, &r.Version, &r.EffectiveFrom, &values, &r.Note, &r.CreatedAt, &r.CreatedBy); err != nil {
		return r, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	// Unknown limits keep their defaults, so a version stored before a limit existed still reads.
	v := subsidyValues{Limits: xiangpei.DefaultRules()}
	if err := json.Unmarshal([]byte(values), &v); err != nil {
		return r, fmt.Errorf("subsidy rule %d values: %w", r.ID, err)
	}
	r.StandardFen, r.UpliftMaxPct, r.KeyGroupFen, r.CapFen, r.Limits = v.StandardFen, v.UpliftMaxPct, v.KeyGroupFen, v.CapFen, v.Limits
	if r.KeyGroupFen == nil {
		r.KeyGroupFen = map[string]int64{}
	}
	return r, nil
}

// ruleInForce is the reader behind DB.RuleInForce and Tx.RuleInForce.
func ruleInForce(ctx context.Context, q querier, county, day string) (xiangpei.SubsidyRule, error) {
	regions := xiangpei.ShortageRegions(county) // the most local first: city, province
	if len(regions) == 0 {
		return xiangpei.SubsidyRule{}, xiangpei.Errorf(xiangpei.Invalid, "subsidy.place", "Choose a county, city or province by its six-digit code.")
	}
	city, province := regions[0], regions[len(regions)-1]
	r, err := scanSubsidyRule(q.QueryRowContext(ctx, `SELECT `+subsidyRuleCols+` FROM subsidy_rules r
		WHERE r.region IN ($1, $2) AND r.effective_from <= $3
		ORDER BY CASE WHEN r.region = $1 THEN 0 ELSE 1 END, r.effective_from DESC LIMIT 1`, city, province, day))
	if errors.Is(err, sql.ErrNoRows) {
		return xiangpei.DefaultSubsidyRule("430000", "2000-01-01"), nil
	}
	return r, err
}

// RuleInForce is the subsidy rule version in force for a county (or city, or province) on a
// China date YYYY-MM-DD: the newest version effective on or before day of the city holding the
// county, else of its province; when neither has one, DefaultSubsidyRule("430000",
// "2000-01-01") with ID 0.
func (db *DB) RuleInForce(ctx context.Context, county string, day string) (xiangpei.SubsidyRule, error) {
	return ruleInForce(ctx, db.read, county, day)
}

// RuleInForce is DB.RuleInForce inside the transaction.
func (tx *Tx) RuleInForce(county string, day string) (xiangpei.SubsidyRule, error) {
	return ruleInForce(tx.ctx, tx.tx, county, day)
}

// SubsidyRule reads one version by id, for anyone.
func (db *DB) SubsidyRule(ctx context.Context, id int64) (xiangpei.SubsidyRule, error) {
	r, err := scanSubsidyRule(db.read.QueryRowContext(ctx, `SELECT `+subsidyRuleCols+` FROM subsidy_rules r WHERE r.id = $1`, id))
	return r, mapError(err, "Subsidy rule")
}

// PreviousSubsidyRule reads the version of the same region before r; NotFound for a first
// version.
func (db *DB) PreviousSubsidyRule(ctx context.Context, r xiangpei.SubsidyRule) (xiangpei.SubsidyRule, error) {
	p, err := scanSubsidyRule(db.read.QueryRowContext(ctx, `SELECT `+subsidyRuleCols+` FROM subsidy_rules r
		WHERE r.region = $1 AND r.version < $2 ORDER BY r.version DESC LIMIT 1`, r.Region, r.Version))
	return p, mapError(err, "Subsidy rule")
}

// SubsidyRules lists the versions of a region, the newest first; region "" lists every
// region's, by region then newest first.
func (db *DB) SubsidyRules(ctx context.Context, region string) ([]xiangpei.SubsidyRule, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+subsidyRuleCols+` FROM subsidy_rules r
		WHERE ($1 = '' OR r.region = $1) ORDER BY r.region, r.version DESC`, region)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSubsidyRule)
}

// AddSubsidyRule stores a new version of a region's rule table and audits it. The actor must
// be allowed to set the region's rules (xiangpei.CanSetSubsidyRules); the region must exist;
// the version takes effect today (China date) or later, and after the region's latest version.
// The version number is the next of the region; two officers adding at the same moment get one
// version each or a Conflict, never two versions with one number.
func (tx *Tx) AddSubsidyRule(r xiangpei.SubsidyRule) (xiangpei.SubsidyRule, error) {
	if !xiangpei.CanSetSubsidyRules(tx.Actor, r.Region) {
		return r, xiangpei.Errorf(xiangpei.Forbidden, "subsidy.not_allowed", "Only province officers with the targets duty and administrators set subsidy rules, for their province or its cities.")
	}
	r, err := r.Validate()
	if err != nil {
		return r, err
	}
	if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "subsidy.region_unknown", "There is no such province or city: choose one from the list."),
		`SELECT 1 FROM regions WHERE code = $1 AND level IN ('province','city')`, r.Region); err != nil {
		return r, err
	}
	today := xiangpei.ChinaDate(tx.Now)
	if r.EffectiveFrom < today {
		return r, xiangpei.Errorf(xiangpei.Invalid, "subsidy.backdated", "New rules take effect today (%v) or later, never in the past.", today)
	}
	var latest string
	var version int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COALESCE(MAX(effective_from), ''), COALESCE(MAX(version), 0)
		FROM subsidy_rules WHERE region = $1`, r.Region).Scan(&latest, &version); err != nil {
		return r, err
	}
	if r.EffectiveFrom <= latest {
		return r, xiangpei.Errorf(xiangpei.Conflict, "subsidy.not_after_latest", "The region's latest version takes effect on %v: a new version must take effect after that day.", latest)
	}
	values, err := json.Marshal(subsidyValues{StandardFen: r.StandardFen, UpliftMaxPct: r.UpliftMaxPct,
		KeyGroupFen: r.KeyGroupFen, CapFen: r.CapFen, Limits: r.Limits})
	if err != nil {
		return r, err
	}
	r.ID, r.Version, r.CreatedAt, r.CreatedBy = xiangpei.NewID(), version+1, tx.Now.Truncate(time.Microsecond), tx.Actor.Name
	if _, err := tx.exec(`INSERT INTO subsidy_rules (id, region, version, effective_from, rule_values, note, created_at, created_by, created_by_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.ID, r.Region, r.Version, r.EffectiveFrom, string(values), r.Note,
		r.CreatedAt, r.CreatedBy, tx.Actor.AccountID); err != nil {
		return r, mapError(err, "Subsidy rule version")
	}
	return r, tx.Audit("subsidy_rule.add", "subsidy_rule", r.ID, r.Region, map[string]any{
		"version": r.Version, "effective_from": r.EffectiveFrom, "values": json.RawMessage(values), "note": r.Note})
}
