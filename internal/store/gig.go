package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"xiangpei"
)

// 零工市场 — the gig market (migration 00025, docs/gigs.md). A verified employer without open
// wage arrears posts a day or hour gig (xiangpei.Gig.Validate, the county's minimum wage per
// day or hour, the posting word list on title and description); it is public at once. A person
// signs up in one tap while places are left (gigs.taken < headcount, one conditional UPDATE, so
// that of concurrent sign-ups exactly headcount win), checks in on the day near the place,
// and both sides confirm the wage (xiangpei.GigSignup.ConfirmWage). The employer marks it paid
// or the worker confirms receipt; both rate each other. Overdue is computed on read: a
// completed sign-up whose due day has passed reads as unpaid_past_due (nothing is written until
// someone acts), and then the worker files a wage-arrears complaint in one tap, which moves the
// sign-up to complaint and links the complaint to it.

// GigPosting is a gig with what the store keeps beside the domain's fields.
type GigPosting struct {
	xiangpei.Gig
	Description     string
	Taken           int    // live sign-ups holding a place
	Status          string // open, closed
	EmployerRating  float64
	EmployerRatings int
	CreatedAt       time.Time
	Version         int
	DistanceKm      float64 // from the list's origin; -1 when unknown
}

// Left is the number of places still free.
func (g GigPosting) Left() int { return max(0, g.Headcount-g.Taken) }

// GigSignupRow is a sign-up with its gig and what its readers see of the worker.
type GigSignupRow struct {
	xiangpei.GigSignup
	Gig           GigPosting
	PersonName    string
	MaskedID      string // the worker's ID number, masked: employers never see it whole
	WorkerRating  float64
	WorkerRatings int
	CheckMetres   int
	PaidAt        time.Time
	ComplaintID   int64
	CreatedAt     time.Time
	Version       int
}

const gigCols = `g.id, g.employer_id, o.name, g.title, g.description, g.unit, g.wage_fen, g.units, g.work_date, g.due_on, g.county,
	g.place, g.lat, g.lng, g.headcount, g.taken, g.status, g.created_at, g.version,
	(SELECT COALESCE(AVG(CAST(x.rating_of_employer AS REAL)), 0) FROM gig_signups x JOIN gigs y ON y.id = x.gig_id
		WHERE y.employer_id = g.employer_id AND x.rating_of_employer > 0),
	(SELECT COUNT(*) FROM gig_signups x JOIN gigs y ON y.id = x.gig_id WHERE y.employer_id = g.employer_id AND x.rating_of_employer > 0)`

const gigFrom = ` FROM gigs g JOIN organisations o ON o.id = g.employer_id`

// gigScope: officers by the gig's county, an employer its own gigs, persons none (they read
// gigs through the public list).
const gigScope = ` ($1 OR g.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR g.employer_id = $3) AND CAST($4 AS BIGINT) = 0`

func scanGig(r scanner) (GigPosting, error) {
	var g GigPosting
	var unit, day, due string
	err := r.Scan(&g.ID, &g.EmployerID, &g.EmployerName, &g.Title, &g.Description, &unit, &g.WageFen, &g.Units, &day, &due,
		&g.County, &g.Place, &g.Lat, &g.Lng, &g.Headcount, &g.Taken, &g.Status, &g.CreatedAt, &g.Version,
		&g.EmployerRating, &g.EmployerRatings)
	g.Unit, g.Date, g.PayBy, g.CreatedAt, g.DistanceKm = xiangpei.SalaryUnit(unit), parseDay(day), parseDay(due), g.CreatedAt.UTC(), -1
	g.EmployerRating = math.Round(g.EmployerRating*10) / 10
	return g, err
}

func gigByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (GigPosting, error) {
	a := scopeOf(s)
	g, err := scanGig(q.QueryRowContext(ctx, `SELECT `+gigCols+gigFrom+` WHERE g.id = $5 AND`+gigScope, a.all, a.region, a.org, a.person, id))
	return g, mapError(err, "Gig")
}

// Gig reads a gig within scope (its employer, officers of its county); outside it, NotFound.
func (db *DB) Gig(ctx context.Context, s xiangpei.Scope, id int64) (GigPosting, error) {
	return gigByID(ctx, db.read, s, id)
}

// PublicGig reads a gig anyone may read: every gig is public once posted.
func (db *DB) PublicGig(ctx context.Context, id int64) (GigPosting, error) {
	return gigByID(ctx, db.read, xiangpei.Scope{All: true}, id)
}

// GigFilter narrows the public list of gigs.
type GigFilter struct {
	County   string    // a region code: its county or everything inside it
	From     time.Time // the first day of work shown; zero: today
	To       time.Time // the last day of work shown; zero: no end
	OpenOnly bool      // only gigs with places left
	Lat, Lng float64   // the origin distances are measured from
	HasPoint bool
}

// PublicGigs lists the open gigs from f.From (today by default) that pass the filter, nearest
// the origin first (a gig without coordinates counts from its county's centre; without an
// origin, by day of work), with the total. Distances are computed here rather than in SQL, so
// that both engines give the same order; the candidates are bounded by the day filter.
func (db *DB) PublicGigs(ctx context.Context, f GigFilter, page Page) ([]GigPosting, int, error) {
	from := xiangpei.ChinaDate(db.Now())
	if !f.From.IsZero() && xiangpei.ChinaDate(f.From) > from {
		from = xiangpei.ChinaDate(f.From)
	}
	to := ""
	if !f.To.IsZero() {
		to = xiangpei.ChinaDate(f.To)
	}
	region := ""
	if f.County != "" {
		region = xiangpei.RegionPrefix(f.County)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+gigCols+gigFrom+` WHERE g.status = 'open' AND g.work_date >= $1
		AND ($2 = '' OR g.work_date <= $2) AND ($3 = '' OR g.county LIKE $3 || '%') AND (NOT $4 OR g.taken < g.headcount)
		ORDER BY g.work_date, g.id`, from, to, region, f.OpenOnly)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanGig)
	if err != nil {
		return nil, 0, err
	}
	if f.HasPoint {
		for i := range list {
			if lat, lng, ok := list[i].Position(); ok {
				list[i].DistanceKm = math.Round(xiangpei.DistanceMetres(f.Lat, f.Lng, lat, lng)/100) / 10
			}
		}
		slices.SortStableFunc(list, func(x, y GigPosting) int {
			if (x.DistanceKm < 0) != (y.DistanceKm < 0) {
				if x.DistanceKm < 0 {
					return 1
				}
				return -1
			}
			return cmp.Compare(x.DistanceKm, y.DistanceKm)
		})
	}
	total := len(list)
	lo := min(page.offset(), total)
	hi := min(lo+page.limit(), total)
	return list[lo:hi], total, nil
}

// Gigs lists the gigs within scope (an employer's own, an officer's county's), the latest day
// of work first, with the total.
func (db *DB) Gigs(ctx context.Context, s xiangpei.Scope, page Page) ([]GigPosting, int, error) {
	a := scopeOf(s)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+gigFrom+` WHERE`+gigScope, a.all, a.region, a.org, a.person).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+gigCols+gigFrom+` WHERE`+gigScope+` ORDER BY g.work_date DESC, g.id DESC
		LIMIT $5 OFFSET $6`, a.all, a.region, a.org, a.person, int64(page.limit()), int64(page.offset()))
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanGig)
	return list, total, err
}

// ---- posting ----

// GigInput is what an employer types to post a gig.
type GigInput struct {
	Title, Description string
	Unit               xiangpei.SalaryUnit
	WageFen            int64
	Units              int
	Date, PayBy        time.Time
	County, Place      string
	Lat, Lng           float64
	Headcount          int
}

// PostGig publishes the employer's gig. Only an employer whose credit code an officer
// confirmed may post, and not while a wage-arrears complaint against it is unresolved. The gig
// must validate, its day must not have passed, its wage must reach the county's minimum wage
// per day or per hour, and its title and description must pass the posting word list: any
// finding refuses the gig with its reason (a gig lasts a day; there is no review queue).
func (tx *Tx) PostGig(s xiangpei.Scope, in GigInput) (GigPosting, error) {
	if err := employerOnly(s); err != nil {
		return GigPosting{}, err
	}
	o, err := tx.Org(s, s.OrgID)
	if err != nil {
		return GigPosting{}, err
	}
	if o.Kind != xiangpei.OrgEmployer {
		return GigPosting{}, xiangpei.Errorf(xiangpei.Forbidden, "job.employer_only", "Only an employer's staff can do this.")
	}
	if o.CodeStatus != xiangpei.CodeConfirmed && o.CodeStatus != xiangpei.CodeValid {
		return GigPosting{}, xiangpei.Errorf(xiangpei.Conflict, "gig.code_unconfirmed",
			"Your unified social credit code has not yet been confirmed by the bureau, so gigs cannot be posted. The bureau checks new employers within a few working days.")
	}
	if arrears, err := tx.EmployerHasOpenArrears(o.ID); err != nil || arrears {
		return GigPosting{}, cmp.Or(err, errOpenArrears())
	}
	in.Title, in.Description, in.Place = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.Place)
	g := xiangpei.Gig{EmployerID: o.ID, EmployerName: o.Name, Title: in.Title, Unit: in.Unit, WageFen: in.WageFen, Units: in.Units,
		Date: in.Date, PayBy: in.PayBy, County: in.County, Place: in.Place, Lat: in.Lat, Lng: in.Lng, Headcount: in.Headcount}
	if err := g.Validate(); err != nil {
		return GigPosting{}, err
	}
	if xiangpei.ChinaDate(g.Date) < xiangpei.ChinaDate(tx.Now) {
		return GigPosting{}, xiangpei.Errorf(xiangpei.Invalid, "gig.day_past", "The day of work has passed: choose today or a later day.")
	}
	if (in.Lat != 0 || in.Lng != 0) && (in.Lat < 18 || in.Lat > 54 || in.Lng < 73 || in.Lng > 136) {
		return GigPosting{}, xiangpei.Errorf(xiangpei.Invalid, "gig.place_bad", "The coordinates of the place are not in China; leave them empty or give latitude and longitude in degrees.")
	}
	if err := checkGigText(g, in.Description, MinimumWageFor(g.County, g.Date)); err != nil {
		return GigPosting{}, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	id := xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO gigs (id, employer_id, title, description, unit, wage_fen, units, work_date, due_on, county, place,
		lat, lng, headcount, taken, status, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
		$13, $14, 0, 'open', $15, $15, 1)`, id, o.ID, g.Title, in.Description, string(g.Unit), g.WageFen, g.Units,
		xiangpei.ChinaDate(g.Date), xiangpei.ChinaDate(g.WageDue()), g.County, g.Place, g.Lat, g.Lng, g.Headcount, now); err != nil {
		return GigPosting{}, mapError(err, "Gig")
	}
	if err := tx.Audit("gig.post", "gig", id, g.County, map[string]any{"title": g.Title, "wage_fen": g.WageFen, "unit": g.Unit,
		"day": xiangpei.ChinaDate(g.Date), "headcount": g.Headcount}); err != nil {
		return GigPosting{}, err
	}
	return gigByID(tx.ctx, tx.tx, s, id)
}

// checkGigText runs the posting checks on a gig: the wage against the minimum wage of its unit
// and the word list on its title and description. The first finding refuses it.
func checkGigText(g xiangpei.Gig, description string, w xiangpei.MinimumWage) error {
	if floor := w.For(g.Unit); floor > 0 && g.WageFen < floor {
		if g.Unit == xiangpei.PerHour {
			return xiangpei.Errorf(xiangpei.Invalid, "gig.wage_below_minimum_hour", "The wage of %s yuan an hour is below the local minimum wage of %s yuan an hour.",
				xiangpei.FormatFen(g.WageFen), xiangpei.FormatFen(floor))
		}
		return xiangpei.Errorf(xiangpei.Invalid, "gig.wage_below_minimum_day", "The wage of %s yuan a day is below the local minimum wage of %s yuan a day.",
			xiangpei.FormatFen(g.WageFen), xiangpei.FormatFen(floor))
	}
	p := xiangpei.JobPosting{Title: g.Title, Description: description, County: g.County, WorkType: xiangpei.GigWork,
		Salary: xiangpei.Salary{MinFen: g.WageFen, Unit: g.Unit}}
	for _, f := range xiangpei.CheckPosting(p, w, xiangpei.DefaultPostingWords).Findings {
		if strings.HasPrefix(f.Code, "words.") {
			return &xiangpei.Error{Kind: xiangpei.Invalid, Key: f.Key, Args: f.Args, Text: f.Text}
		}
	}
	return nil
}

// CloseGig closes the employer's gig to new sign-ups; the sign-ups it has go on.
func (tx *Tx) CloseGig(s xiangpei.Scope, id int64, version int) (GigPosting, error) {
	if err := employerOnly(s); err != nil {
		return GigPosting{}, err
	}
	g, err := gigByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return g, err
	}
	if g.Status != "open" {
		return g, xiangpei.Errorf(xiangpei.Conflict, "gig.closed", "This gig takes no more sign-ups.")
	}
	if err := tx.execVersioned("Gig", `SELECT 1 FROM gigs WHERE id = $1`, id, `UPDATE gigs SET status = 'closed', updated_at = $1,
		version = version + 1 WHERE id = $2 AND version = $3`, tx.Now.Truncate(time.Microsecond), id, version); err != nil {
		return g, err
	}
	if err := tx.Audit("gig.close", "gig", id, g.County, nil); err != nil {
		return g, err
	}
	return gigByID(tx.ctx, tx.tx, s, id)
}

// ---- sign-ups ----

const signupCols = `u.id, u.gig_id, u.person_id, u.status, u.checked_in_at, u.check_metres, u.worker_fen, u.employer_fen,
	u.rating_of_employer, u.rating_of_worker, u.paid_at, u.complaint_id, u.created_at, u.version, p.name, p.id_number,
	(SELECT COALESCE(AVG(CAST(x.rating_of_worker AS REAL)), 0) FROM gig_signups x WHERE x.person_id = u.person_id AND x.rating_of_worker > 0),
	(SELECT COUNT(*) FROM gig_signups x WHERE x.person_id = u.person_id AND x.rating_of_worker > 0), ` + gigCols

const signupFrom = ` FROM gig_signups u JOIN gigs g ON g.id = u.gig_id JOIN organisations o ON o.id = g.employer_id JOIN persons p ON p.id = u.person_id`

// signupScope: the worker their own, the employer those of its gigs, officers by the gig's county.
const signupScope = ` ($1 OR g.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR g.employer_id = $3) AND (CAST($4 AS BIGINT) = 0 OR u.person_id = $4)`

func scanSignupAt(now time.Time) func(scanner) (GigSignupRow, error) {
	return func(r scanner) (GigSignupRow, error) {
		var u GigSignupRow
		var st, id string
		var checked, paid sql.NullTime
		var unit, day, due string
		g := &u.Gig
		err := r.Scan(&u.ID, &u.GigID, &u.PersonID, &st, &checked, &u.CheckMetres, &u.WorkerConfirmedFen, &u.EmployerConfirmedFen,
			&u.RatingOfEmployer, &u.RatingOfWorker, &paid, &u.ComplaintID, &u.CreatedAt, &u.Version, &u.PersonName, &id,
			&u.WorkerRating, &u.WorkerRatings,
			&g.ID, &g.EmployerID, &g.EmployerName, &g.Title, &g.Description, &unit, &g.WageFen, &g.Units, &day, &due,
			&g.County, &g.Place, &g.Lat, &g.Lng, &g.Headcount, &g.Taken, &g.Status, &g.CreatedAt, &g.Version,
			&g.EmployerRating, &g.EmployerRatings)
		if err != nil {
			return u, err
		}
		g.Unit, g.Date, g.PayBy, g.CreatedAt, g.DistanceKm = xiangpei.SalaryUnit(unit), parseDay(day), parseDay(due), g.CreatedAt.UTC(), -1
		g.EmployerRating = math.Round(g.EmployerRating*10) / 10
		u.WorkerRating = math.Round(u.WorkerRating*10) / 10
		u.Status, u.MaskedID, u.CreatedAt = xiangpei.GigStatus(st), xiangpei.IDNumber(id).Masked(), u.CreatedAt.UTC()
		if checked.Valid {
			u.CheckedInAt = checked.Time.UTC()
		}
		if paid.Valid {
			u.PaidAt = paid.Time.UTC()
		}
		// Overdue is computed: a completed sign-up past its due day reads as unpaid_past_due.
		if u.PastDue(g.Gig, now) {
			u.Status = xiangpei.GigUnpaid
		}
		return u, nil
	}
}

func signupByID(ctx context.Context, q querier, s xiangpei.Scope, id int64, now time.Time) (GigSignupRow, error) {
	a := scopeOf(s)
	u, err := scanSignupAt(now)(q.QueryRowContext(ctx, `SELECT `+signupCols+signupFrom+` WHERE u.id = $5 AND`+signupScope,
		a.all, a.region, a.org, a.person, id))
	return u, mapError(err, "Sign-up")
}

// GigSignup reads a sign-up within scope; outside it, NotFound.
func (db *DB) GigSignup(ctx context.Context, s xiangpei.Scope, id int64) (GigSignupRow, error) {
	return signupByID(ctx, db.read, s, id, db.Now())
}

// GigSignupFilter narrows a list of sign-ups.
type GigSignupFilter struct {
	GigID  int64
	Status xiangpei.GigStatus // unpaid_past_due and completed are computed from the due day
}

// GigSignups lists the sign-ups within scope that pass the filter, newest first, with the
// total: a person's own, those of an employer's gigs, those of an officer's county.
func (db *DB) GigSignups(ctx context.Context, s xiangpei.Scope, f GigSignupFilter, page Page) ([]GigSignupRow, int, error) {
	a := scopeOf(s)
	today := xiangpei.ChinaDate(db.Now())
	where := signupFrom + ` WHERE` + signupScope + ` AND (CAST($5 AS BIGINT) = 0 OR u.gig_id = $5)
		AND ($6 = '' OR ($6 = 'unpaid_past_due' AND (u.status = 'unpaid_past_due' OR (u.status = 'completed' AND g.due_on < $7)))
			OR ($6 = 'completed' AND u.status = 'completed' AND g.due_on >= $7)
			OR ($6 NOT IN ('unpaid_past_due','completed') AND u.status = $6))`
	args := []any{a.all, a.region, a.org, a.person, f.GigID, string(f.Status), today}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+signupCols+where+` ORDER BY u.created_at DESC, u.id DESC LIMIT $8 OFFSET $9`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanSignupAt(db.Now()))
	return list, total, err
}

func personOnly(s xiangpei.Scope) error {
	if s.PersonID <= 0 {
		return xiangpei.Errorf(xiangpei.Forbidden, "gig.person_only", "Only the worker themself can do this.")
	}
	return nil
}

// SignUpGig signs the person up for an open gig whose day has not passed. A place is taken
// with one conditional UPDATE (taken < headcount), so that of any number of concurrent
// sign-ups exactly as many as the headcount win; the others are told the gig is full. A
// person holds at most one live sign-up per gig.
func (tx *Tx) SignUpGig(s xiangpei.Scope, gigID int64) (GigSignupRow, error) {
	if err := personOnly(s); err != nil {
		return GigSignupRow{}, err
	}
	g, err := gigByID(tx.ctx, tx.tx, xiangpei.Scope{All: true}, gigID)
	if err != nil {
		return GigSignupRow{}, err
	}
	if g.Status != "open" {
		return GigSignupRow{}, xiangpei.Errorf(xiangpei.Conflict, "gig.closed", "This gig takes no more sign-ups.")
	}
	if xiangpei.ChinaDate(g.Date) < xiangpei.ChinaDate(tx.Now) {
		return GigSignupRow{}, xiangpei.Errorf(xiangpei.Conflict, "gig.day_over", "The day of this gig has passed.")
	}
	if err := tx.refuse(xiangpei.Errorf(xiangpei.Conflict, "gig.signed_up", "You have already signed up for this gig."),
		`SELECT 1 FROM gig_signups WHERE gig_id = $1 AND person_id = $2 AND status <> 'cancelled'`, gigID, s.PersonID); err != nil {
		return GigSignupRow{}, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	res, err := tx.exec(`UPDATE gigs SET taken = taken + 1, updated_at = $1 WHERE id = $2 AND status = 'open' AND taken < headcount`, now, gigID)
	if err != nil {
		return GigSignupRow{}, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return GigSignupRow{}, cmp.Or(err, error(xiangpei.Errorf(xiangpei.Conflict, "gig.full", "All places of this gig are taken.")))
	}
	id := xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO gig_signups (id, gig_id, person_id, status, created_at, updated_at, version)
		VALUES ($1, $2, $3, 'signed_up', $4, $4, 1)`, id, gigID, s.PersonID, now); err != nil {
		err = mapError(err, "Sign-up")
		if xiangpei.IsKind(err, xiangpei.Conflict) {
			err = xiangpei.Errorf(xiangpei.Conflict, "gig.signed_up", "You have already signed up for this gig.")
		}
		return GigSignupRow{}, err
	}
	if err := tx.Audit("gig.signup", "gig_signup", id, g.County, map[string]any{"gig": gigID}); err != nil {
		return GigSignupRow{}, err
	}
	return signupByID(tx.ctx, tx.tx, s, id, tx.Now)
}

// GigMove is a move of a sign-up by the worker or the employer.
type GigMove struct {
	Action   string // cancel, check_in, confirm, pay, rate
	Lat, Lng float64
	HasPos   bool
	Fen      int64 // the wage confirmed
	Stars    int
}

// MoveGigSignup makes a move of the sign-up at version: the worker cancels (before check-in,
// freeing the place), checks in on site, confirms the wage, confirms receipt (pay) or rates the
// employer; the employer confirms the wage, marks it paid or rates the worker. Of two moves at
// once one wins; the other is a stale version. Nothing is written when a move is refused.
func (tx *Tx) MoveGigSignup(s xiangpei.Scope, id int64, version int, m GigMove) (GigSignupRow, error) {
	by := xiangpei.PartyPerson
	switch {
	case s.PersonID > 0:
	case s.OrgID > 0:
		by = xiangpei.PartyEmployer
	default:
		return GigSignupRow{}, xiangpei.Errorf(xiangpei.Forbidden, "gig.not_yours", "Only the worker and the employer confirm the wage.")
	}
	u, err := signupByID(tx.ctx, tx.tx, s, id, tx.Now)
	if err != nil {
		return u, err
	}
	next := u.GigSignup
	set := ""
	var args []any
	audit := map[string]any{"from": u.Status}
	switch m.Action {
	case string(xiangpei.GigCancel), string(xiangpei.GigCheckIn):
		if next.Status, err = u.Status.Next(xiangpei.GigAction(m.Action), by); err != nil {
			return u, err
		}
		if m.Action == string(xiangpei.GigCancel) {
			set = `status = 'cancelled'`
			if _, err := tx.exec(`UPDATE gigs SET taken = taken - 1 WHERE id = $1 AND taken > 0`, u.GigID); err != nil {
				return u, err
			}
			break
		}
		metres, err := u.Gig.CheckIn(tx.Now, m.Lat, m.Lng, m.HasPos)
		if err != nil {
			return u, err
		}
		set, args = `status = 'checked_in', checked_in_at = $4, check_lat = $5, check_lng = $6, check_metres = $7`,
			[]any{tx.Now.Truncate(time.Microsecond), m.Lat, m.Lng, int(math.Round(metres))}
		audit["metres"] = int(math.Round(metres))
	case "confirm":
		if next, err = u.GigSignup.ConfirmWage(by, m.Fen); err != nil {
			return u, err
		}
		set, args = `status = $4, worker_fen = $5, employer_fen = $6`, []any{string(next.Status), next.WorkerConfirmedFen, next.EmployerConfirmedFen}
		audit["fen"] = m.Fen
	case string(xiangpei.GigPay):
		if next.Status, err = u.Status.Next(xiangpei.GigPay, by); err != nil {
			return u, err
		}
		set, args = `status = 'paid', paid_at = $4`, []any{tx.Now.Truncate(time.Microsecond)}
	case "rate":
		if next, err = u.GigSignup.Rate(by, m.Stars); err != nil {
			return u, err
		}
		set, args = `rating_of_employer = $4, rating_of_worker = $5`, []any{next.RatingOfEmployer, next.RatingOfWorker}
		audit["stars"] = m.Stars
	default:
		return u, xiangpei.Errorf(xiangpei.Invalid, "gig.unknown_action", "There is no such action.")
	}
	if err := tx.execVersioned("Sign-up", `SELECT 1 FROM gig_signups WHERE id = $1`, id,
		`UPDATE gig_signups SET `+set+`, updated_at = $1, version = version + 1 WHERE id = $2 AND version = $3`,
		append([]any{tx.Now.Truncate(time.Microsecond), id, version}, args...)...); err != nil {
		return u, err
	}
	audit["to"], audit["by"] = next.Status, by
	if err := tx.Audit("gig."+m.Action, "gig_signup", id, u.Gig.County, audit); err != nil {
		return u, err
	}
	if by == xiangpei.PartyEmployer && m.Action == string(xiangpei.GigPay) {
		if _, err := tx.NotifyPerson(u.PersonID, fmt.Sprintf("%s已确认支付您在 %s 零工「%s」的工资 %s 元。", u.Gig.EmployerName,
			xiangpei.ChinaDate(u.Gig.Date), u.Gig.Title, xiangpei.FormatFen(u.WageFen()))); err != nil {
			return u, err
		}
	}
	return signupByID(tx.ctx, tx.tx, s, id, tx.Now)
}

// ComplainGig turns the worker's sign-up whose confirmed wage is unpaid past its due day into a
// wage-arrears complaint in one tap, pre-filled by xiangpei.OneTapComplaint: the amount, the
// employer, the gig's county (where the work was done; its officers handle the case) and the
// facts — facts as the person's language words them, or the draft's own text when empty. The
// sign-up moves to complaint and records the complaint, which links back to it; the complaint
// then follows the ordinary complaint machine.
func (tx *Tx) ComplainGig(s xiangpei.Scope, id int64, version int, facts string) (GigSignupRow, int64, error) {
	if err := personOnly(s); err != nil {
		return GigSignupRow{}, 0, err
	}
	u, err := signupByID(tx.ctx, tx.tx, s, id, tx.Now)
	if err != nil {
		return u, 0, err
	}
	d, err := xiangpei.OneTapComplaint(u.Gig.Gig, u.GigSignup)
	if err != nil {
		return u, 0, err
	}
	if f := strings.TrimSpace(facts); f != "" {
		d.Facts = f
	}
	if err := d.Validate(); err != nil {
		return u, 0, err
	}
	var code string
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT credit_code FROM organisations WHERE id = $1`, d.EmployerID).Scan(&code); err != nil {
		return u, 0, mapError(err, "Employer")
	}
	now := tx.Now.Truncate(time.Microsecond)
	if err := tx.execVersioned("Sign-up", `SELECT 1 FROM gig_signups WHERE id = $1`, id,
		`UPDATE gig_signups SET status = 'complaint', complaint_id = $1, updated_at = $2, version = version + 1
		WHERE id = $3 AND version = $4 AND status IN ('completed','unpaid_past_due')`, 0, now, id, version); err != nil {
		return u, 0, err
	}
	cid := xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO complaints (id, kind, person_id, employer_id, credit_code, posting_id, amount_fen, facts, county,
		status, entered_at, filed_at, updated_at, version, gig_id, signup_id) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, 'filed', $9, $9, $9, 1, $10, $11)`,
		cid, string(d.Kind), d.PersonID, d.EmployerID, code, d.AmountFen, d.Facts, d.County, now, d.GigID, d.SignupID); err != nil {
		return u, 0, mapError(err, "Complaint")
	}
	if _, err := tx.exec(`UPDATE gig_signups SET complaint_id = $1 WHERE id = $2`, cid, id); err != nil {
		return u, 0, err
	}
	if err := tx.complaintEvent(cid, "file", "", xiangpei.ComplaintFiled, "", d.AmountFen); err != nil {
		return u, 0, err
	}
	if err := tx.Audit("complaint.file", "complaint", cid, d.County, map[string]any{"kind": d.Kind, "employer": d.EmployerID,
		"gig": d.GigID, "signup": d.SignupID}); err != nil {
		return u, 0, err
	}
	if err := tx.Audit("gig.complain", "gig_signup", id, u.Gig.County, map[string]any{"complaint": cid}); err != nil {
		return u, 0, err
	}
	u, err = signupByID(tx.ctx, tx.tx, s, id, tx.Now)
	return u, cid, err
}

// GigOfComplaint returns the gig and sign-up a complaint came from (0, 0 for other complaints).
func (db *DB) GigOfComplaint(ctx context.Context, complaintID int64) (gigID, signupID int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT gig_id, signup_id FROM complaints WHERE id = $1`, complaintID).Scan(&gigID, &signupID)
	return gigID, signupID, mapError(err, "Complaint")
}
