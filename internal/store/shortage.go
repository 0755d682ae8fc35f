package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 培 — shortage-occupation lists (紧缺工种目录, SPEC §4.1): drafting, publishing, withdrawing and
// revising a region's lists, reading them, and the answer every other part of the platform asks
// for: which entries were in force for a county at an instant (ShortageInForce, ShortageUplift).
//
// A list is public once published. Changing one is the work of a city or province officer (the
// web layer checks the publish duty): a city officer publishes for their city, a province
// officer for the province or any of its cities; a county officer publishes nothing. Reading for
// management is limited to the lists of the officer's region, so another city's list is
// NotFound; the published lists are read by anyone through the public readers.

const shortageListCols = `l.id, l.series_id, l.list_version, l.revised_from, l.region, l.title, l.period_from,
	l.period_to, l.status, l.created_by, l.created_at, l.updated_at, l.published_at, l.published_by, l.superseded_at,
	l.superseded_by, l.withdrawn_at, l.withdrawn_by, l.withdraw_reason, l.version,
	(SELECT COUNT(*) FROM shortage_entries n WHERE n.list_id = l.id)`

// shortageScope restricts lists l to the reach passed as $2 (everything) and $3 (a LIKE pattern
// on the list's region); see shortageReach.
const shortageScope = `($2 OR l.region LIKE $3)`

// shortageReach is the management reach of a scope over lists: administrators see every list,
// an officer the lists of their region; organisations' staff and persons see none here (they
// read published lists through the public readers). scopeOf is not used because it widens org
// and person scopes to every region, which is right for their own records but not for lists.
func shortageReach(s xiangpei.Scope) (bool, string) {
	switch {
	case s.All:
		return true, "%"
	case s.Region != "" && s.OrgID == 0 && s.PersonID == 0:
		return false, s.Region + "%"
	}
	return false, "-"
}

// shortageInForce is the rule of xiangpei.ShortageList.InForce in SQL, for lists l at the
// instant $1 whose China date is $2.
const shortageInForce = `l.status <> 'draft' AND l.published_at <= $1
	AND (l.superseded_at IS NULL OR l.superseded_at > $1) AND (l.withdrawn_at IS NULL OR l.withdrawn_at > $1)
	AND l.period_from <= $2 AND l.period_to >= $2`

func scanShortageList(r scanner) (xiangpei.ShortageList, error) {
	var l xiangpei.ShortageList
	var status string
	var published, superseded, withdrawn sql.NullTime
	err := r.Scan(&l.ID, &l.SeriesID, &l.ListVersion, &l.RevisedFrom, &l.Region, &l.Title, &l.From, &l.To, &status,
		&l.CreatedBy, &l.CreatedAt, &l.UpdatedAt, &published, &l.PublishedBy, &superseded, &l.SupersededBy,
		&withdrawn, &l.WithdrawnBy, &l.WithdrawReason, &l.Version, &l.EntryCount)
	l.Status = xiangpei.ShortageStatus(status)
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	if published.Valid {
		l.PublishedAt = published.Time.UTC()
	}
	if superseded.Valid {
		l.SupersededAt = superseded.Time.UTC()
	}
	if withdrawn.Valid {
		l.WithdrawnAt = withdrawn.Time.UTC()
	}
	return l, err
}

const shortageEntryCols = `e.id, e.list_id, e.occupation_code, COALESCE(o.name, ''), e.level, e.degree, e.uplift_pct, e.sectors`

const shortageEntryFrom = ` FROM shortage_entries e LEFT JOIN occupations o ON o.code = e.occupation_code
	LEFT JOIN skill_levels k ON k.code = e.level`

func scanShortageEntry(r scanner) (xiangpei.ShortageEntry, error) {
	var e xiangpei.ShortageEntry
	var sectors string
	err := r.Scan(&e.ID, &e.ListID, &e.OccupationCode, &e.OccupationName, &e.Level, &e.Degree, &e.UpliftPct, &sectors)
	e.Sectors = splitList(sectors)
	return e, err
}

func shortageEntries(ctx context.Context, q querier, listID int64) ([]xiangpei.ShortageEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+shortageEntryCols+shortageEntryFrom+` WHERE e.list_id = $1
		ORDER BY e.occupation_code, COALESCE(k.rank, 99), e.level`, listID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanShortageEntry)
}

// withEntries reads a list's entries into it.
func withEntries(ctx context.Context, q querier, l xiangpei.ShortageList, err error) (xiangpei.ShortageList, error) {
	if err != nil {
		return xiangpei.ShortageList{}, mapError(err, "Shortage list")
	}
	if l.Entries, err = shortageEntries(ctx, q, l.ID); err != nil {
		return xiangpei.ShortageList{}, err
	}
	return l, nil
}

func shortageListByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.ShortageList, error) {
	all, region := shortageReach(s)
	l, err := scanShortageList(q.QueryRowContext(ctx, `SELECT `+shortageListCols+` FROM shortage_lists l
		WHERE l.id = $1 AND `+shortageScope, id, all, region))
	return withEntries(ctx, q, l, err)
}

// ShortageList reads a list of any state within the management reach of s, with its entries;
// another region's list is NotFound.
func (db *DB) ShortageList(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.ShortageList, error) {
	return shortageListByID(ctx, db.read, s, id)
}

// ShortageList reads a list within the management reach of s inside the transaction.
func (tx *Tx) ShortageList(s xiangpei.Scope, id int64) (xiangpei.ShortageList, error) {
	return shortageListByID(tx.ctx, tx.tx, s, id)
}

// PublicShortageList reads a list that has been published (it may since have been superseded
// or withdrawn), with its entries, for anyone; a draft is NotFound.
func (db *DB) PublicShortageList(ctx context.Context, id int64) (xiangpei.ShortageList, error) {
	l, err := scanShortageList(db.read.QueryRowContext(ctx, `SELECT `+shortageListCols+` FROM shortage_lists l
		WHERE l.id = $1 AND l.status <> 'draft'`, id))
	return withEntries(ctx, db.read, l, err)
}

// ShortageHistory lists the versions of a series, the newest first, without entries: the
// published ones for anyone, and drafts too when the series lies within the management reach
// of s (pass the zero Scope for the public's view).
func (db *DB) ShortageHistory(ctx context.Context, s xiangpei.Scope, seriesID int64) ([]xiangpei.ShortageList, error) {
	all, region := shortageReach(s)
	rows, err := db.read.QueryContext(ctx, `SELECT `+shortageListCols+` FROM shortage_lists l
		WHERE l.series_id = $1 AND (l.status <> 'draft' OR `+shortageScope+`) ORDER BY l.list_version DESC`,
		seriesID, all, region)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanShortageList)
}

// ShortageFilter narrows the management list of shortage lists.
type ShortageFilter struct {
	Status xiangpei.ShortageStatus // "" any
	Region string                  // "" any region within reach
}

// ShortageLists lists the lists within the management reach of s that pass the filter, the
// most recently changed first, with the total; entries are counted, not read.
func (db *DB) ShortageLists(ctx context.Context, s xiangpei.Scope, f ShortageFilter, page Page) ([]xiangpei.ShortageList, int, error) {
	all, region := shortageReach(s)
	where := ` FROM shortage_lists l WHERE ($1 = '' OR l.status = $1) AND ($4 = '' OR l.region = $4) AND ` + shortageScope
	args := []any{string(f.Status), all, region, strings.TrimSpace(f.Region)}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+shortageListCols+where+` ORDER BY l.updated_at DESC, l.id DESC
		LIMIT $5 OFFSET $6`, append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanShortageList)
	return out, total, err
}

// ShortageListsInForce lists the lists in force at the instant at, with their entries: those
// that apply to place (a county, city or province code: its city's and its province's, see
// xiangpei.ShortageRegions), or every list in force when place is "". The province's list
// comes first, then the cities' by code.
func (db *DB) ShortageListsInForce(ctx context.Context, place string, at time.Time) ([]xiangpei.ShortageList, error) {
	regions := xiangpei.ShortageRegions(place)
	if place != "" && regions == nil {
		return nil, errShortagePlace()
	}
	a, b := "", ""
	if len(regions) > 0 {
		a, b = regions[0], regions[len(regions)-1]
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+shortageListCols+` FROM shortage_lists l WHERE `+shortageInForce+`
		AND ($3 = '' OR l.region IN ($3, $4)) ORDER BY l.region, l.id`, at.UTC(), xiangpei.ChinaDate(at), a, b)
	if err != nil {
		return nil, err
	}
	lists, err := collect(rows, scanShortageList)
	if err != nil {
		return nil, err
	}
	// Province codes end in 0000 and sort after their cities; show the province's list first.
	var out []xiangpei.ShortageList
	for pass := 0; pass < 2; pass++ {
		for _, l := range lists {
			if (xiangpei.RegionLevel(l.Region) == "province") == (pass == 0) {
				if l.Entries, err = shortageEntries(ctx, db.read, l.ID); err != nil {
					return nil, err
				}
				out = append(out, l)
			}
		}
	}
	return out, nil
}

func errShortagePlace() error {
	return xiangpei.Errorf(xiangpei.Invalid, "shortage.place", "Choose a county, city or province by its six-digit code.")
}

// shortageEntriesInForce reads the entries of the lists in force at `at` for a place, limited to
// one occupation and level when they are not "", and merges them (xiangpei.MergeShortage).
func shortageEntriesInForce(ctx context.Context, q querier, place, occupation, level string, at time.Time) ([]xiangpei.ShortageEntryInForce, error) {
	regions := xiangpei.ShortageRegions(place)
	if regions == nil {
		return nil, errShortagePlace()
	}
	rows, err := q.QueryContext(ctx, `SELECT `+shortageEntryCols+`, l.series_id, l.list_version, l.region, l.title,
		l.published_at`+shortageEntryFrom+` JOIN shortage_lists l ON l.id = e.list_id
		WHERE `+shortageInForce+` AND l.region IN ($3, $4) AND ($5 = '' OR e.occupation_code = $5) AND ($6 = '' OR e.level = $6)`,
		at.UTC(), xiangpei.ChinaDate(at), regions[0], regions[len(regions)-1], occupation, level)
	if err != nil {
		return nil, err
	}
	in, err := collect(rows, func(r scanner) (xiangpei.ShortageEntryInForce, error) {
		var x xiangpei.ShortageEntryInForce
		var sectors string
		err := r.Scan(&x.ID, &x.ListID, &x.OccupationCode, &x.OccupationName, &x.Level, &x.Degree, &x.UpliftPct, &sectors,
			&x.SeriesID, &x.ListVersion, &x.Region, &x.Title, &x.PublishedAt)
		x.Sectors = splitList(sectors)
		x.PublishedAt = x.PublishedAt.UTC()
		return x, err
	})
	if err != nil {
		return nil, err
	}
	return xiangpei.MergeShortage(in), nil
}

// ShortageOccupationsInForce returns, by the region each list belongs to (a city or a
// province), the occupation codes of the shortage lists in force at an instant, at any level:
// the matching index favours those occupations in that region (match.NewShortage).
func (db *DB) ShortageOccupationsInForce(ctx context.Context, at time.Time) (map[string][]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT l.region, e.occupation_code`+shortageEntryFrom+`
		JOIN shortage_lists l ON l.id = e.list_id WHERE `+shortageInForce+` ORDER BY l.region, e.occupation_code`,
		at.UTC(), xiangpei.ChinaDate(at))
	if err != nil {
		return nil, err
	}
	type pair struct{ region, code string }
	list, err := collect(rows, func(r scanner) (pair, error) {
		var p pair
		err := r.Scan(&p.region, &p.code)
		return p, err
	})
	out := map[string][]string{}
	for _, p := range list {
		out[p.region] = append(out[p.region], p.code)
	}
	return out, err
}

// ShortageInForce returns the shortage entries that apply to a county at an instant (a claim
// asks at the moment its class started, the public page at the end of a day): the entries of
// the lists in force at that instant for the county's city and for its province. A list is in
// force from the moment it is published until the moment it is superseded or withdrawn, and
// only on the days of its period (China dates). When the city's and the province's lists both
// name the same occupation and level, the entry with the higher uplift wins; on equal uplift the
// city's. Each entry carries the list it comes from (id, series, version, region), so a claim
// can record which list produced its uplift. The result is sorted by occupation and level; a
// county with no list in force gets an empty slice. The code may also be a city's or the
// province's; a code that is not six digits is Invalid.
func (db *DB) ShortageInForce(ctx context.Context, county string, at time.Time) ([]xiangpei.ShortageEntryInForce, error) {
	return shortageEntriesInForce(ctx, db.read, county, "", "", at)
}

// ShortageUplift returns the subsidy uplift in percent that the shortage lists in force at `at`
// give an occupation at a level in a county, with the list (id and version in its series) it
// comes from, by the rules of ShortageInForce. When no list in force names the occupation and
// level, it returns 0, 0, 0 and no error.
func (db *DB) ShortageUplift(ctx context.Context, county, occupation, level string, at time.Time) (pct int, listID int64, version int, err error) {
	return shortageUplift(ctx, db.read, county, occupation, level, at)
}

// ShortageUplift is DB.ShortageUplift inside the transaction, for a computation that writes
// what it read.
func (tx *Tx) ShortageUplift(county, occupation, level string, at time.Time) (pct int, listID int64, version int, err error) {
	return shortageUplift(tx.ctx, tx.tx, county, occupation, level, at)
}

func shortageUplift(ctx context.Context, q querier, county, occupation, level string, at time.Time) (int, int64, int, error) {
	occupation, level = strings.TrimSpace(occupation), strings.TrimSpace(level)
	if occupation == "" || level == "" {
		return 0, 0, 0, xiangpei.Errorf(xiangpei.Invalid, "shortage.occupation_missing", "Choose the occupation, by its code in the catalogue such as 4-10-01-05.")
	}
	entries, err := shortageEntriesInForce(ctx, q, county, occupation, level, at)
	if err != nil || len(entries) == 0 {
		return 0, 0, 0, err
	}
	return entries[0].UpliftPct, entries[0].ListID, entries[0].ListVersion, nil
}

// ---- changes ----

// shortagePublisher refuses a change by anyone but an officer of a city or a province.
func shortagePublisher(s xiangpei.Scope) error {
	if s.All || s.OrgID != 0 || s.PersonID != 0 || s.Region == "" {
		return xiangpei.Errorf(xiangpei.Forbidden, "shortage.officer_only", "Only city and province officers publish shortage lists.")
	}
	if len(s.Region) > 4 {
		return xiangpei.Errorf(xiangpei.Forbidden, "shortage.county_officer", "County officers do not publish shortage lists: the city or the province does.")
	}
	return nil
}

// shortageAt reads a list within scope for a change at a version: stale versions are refused,
// and so is anyone who does not publish lists.
func (tx *Tx) shortageAt(s xiangpei.Scope, id, version int64) (xiangpei.ShortageList, error) {
	l, err := tx.ShortageList(s, id)
	if err != nil {
		return l, err
	}
	if err := shortagePublisher(s); err != nil {
		return l, err
	}
	if l.Version != version {
		return l, xiangpei.StaleVersion()
	}
	return l, nil
}

// editableShortage is shortageAt for a change of the list itself: only drafts are edited.
func (tx *Tx) editableShortage(s xiangpei.Scope, id, version int64) (xiangpei.ShortageList, error) {
	l, err := tx.shortageAt(s, id, version)
	if err != nil {
		return l, err
	}
	if !l.Status.Editable() {
		return l, xiangpei.Errorf(xiangpei.Conflict, "shortage.not_draft", "A published list never changes: revise it to make a new version.")
	}
	return l, nil
}

// bumpShortage moves a list to its next record version after a change to it or its entries.
func (tx *Tx) bumpShortage(l xiangpei.ShortageList) error {
	return tx.execVersioned("Shortage list", `SELECT 1 FROM shortage_lists WHERE id = $1`, l.ID,
		`UPDATE shortage_lists SET version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2`,
		l.ID, l.Version, tx.Now.Truncate(time.Microsecond))
}

// CreateShortageList starts a list as a draft, version 1 of a new series, for a region the
// officer may publish for: their own city or province, or (for a province officer) one of its
// cities.
func (tx *Tx) CreateShortageList(s xiangpei.Scope, in xiangpei.ShortageListInput) (xiangpei.ShortageList, error) {
	in, err := in.Validate()
	if err != nil {
		return xiangpei.ShortageList{}, err
	}
	if err := shortagePublisher(s); err != nil {
		return xiangpei.ShortageList{}, err
	}
	if !s.Covers(in.Region) {
		return xiangpei.ShortageList{}, xiangpei.Errorf(xiangpei.Forbidden, "shortage.region_outside", "You can publish lists only for your own city or province, or a city in your province.")
	}
	var level string
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT level FROM regions WHERE code = $1`, in.Region).Scan(&level)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && level == "county") {
		return xiangpei.ShortageList{}, xiangpei.Errorf(xiangpei.Invalid, "shortage.region_unknown", "There is no such city or province: choose one from the list.")
	}
	if err != nil {
		return xiangpei.ShortageList{}, err
	}
	id := xiangpei.NewID()
	now := tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO shortage_lists (id, series_id, list_version, region, title, period_from, period_to,
		status, created_by, created_at, updated_at, version) VALUES ($1, $1, 1, $2, $3, $4, $5, $6, $7, $8, $8, 1)`,
		id, in.Region, in.Title, in.From, in.To, string(xiangpei.ShortageDraft), tx.Actor.AccountID, now); err != nil {
		return xiangpei.ShortageList{}, mapError(err, "Shortage list")
	}
	if err := tx.Audit("shortage.create", "shortage_list", id, in.Region, map[string]any{"title": in.Title,
		"from": in.From, "to": in.To}); err != nil {
		return xiangpei.ShortageList{}, err
	}
	return tx.ShortageList(s, id)
}

// UpdateShortageList changes a draft's title and period at a version; the region stays.
func (tx *Tx) UpdateShortageList(s xiangpei.Scope, id, version int64, in xiangpei.ShortageListInput) (xiangpei.ShortageList, error) {
	l, err := tx.editableShortage(s, id, version)
	if err != nil {
		return l, err
	}
	in.Region = l.Region
	if in, err = in.Validate(); err != nil {
		return l, err
	}
	if err := tx.execVersioned("Shortage list", `SELECT 1 FROM shortage_lists WHERE id = $1`, id,
		`UPDATE shortage_lists SET title = $3, period_from = $4, period_to = $5, updated_at = $6, version = version + 1
		WHERE id = $1 AND version = $2`, id, version, in.Title, in.From, in.To, tx.Now.Truncate(time.Microsecond)); err != nil {
		return l, err
	}
	if err := tx.Audit("shortage.update", "shortage_list", id, l.Region, map[string]any{
		"before": map[string]string{"title": l.Title, "from": l.From, "to": l.To},
		"after":  map[string]string{"title": in.Title, "from": in.From, "to": in.To}}); err != nil {
		return l, err
	}
	return tx.ShortageList(s, id)
}

// DiscardShortageDraft deletes a draft, which was never public, with its entries, at the
// list's version; the audit trail keeps what it was. Published, superseded and withdrawn lists
// are never deleted.
func (tx *Tx) DiscardShortageDraft(s xiangpei.Scope, id, version int64) (xiangpei.ShortageList, error) {
	l, err := tx.shortageAt(s, id, version)
	if err != nil {
		return l, err
	}
	if l.Status != xiangpei.ShortageDraft {
		return l, xiangpei.Errorf(xiangpei.Conflict, "shortage.discard_not_draft", "Only a draft can be discarded: a list that was published stays on record; withdraw it instead.")
	}
	if _, err := tx.exec(`DELETE FROM shortage_entries WHERE list_id = $1`, id); err != nil {
		return l, err
	}
	r, err := tx.exec(`DELETE FROM shortage_lists WHERE id = $1 AND version = $2 AND status = $3`, id, version, string(xiangpei.ShortageDraft))
	if err != nil {
		return l, err
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return l, xiangpei.StaleVersion()
	}
	if err := tx.Audit("shortage.discard", "shortage_list", id, l.Region, map[string]any{"title": l.Title,
		"series": l.SeriesID, "list_version": l.ListVersion, "entries": len(l.Entries)}); err != nil {
		return l, err
	}
	return l, nil
}

// AddShortageEntry adds an occupation to a draft at the list's version: a current 细类 of the
// catalogue at a level it has, known sectors, and not an occupation and level the list already
// names. The list moves to its next version.
func (tx *Tx) AddShortageEntry(s xiangpei.Scope, listID, version int64, in xiangpei.ShortageEntryInput) (xiangpei.ShortageList, error) {
	in, err := in.Validate()
	if err != nil {
		return xiangpei.ShortageList{}, err
	}
	l, err := tx.editableShortage(s, listID, version)
	if err != nil {
		return l, err
	}
	if err := tx.checkOccupation(in.OccupationCode, in.Level); err != nil {
		return l, err
	}
	var one int
	for _, sec := range in.Sectors {
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "shortage.sector", "There is no key sector “%v”: choose from the list.", sec),
			`SELECT 1 FROM sectors WHERE code = $1`, sec); err != nil {
			return l, err
		}
	}
	dup := xiangpei.Errorf(xiangpei.Conflict, "shortage.duplicate_entry", "The list already names this occupation at this level: remove that line first to change it.")
	switch err := tx.tx.QueryRowContext(tx.ctx, `SELECT 1 FROM shortage_entries WHERE list_id = $1 AND occupation_code = $2 AND level = $3`,
		listID, in.OccupationCode, in.Level).Scan(&one); {
	case err == nil:
		return l, dup
	case !errors.Is(err, sql.ErrNoRows):
		return l, err
	}
	id := xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO shortage_entries (id, list_id, occupation_code, level, degree, uplift_pct, sectors, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, listID, in.OccupationCode, in.Level, in.Degree, in.UpliftPct,
		strings.Join(in.Sectors, ","), tx.Now.Truncate(time.Microsecond)); err != nil {
		if err = mapError(err, "Shortage entry"); xiangpei.IsKind(err, xiangpei.Conflict) {
			return l, dup
		}
		return l, err
	}
	if err := tx.bumpShortage(l); err != nil {
		return l, err
	}
	if err := tx.Audit("shortage.entry_add", "shortage_list", listID, l.Region, map[string]any{"entry": id,
		"occupation": in.OccupationCode, "level": in.Level, "degree": in.Degree, "uplift_pct": in.UpliftPct,
		"sectors": in.Sectors}); err != nil {
		return l, err
	}
	return tx.ShortageList(s, listID)
}

// RemoveShortageEntry takes an entry off a draft at the list's version.
func (tx *Tx) RemoveShortageEntry(s xiangpei.Scope, listID, version, entryID int64) (xiangpei.ShortageList, error) {
	l, err := tx.editableShortage(s, listID, version)
	if err != nil {
		return l, err
	}
	var gone *xiangpei.ShortageEntry
	for i := range l.Entries {
		if l.Entries[i].ID == entryID {
			gone = &l.Entries[i]
		}
	}
	if gone == nil {
		return l, xiangpei.ErrNotFound("Shortage entry")
	}
	if _, err := tx.exec(`DELETE FROM shortage_entries WHERE id = $1 AND list_id = $2`, entryID, listID); err != nil {
		return l, err
	}
	if err := tx.bumpShortage(l); err != nil {
		return l, err
	}
	if err := tx.Audit("shortage.entry_remove", "shortage_list", listID, l.Region, map[string]any{"entry": entryID,
		"occupation": gone.OccupationCode, "level": gone.Level, "uplift_pct": gone.UpliftPct}); err != nil {
		return l, err
	}
	return tx.ShortageList(s, listID)
}

// MoveShortageList publishes or withdraws a list at its version.
//
// Publishing needs at least one entry and a period that has not ended; it refuses when a list of
// another series of the same region is published for an overlapping period (one list per
// region and day: revise that one instead), and it supersedes, from this very instant, the
// version of the same series that was published before. Withdrawing needs a reason that
// everyone can read; the list is no longer in force from this instant.
func (tx *Tx) MoveShortageList(s xiangpei.Scope, id, version int64, action xiangpei.ShortageAction, reason string) (xiangpei.ShortageList, error) {
	reason = strings.TrimSpace(reason)
	if action != xiangpei.ShortagePublish && action != xiangpei.ShortageWithdraw {
		return xiangpei.ShortageList{}, xiangpei.Errorf(xiangpei.Invalid, "shortage.unknown_action", "There is no such action on a shortage list.")
	}
	l, err := tx.shortageAt(s, id, version)
	if err != nil {
		return l, err
	}
	next, err := l.Status.Next(action)
	if err != nil {
		return l, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	switch action {
	case xiangpei.ShortagePublish:
		if err := l.CheckPublish(len(l.Entries), now); err != nil {
			return l, err
		}
		var title string
		err := tx.tx.QueryRowContext(tx.ctx, `SELECT l.title FROM shortage_lists l WHERE l.region = $1 AND l.series_id <> $2
			AND l.status = 'published' AND l.period_from <= $4 AND l.period_to >= $3 ORDER BY l.period_from LIMIT 1`,
			l.Region, l.SeriesID, l.From, l.To).Scan(&title)
		if err == nil {
			return l, xiangpei.Errorf(xiangpei.Conflict, "shortage.overlap", "The list “%v” of the same region is already published for part of this period: revise that list instead, or withdraw it first.", title)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return l, err
		}
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT l.id, l.list_version FROM shortage_lists l
			WHERE l.series_id = $1 AND l.status = 'published' AND l.id <> $2`, l.SeriesID, l.ID)
		if err != nil {
			return l, err
		}
		older, err := collect(rows, func(r scanner) ([2]int64, error) {
			var x [2]int64
			err := r.Scan(&x[0], &x[1])
			return x, err
		})
		if err != nil {
			return l, err
		}
		for _, o := range older {
			if _, err := tx.exec(`UPDATE shortage_lists SET status = $2, superseded_at = $3, superseded_by = $4,
				updated_at = $3, version = version + 1 WHERE id = $1 AND status = 'published'`,
				o[0], string(xiangpei.ShortageSuperseded), now, l.ID); err != nil {
				return l, err
			}
			if err := tx.Audit("shortage.supersede", "shortage_list", o[0], l.Region, map[string]any{
				"list_version": o[1], "superseded_by": l.ID, "by_version": l.ListVersion}); err != nil {
				return l, err
			}
		}
		if err := tx.execVersioned("Shortage list", `SELECT 1 FROM shortage_lists WHERE id = $1`, id,
			`UPDATE shortage_lists SET status = $3, published_at = $4, published_by = $5, updated_at = $4,
			version = version + 1 WHERE id = $1 AND version = $2`, id, version, string(next), now, tx.Actor.AccountID); err != nil {
			return l, err
		}
		if err := tx.Audit("shortage.publish", "shortage_list", id, l.Region, map[string]any{"title": l.Title,
			"list_version": l.ListVersion, "entries": len(l.Entries), "from": l.From, "to": l.To}); err != nil {
			return l, err
		}
	case xiangpei.ShortageWithdraw:
		if n := utf8.RuneCountInString(reason); n < 2 || n > 500 {
			return l, xiangpei.Errorf(xiangpei.Invalid, "shortage.reason", "Give the reason for withdrawing the list (2 to 500 characters): everyone can read it.")
		}
		if err := tx.execVersioned("Shortage list", `SELECT 1 FROM shortage_lists WHERE id = $1`, id,
			`UPDATE shortage_lists SET status = $3, withdrawn_at = $4, withdrawn_by = $5, withdraw_reason = $6,
			updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2`,
			id, version, string(next), now, tx.Actor.AccountID, reason); err != nil {
			return l, err
		}
		if err := tx.Audit("shortage.withdraw", "shortage_list", id, l.Region, map[string]any{"title": l.Title,
			"list_version": l.ListVersion, "reason": reason}); err != nil {
			return l, err
		}
	}
	return tx.ShortageList(s, id)
}

// ReviseShortageList makes the next version of a published list as a draft with the same
// heading and a copy of its entries; the published list stays in force until the draft is
// published. A series has at most one draft at a time.
func (tx *Tx) ReviseShortageList(s xiangpei.Scope, id, version int64) (xiangpei.ShortageList, error) {
	l, err := tx.shortageAt(s, id, version)
	if err != nil {
		return l, err
	}
	if _, err := l.Status.Next(xiangpei.ShortageRevise); err != nil {
		return l, err
	}
	draftExists := xiangpei.Errorf(xiangpei.Conflict, "shortage.draft_exists", "A new version of this list is already being drafted: open it from the lists of your region.")
	if err := tx.refuse(draftExists, `SELECT 1 FROM shortage_lists WHERE series_id = $1 AND status = 'draft'`, l.SeriesID); err != nil {
		return l, err
	}
	var last int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT MAX(list_version) FROM shortage_lists WHERE series_id = $1`,
		l.SeriesID).Scan(&last); err != nil {
		return l, err
	}
	newID := xiangpei.NewID()
	now := tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO shortage_lists (id, series_id, list_version, revised_from, region, title, period_from,
		period_to, status, created_by, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1)`,
		newID, l.SeriesID, last+1, l.ID, l.Region, l.Title, l.From, l.To, string(xiangpei.ShortageDraft), tx.Actor.AccountID, now); err != nil {
		if err = mapError(err, "Shortage list"); xiangpei.IsKind(err, xiangpei.Conflict) {
			return l, draftExists
		}
		return l, err
	}
	for _, e := range l.Entries {
		if _, err := tx.exec(`INSERT INTO shortage_entries (id, list_id, occupation_code, level, degree, uplift_pct, sectors,
			created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, xiangpei.NewID(), newID, e.OccupationCode, e.Level, e.Degree,
			e.UpliftPct, strings.Join(e.Sectors, ","), now); err != nil {
			return l, err
		}
	}
	if err := tx.Audit("shortage.revise", "shortage_list", newID, l.Region, map[string]any{"revised_from": l.ID,
		"list_version": last + 1, "entries": len(l.Entries)}); err != nil {
		return l, err
	}
	return tx.ShortageList(s, newID)
}
