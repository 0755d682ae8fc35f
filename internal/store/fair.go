package store

import (
	"context"
	"slices"
	"strconv"
	"time"

	"xiangpei"
)

// 招聘会 — job fairs (migration 00026, docs/fairs.md). Officers of a region with the publish
// duty write a fair, publish it and may cancel it. Verified employers join a published fair that
// has not ended with some of their open postings, taking a booth on site (first come, first
// served: a number they ask for, or the lowest free one; the database holds one employer per
// booth). Persons sign up inside the sign-up window and, while the fair is under way, apply to
// its postings through tx.Apply; fair_applications marks such an application as the fair's.
// The live counts come from the applications' current states in one aggregate statement.

// Fair is a fair with what the store keeps beside the domain's fields.
type Fair struct {
	xiangpei.JobFair
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
	Employers int // employers joined
	Openings  int // headcounts of its published postings
	// For an employer's list: whether it joined, and its booth (0: none).
	Joined bool
	Booth  int
	// For a person's list: whether they signed up, and their applications through the fair.
	SignedUp     bool
	Applications int
}

const fairCols = `f.id, f.name, f.kind, f.venue, f.address, f.county, f.description, f.starts_at, f.ends_at, f.signup_from,
	f.signup_to, f.booths, f.status, f.version, f.created_at, f.updated_at,
	(SELECT COUNT(*) FROM fair_employers fe WHERE fe.fair_id = f.id),
	(SELECT COALESCE(SUM(j.headcount), 0) FROM fair_postings fp JOIN job_postings j ON j.id = fp.posting_id
		WHERE fp.fair_id = f.id AND j.status = 'published')`

func scanFairWith(extra ...any) func(r scanner) (Fair, error) {
	return func(r scanner) (Fair, error) {
		var f Fair
		var kind, st string
		dest := []any{&f.ID, &f.Name, &kind, &f.Venue, &f.Address, &f.County, &f.Description, &f.StartsAt, &f.EndsAt,
			&f.SignupFrom, &f.SignupTo, &f.Booths, &st, &f.Version, &f.CreatedAt, &f.UpdatedAt, &f.Employers, &f.Openings}
		if err := r.Scan(append(dest, extra...)...); err != nil {
			return f, err
		}
		f.Kind, f.Status = xiangpei.FairKind(kind), xiangpei.FairStatus(st)
		f.StartsAt, f.EndsAt, f.SignupFrom, f.SignupTo = f.StartsAt.UTC(), f.EndsAt.UTC(), f.SignupFrom.UTC(), f.SignupTo.UTC()
		f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
		return f, nil
	}
}

var scanFair = scanFairWith()

// fairColsBare are fairCols without the counts (read as zero).
const fairColsBare = `f.id, f.name, f.kind, f.venue, f.address, f.county, f.description, f.starts_at, f.ends_at, f.signup_from,
	f.signup_to, f.booths, f.status, f.version, f.created_at, f.updated_at, 0, 0`

// fairPublicStates are the states anyone may read a fair in: a cancelled fair stays readable
// so that those who signed up see it is off.
const fairPublicStates = `('published','cancelled')`

func fairByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (Fair, error) {
	if err := regOfficerOnly(s); err != nil {
		return Fair{}, err
	}
	a := scopeOf(s)
	f, err := scanFair(q.QueryRowContext(ctx, `SELECT `+fairCols+` FROM job_fairs f WHERE f.id = $1 AND ($2 OR f.county LIKE $3)`,
		id, a.all, a.region))
	return f, mapError(err, "Fair")
}

// Fair reads a fair for its managers: officers of its region (any state); outside it, NotFound.
func (db *DB) Fair(ctx context.Context, s xiangpei.Scope, id int64) (Fair, error) {
	return fairByID(ctx, db.read, s, id)
}

func publicFair(ctx context.Context, q querier, id int64) (Fair, error) {
	f, err := scanFair(q.QueryRowContext(ctx, `SELECT `+fairCols+` FROM job_fairs f WHERE f.id = $1 AND f.status IN `+fairPublicStates, id))
	return f, mapError(err, "Fair")
}

// fairToAct reads a public fair without its counts, for a change that only checks its state.
func (tx *Tx) fairToAct(id int64) (Fair, error) {
	f, err := scanFair(tx.tx.QueryRowContext(tx.ctx, `SELECT `+fairColsBare+` FROM job_fairs f WHERE f.id = $1 AND f.status IN `+fairPublicStates, id))
	return f, mapError(err, "Fair")
}

// PublicFair reads a fair anyone may read: published or cancelled (a draft is NotFound).
func (db *DB) PublicFair(ctx context.Context, id int64) (Fair, error) {
	return publicFair(ctx, db.read, id)
}

// FairFilter narrows a list of fairs.
type FairFilter struct {
	County string // a region code: fairs held in it
	When   string // "" current (not ended), "ended", "all"
	Status xiangpei.FairStatus
}

func (f FairFilter) where(first int, now time.Time) (string, []any) {
	n := func(i int) string { return regPlaceholder(first + i) }
	region := ""
	if f.County != "" {
		region = xiangpei.RegionPrefix(f.County)
	}
	when := f.When
	if when != "ended" && when != "all" {
		when = ""
	}
	return ` AND (` + n(0) + ` = '' OR f.county LIKE ` + n(0) + ` || '%')` +
			` AND (` + n(1) + ` = 'all' OR (` + n(1) + ` = '' AND f.ends_at > ` + n(2) + `) OR (` + n(1) + ` = 'ended' AND f.ends_at <= ` + n(2) + `))` +
			` AND (` + n(3) + ` = '' OR f.status = ` + n(3) + `)`,
		[]any{region, when, now.UTC(), string(f.Status)}
}

func (db *DB) listFairs(ctx context.Context, cols, from string, args []any, order string, page Page, scan func(scanner) (Fair, error)) ([]Fair, int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	n := len(args)
	rows, err := db.read.QueryContext(ctx, `SELECT `+cols+from+` ORDER BY `+order+` LIMIT `+regPlaceholder(n+1)+` OFFSET `+regPlaceholder(n+2),
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scan)
	return out, total, err
}

// PublicFairs lists the published fairs that pass the filter, the soonest first, with the
// total; each with its employers and openings. Its Status is ignored.
func (db *DB) PublicFairs(ctx context.Context, f FairFilter, page Page) ([]Fair, int, error) {
	f.Status = xiangpei.FairPublished
	cond, args := f.where(1, db.Now())
	return db.listFairs(ctx, fairCols, ` FROM job_fairs f WHERE TRUE`+cond, args, `f.starts_at, f.id`, page, scanFair)
}

// Fairs lists the fairs of an officer's region in any state that pass the filter, the soonest
// first, with the total.
func (db *DB) Fairs(ctx context.Context, s xiangpei.Scope, f FairFilter, page Page) ([]Fair, int, error) {
	if err := regOfficerOnly(s); err != nil {
		return nil, 0, err
	}
	a := scopeOf(s)
	cond, args := f.where(3, db.Now())
	return db.listFairs(ctx, fairCols, ` FROM job_fairs f WHERE ($1 OR f.county LIKE $2)`+cond, append([]any{a.all, a.region}, args...),
		`f.starts_at, f.id`, page, scanFair)
}

// EmployerFairs lists for an employer's staff the published fairs it may still join and those
// it joined (ended ones too), the soonest first, each with whether it joined and its booth.
func (db *DB) EmployerFairs(ctx context.Context, s xiangpei.Scope, page Page) ([]Fair, int, error) {
	if err := employerOnly(s); err != nil {
		return nil, 0, err
	}
	var joined bool
	var booth int
	scan := func(r scanner) (Fair, error) {
		f, err := scanFairWith(&joined, &booth)(r)
		f.Joined, f.Booth = joined, booth
		return f, err
	}
	return db.listFairs(ctx, fairCols+`, me.id IS NOT NULL, COALESCE(me.booth, 0)`,
		` FROM job_fairs f LEFT JOIN fair_employers me ON me.fair_id = f.id AND me.employer_id = $1
		WHERE f.status = 'published' AND (f.ends_at > $2 OR me.id IS NOT NULL)`, []any{s.OrgID, db.Now()}, `f.starts_at, f.id`, page, scan)
}

// PersonFairs lists the fairs a person signed up for, the latest first, each with how many
// applications they made through it.
func (db *DB) PersonFairs(ctx context.Context, s xiangpei.Scope, page Page) ([]Fair, int, error) {
	if s.PersonID <= 0 {
		return nil, 0, xiangpei.Errorf(xiangpei.Forbidden, "fair.person_only", "Only the person themself can do this.")
	}
	var apps int
	scan := func(r scanner) (Fair, error) {
		f, err := scanFairWith(&apps)(r)
		f.SignedUp, f.Applications = true, apps
		return f, err
	}
	return db.listFairs(ctx, fairCols+`, (SELECT COUNT(*) FROM fair_applications fa WHERE fa.fair_id = f.id AND fa.person_id = $1)`,
		` FROM job_fairs f JOIN fair_signups su ON su.fair_id = f.id AND su.person_id = $1 WHERE f.status IN `+fairPublicStates,
		[]any{s.PersonID}, `f.starts_at DESC, f.id DESC`, page, scan)
}

// ---- counts ----

// fairCountsSQL computes every live figure of a fair in one statement: the applications
// through the fair are read once, the other figures are scalar subqueries.
const fairCountsSQL = `SELECT
	(SELECT COUNT(*) FROM fair_employers WHERE fair_id = $1),
	(SELECT COUNT(*) FROM fair_postings fp JOIN job_postings j ON j.id = fp.posting_id WHERE fp.fair_id = $1 AND j.status = 'published'),
	(SELECT COALESCE(SUM(j.headcount), 0) FROM fair_postings fp JOIN job_postings j ON j.id = fp.posting_id WHERE fp.fair_id = $1 AND j.status = 'published'),
	(SELECT COUNT(*) FROM fair_signups WHERE fair_id = $1),
	COUNT(DISTINCT fa.person_id),
	COALESCE(SUM(CASE WHEN a.status IN ('interview','offered','hired') THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN a.status IN ('offered','hired') THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN a.status = 'hired' THEN 1 ELSE 0 END), 0)
	FROM fair_applications fa JOIN job_applications a ON a.id = fa.application_id WHERE fa.fair_id = $1`

// FairCounts reads the live figures of a fair: employers, postings and openings, sign-ups,
// distinct applicants through the fair, and its applications at interview or beyond, offered
// or beyond, and hired — from their current states.
func (db *DB) FairCounts(ctx context.Context, fairID int64) (xiangpei.FairCounts, error) {
	var c xiangpei.FairCounts
	err := db.read.QueryRowContext(ctx, fairCountsSQL, fairID).Scan(&c.Employers, &c.Postings, &c.Openings, &c.Signups,
		&c.Applicants, &c.Interviews, &c.Offers, &c.Hires)
	return c, err
}

// FairEmployer is an employer at a fair with its own figures.
type FairEmployer struct {
	EmployerID int64
	Name       string
	County     string
	Booth      int // 0: none (online)
	JoinedAt   time.Time
	// Its figures: published postings at the fair and their headcounts, distinct applicants
	// through the fair, applications at interview or beyond, offered or beyond, hired.
	PostingCount, Openings, Applicants, Interviews, Offers, Hires int
	Postings                                                      []Posting // its postings at the fair
}

// FairEmployers lists the employers of a fair by booth (then by joining), with the total, each
// with its figures — from one aggregate statement for the page — and its postings at the fair
// (one more statement).
func (db *DB) FairEmployers(ctx context.Context, fairID int64, page Page) ([]FairEmployer, int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM fair_employers WHERE fair_id = $1`, fairID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT fe.employer_id, o.name, o.county, COALESCE(fe.booth, 0), fe.joined_at,
		COALESCE(p.postings, 0), COALESCE(p.openings, 0), COALESCE(x.applicants, 0), COALESCE(x.interviews, 0),
		COALESCE(x.offers, 0), COALESCE(x.hires, 0)
		FROM fair_employers fe JOIN organisations o ON o.id = fe.employer_id
		LEFT JOIN (SELECT fp.employer_id, COUNT(*) AS postings, SUM(j.headcount) AS openings FROM fair_postings fp
			JOIN job_postings j ON j.id = fp.posting_id WHERE fp.fair_id = $1 AND j.status = 'published' GROUP BY fp.employer_id) p
			ON p.employer_id = fe.employer_id
		LEFT JOIN (SELECT j.employer_id, COUNT(DISTINCT fa.person_id) AS applicants,
			SUM(CASE WHEN a.status IN ('interview','offered','hired') THEN 1 ELSE 0 END) AS interviews,
			SUM(CASE WHEN a.status IN ('offered','hired') THEN 1 ELSE 0 END) AS offers,
			SUM(CASE WHEN a.status = 'hired' THEN 1 ELSE 0 END) AS hires
			FROM fair_applications fa JOIN job_applications a ON a.id = fa.application_id JOIN job_postings j ON j.id = a.posting_id
			WHERE fa.fair_id = $1 GROUP BY j.employer_id) x ON x.employer_id = fe.employer_id
		WHERE fe.fair_id = $1 ORDER BY COALESCE(fe.booth, 1000000), fe.joined_at, fe.id LIMIT $2 OFFSET $3`,
		fairID, int64(page.limit()), int64(page.offset()))
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, func(r scanner) (FairEmployer, error) {
		var e FairEmployer
		err := r.Scan(&e.EmployerID, &e.Name, &e.County, &e.Booth, &e.JoinedAt, &e.PostingCount, &e.Openings, &e.Applicants,
			&e.Interviews, &e.Offers, &e.Hires)
		e.JoinedAt = e.JoinedAt.UTC()
		return e, err
	})
	if err != nil || len(list) == 0 {
		return list, total, err
	}
	ids := make([]int64, len(list))
	at := map[int64]int{}
	for i, e := range list {
		ids[i], at[e.EmployerID] = e.EmployerID, i
	}
	now := db.Now()
	scan := scanPostingAt(now)
	err = eachChunk(ctx, db.read, `SELECT `+postingCols+postingFrom+` JOIN fair_postings fp ON fp.posting_id = j.id
		WHERE fp.employer_id IN (`+inList1+`) AND fp.fair_id = $`+strconv.Itoa(inChunk+1)+` AND j.status IN `+postingPublicStates+`
		ORDER BY j.id`, ids, 0, []any{fairID}, func(r scanner) error {
		p, err := scan(r)
		if err == nil {
			i := at[p.EmployerID]
			list[i].Postings = append(list[i].Postings, p)
		}
		return err
	})
	return list, total, err
}

// FairPostingIDs lists the postings an employer brings to a fair.
func (db *DB) FairPostingIDs(ctx context.Context, fairID, employerID int64) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT posting_id FROM fair_postings WHERE fair_id = $1 AND employer_id = $2 ORDER BY posting_id`,
		fairID, employerID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// FairSignedUp reports whether the person of the scope signed up for the fair, and the postings
// they applied to through it.
func (db *DB) FairSignedUp(ctx context.Context, s xiangpei.Scope, fairID int64) (bool, []int64, error) {
	if s.PersonID <= 0 {
		return false, nil, nil
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM fair_signups WHERE fair_id = $1 AND person_id = $2`, fairID, s.PersonID).Scan(&n); err != nil {
		return false, nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.posting_id FROM fair_applications fa JOIN job_applications a ON a.id = fa.application_id
		WHERE fa.fair_id = $1 AND fa.person_id = $2 ORDER BY a.posting_id`, fairID, s.PersonID)
	if err != nil {
		return false, nil, err
	}
	ids, err := collect(rows, func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	return n > 0, ids, err
}

// ---- writing ----

// SaveFair writes an officer's fair: a new draft when f.ID is 0, else the fair f.ID at
// version. The fair is held in the officer's region; a cancelled or ended fair is not edited;
// booths already taken cannot be taken away.
func (tx *Tx) SaveFair(s xiangpei.Scope, f xiangpei.JobFair, version int) (Fair, error) {
	if err := jobOfficer(tx.Actor, s); err != nil {
		return Fair{}, err
	}
	f, err := f.Validate()
	if err != nil {
		return Fair{}, err
	}
	if !s.All && !s.Covers(f.County) {
		return Fair{}, xiangpei.Errorf(xiangpei.Invalid, "fair.county_outside", "A fair is held inside your own region: choose one of its counties.")
	}
	round := func(t time.Time) time.Time { return t.UTC().Truncate(time.Minute) }
	f.StartsAt, f.EndsAt, f.SignupFrom, f.SignupTo = round(f.StartsAt), round(f.EndsAt), round(f.SignupFrom), round(f.SignupTo)
	now := tx.Now.Truncate(time.Microsecond)
	if f.ID == 0 {
		f.ID = xiangpei.NewID()
		if _, err := tx.exec(`INSERT INTO job_fairs (id, name, kind, venue, address, county, description, starts_at, ends_at, signup_from,
			signup_to, booths, status, created_by, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
			'draft', $13, $14, $14, 1)`, f.ID, f.Name, string(f.Kind), f.Venue, f.Address, f.County, f.Description, f.StartsAt, f.EndsAt,
			f.SignupFrom, f.SignupTo, f.Booths, tx.Actor.AccountID, now); err != nil {
			return Fair{}, mapError(err, "Fair")
		}
	} else {
		cur, err := fairByID(tx.ctx, tx.tx, s, f.ID)
		if err != nil {
			return Fair{}, err
		}
		if cur.Status == xiangpei.FairCancelled || cur.Phase(tx.Now) == xiangpei.FairEnded {
			return cur, xiangpei.Errorf(xiangpei.Conflict, "fair.not_editable", "A cancelled or ended fair can no longer be changed.")
		}
		var top int
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COALESCE(MAX(booth), 0) FROM fair_employers WHERE fair_id = $1`, f.ID).Scan(&top); err != nil {
			return Fair{}, err
		}
		if top > f.Booths {
			return cur, xiangpei.Errorf(xiangpei.Conflict, "fair.booths_taken", "Booth %v is already taken, so the fair needs at least that many booths.", top)
		}
		if err := tx.execVersioned("Fair", `SELECT 1 FROM job_fairs WHERE id = $1`, f.ID,
			`UPDATE job_fairs SET name = $1, kind = $2, venue = $3, address = $4, county = $5, description = $6, starts_at = $7, ends_at = $8,
			signup_from = $9, signup_to = $10, booths = $11, updated_at = $12, version = version + 1 WHERE id = $13 AND version = $14`,
			f.Name, string(f.Kind), f.Venue, f.Address, f.County, f.Description, f.StartsAt, f.EndsAt, f.SignupFrom, f.SignupTo, f.Booths,
			now, f.ID, version); err != nil {
			return Fair{}, err
		}
	}
	if err := tx.Audit("fair.save", "job_fair", f.ID, f.County, map[string]any{"name": f.Name, "kind": f.Kind,
		"starts_at": f.StartsAt, "ends_at": f.EndsAt, "booths": f.Booths}); err != nil {
		return Fair{}, err
	}
	return fairByID(tx.ctx, tx.tx, s, f.ID)
}

// FairAction is an officer's move of a fair.
type FairAction string

// The moves of a fair: publish a draft; cancel a draft or a published fair that has not ended
// (the persons who signed up get a message).
const (
	FairPublish FairAction = "publish"
	FairCancel  FairAction = "cancel"
)

// MoveFair publishes or cancels a fair of the officer's region at version.
func (tx *Tx) MoveFair(s xiangpei.Scope, id int64, version int, action FairAction) (Fair, error) {
	if err := jobOfficer(tx.Actor, s); err != nil {
		return Fair{}, err
	}
	f, err := fairByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return f, err
	}
	wrong := xiangpei.Errorf(xiangpei.Conflict, "fair.wrong_state", "This cannot be done in the present state of the fair: reload the page to see where it stands.")
	var to xiangpei.FairStatus
	switch action {
	case FairPublish:
		if f.Status != xiangpei.FairDraft || f.Phase(tx.Now) == xiangpei.FairEnded {
			return f, wrong
		}
		to = xiangpei.FairPublished
	case FairCancel:
		if f.Status == xiangpei.FairCancelled || f.Phase(tx.Now) == xiangpei.FairEnded {
			return f, wrong
		}
		to = xiangpei.FairCancelled
	default:
		return f, xiangpei.Errorf(xiangpei.Invalid, "fair.action_bad", "Choose publish or cancel.")
	}
	if err := tx.execVersioned("Fair", `SELECT 1 FROM job_fairs WHERE id = $1`, id,
		`UPDATE job_fairs SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4`,
		string(to), tx.Now.Truncate(time.Microsecond), id, version); err != nil {
		return f, err
	}
	if to == xiangpei.FairCancelled && f.Status == xiangpei.FairPublished {
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT person_id FROM fair_signups WHERE fair_id = $1 ORDER BY person_id`, id)
		if err != nil {
			return f, err
		}
		persons, err := collect(rows, func(r scanner) (int64, error) {
			var p int64
			return p, r.Scan(&p)
		})
		if err != nil {
			return f, err
		}
		for _, p := range persons {
			if _, err := tx.NotifyPerson(p, "您报名的招聘会「"+f.Name+"」已取消。"); err != nil {
				return f, err
			}
		}
	}
	if err := tx.Audit("fair."+string(action), "job_fair", id, f.County, map[string]any{"from": f.Status, "to": to}); err != nil {
		return f, err
	}
	return fairByID(tx.ctx, tx.tx, s, id)
}

func errBoothTaken(booth int) error {
	return xiangpei.Errorf(xiangpei.Conflict, "fair.booth_taken", "Booth %v is already taken: choose another, or leave the booth empty to get the first free one.", booth)
}

// JoinFair enters the employer of the scope in a published fair that has not ended, with some
// of its open postings. On site it takes booth (1..the fair's booths), or the lowest free booth
// when booth is 0; two employers asking for one booth: exactly one gets it. An employer joins
// a fair once; its credit code must be verified (valid or confirmed by an officer).
func (tx *Tx) JoinFair(s xiangpei.Scope, fairID int64, booth int, postingIDs []int64) (Fair, error) {
	if err := employerOnly(s); err != nil {
		return Fair{}, err
	}
	o, err := tx.Org(s, s.OrgID)
	if err != nil {
		return Fair{}, err
	}
	if o.Kind != xiangpei.OrgEmployer {
		return Fair{}, xiangpei.Errorf(xiangpei.Forbidden, "job.employer_only", "Only an employer's staff can do this.")
	}
	f, err := tx.fairToAct(fairID)
	if err != nil {
		return f, err
	}
	if o.CodeStatus != xiangpei.CodeConfirmed && o.CodeStatus != xiangpei.CodeValid {
		return f, xiangpei.Errorf(xiangpei.Conflict, "fair.code_unconfirmed", "Your credit code has not yet been confirmed by the bureau, so you cannot join a fair yet.")
	}
	if !f.Joinable(tx.Now) {
		return f, xiangpei.Errorf(xiangpei.Conflict, "fair.closed", "This fair has ended or was cancelled.")
	}
	if err := tx.refuse(xiangpei.Errorf(xiangpei.Conflict, "fair.joined_before", "Your organisation has already joined this fair; add postings on its page instead."),
		`SELECT 1 FROM fair_employers WHERE fair_id = $1 AND employer_id = $2`, fairID, o.ID); err != nil {
		return f, err
	}
	if len(postingIDs) == 0 {
		return f, xiangpei.Errorf(xiangpei.Invalid, "fair.postings_missing", "Choose at least one of your published postings to bring to the fair.")
	}
	var boothArg any
	if f.Kind.OnSite() {
		if booth < 0 || booth > f.Booths {
			return f, xiangpei.Errorf(xiangpei.Invalid, "fair.booth_bad", "The booths of this fair are numbered 1 to %v.", f.Booths)
		}
		if booth == 0 {
			if booth, err = tx.freeBooth(f); err != nil {
				return f, err
			}
		} else if err := tx.refuse(errBoothTaken(booth), `SELECT 1 FROM fair_employers WHERE fair_id = $1 AND booth = $2`, fairID, booth); err != nil {
			return f, err
		}
		boothArg = booth
	}
	if err := tx.checkFairPostings(o.ID, postingIDs); err != nil {
		return f, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO fair_employers (id, fair_id, employer_id, booth, joined_at) VALUES ($1, $2, $3, $4, $5)`,
		xiangpei.NewID(), fairID, o.ID, boothArg, now); err != nil {
		if xiangpei.IsKind(mapError(err, "Booth"), xiangpei.Conflict) && boothArg != nil {
			return f, errBoothTaken(booth)
		}
		return f, mapError(err, "Fair employer")
	}
	if err := tx.insertFairPostings(fairID, o.ID, postingIDs, now); err != nil {
		return f, err
	}
	if err := tx.Audit("fair.join", "job_fair", fairID, f.County, map[string]any{"employer": o.ID, "booth": boothArg, "postings": postingIDs}); err != nil {
		return f, err
	}
	return publicFair(tx.ctx, tx.tx, fairID)
}

func (tx *Tx) freeBooth(f Fair) (int, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT booth FROM fair_employers WHERE fair_id = $1 AND booth IS NOT NULL ORDER BY booth`, f.ID)
	if err != nil {
		return 0, err
	}
	taken, err := collect(rows, func(r scanner) (int, error) {
		var b int
		return b, r.Scan(&b)
	})
	if err != nil {
		return 0, err
	}
	for b := 1; b <= f.Booths; b++ {
		if _, found := slices.BinarySearch(taken, b); !found {
			return b, nil
		}
	}
	return 0, xiangpei.Errorf(xiangpei.Conflict, "fair.booths_full", "Every booth of this fair is taken; ask the bureau about an online place.")
}

// checkFairPostings refuses postings that are not the employer's own open ones.
func (tx *Tx) checkFairPostings(employerID int64, ids []int64) error {
	ids = distinct(ids)
	found := 0
	var bad error
	err := tx.eachIn(`SELECT `+postingCols+postingFrom+` WHERE j.id IN (`+inList1+`)`, ids, nil, func(r scanner) error {
		p, err := scanPostingAt(tx.Now)(r)
		if err != nil {
			return err
		}
		found++
		if p.EmployerID != employerID || !p.Open(tx.Now) {
			bad = xiangpei.Errorf(xiangpei.Invalid, "fair.posting_bad", "Posting %v is not one of your open postings; only your published postings can be brought to a fair.", p.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if bad == nil && found != len(ids) {
		bad = xiangpei.Errorf(xiangpei.Invalid, "fair.posting_bad", "Posting %v is not one of your open postings; only your published postings can be brought to a fair.", "")
	}
	return bad
}

func (tx *Tx) insertFairPostings(fairID, employerID int64, ids []int64, now time.Time) error {
	for _, id := range distinct(ids) {
		if _, err := tx.exec(`INSERT INTO fair_postings (fair_id, posting_id, employer_id, added_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (fair_id, posting_id) DO NOTHING`, fairID, id, employerID, now); err != nil {
			return err
		}
	}
	return nil
}

// AddFairPostings adds more of the employer's open postings to a fair it joined, while the
// fair has not ended; postings already there stay once.
func (tx *Tx) AddFairPostings(s xiangpei.Scope, fairID int64, postingIDs []int64) (Fair, error) {
	if err := employerOnly(s); err != nil {
		return Fair{}, err
	}
	f, err := tx.fairToAct(fairID)
	if err != nil {
		return f, err
	}
	if !f.Joinable(tx.Now) {
		return f, xiangpei.Errorf(xiangpei.Conflict, "fair.closed", "This fair has ended or was cancelled.")
	}
	if err := tx.require(xiangpei.Errorf(xiangpei.Conflict, "fair.join_first", "Join the fair first."),
		`SELECT 1 FROM fair_employers WHERE fair_id = $1 AND employer_id = $2`, fairID, s.OrgID); err != nil {
		return f, err
	}
	if len(postingIDs) == 0 {
		return f, xiangpei.Errorf(xiangpei.Invalid, "fair.postings_missing", "Choose at least one of your published postings to bring to the fair.")
	}
	if err := tx.checkFairPostings(s.OrgID, postingIDs); err != nil {
		return f, err
	}
	if err := tx.insertFairPostings(fairID, s.OrgID, postingIDs, tx.Now.Truncate(time.Microsecond)); err != nil {
		return f, err
	}
	if err := tx.Audit("fair.postings", "job_fair", fairID, f.County, map[string]any{"employer": s.OrgID, "postings": postingIDs}); err != nil {
		return f, err
	}
	return publicFair(tx.ctx, tx.tx, fairID)
}

// SignUpFair signs the person of the scope up for a published fair inside its sign-up window;
// once per fair.
func (tx *Tx) SignUpFair(s xiangpei.Scope, fairID int64) (Fair, error) {
	if s.PersonID <= 0 {
		return Fair{}, xiangpei.Errorf(xiangpei.Forbidden, "fair.person_only", "Only the person themself can do this.")
	}
	f, err := tx.fairToAct(fairID)
	if err != nil {
		return f, err
	}
	if !f.SignupOpen(tx.Now) {
		return f, xiangpei.Errorf(xiangpei.Conflict, "fair.signup_closed", "Sign-up for this fair is not open (it runs from %v to %v).",
			xiangpei.ChinaDate(f.SignupFrom), xiangpei.ChinaDate(f.SignupTo))
	}
	dup := xiangpei.Errorf(xiangpei.Conflict, "fair.signed_up_before", "You have already signed up for this fair.")
	if err := tx.refuse(dup, `SELECT 1 FROM fair_signups WHERE fair_id = $1 AND person_id = $2`, fairID, s.PersonID); err != nil {
		return f, err
	}
	if _, err := tx.exec(`INSERT INTO fair_signups (id, fair_id, person_id, created_at) VALUES ($1, $2, $3, $4)`,
		xiangpei.NewID(), fairID, s.PersonID, tx.Now.Truncate(time.Microsecond)); err != nil {
		if xiangpei.IsKind(mapError(err, "Sign-up"), xiangpei.Conflict) {
			return f, dup
		}
		return f, err
	}
	if err := tx.Audit("fair.signup", "job_fair", fairID, f.County, map[string]any{"person": s.PersonID}); err != nil {
		return f, err
	}
	return publicFair(tx.ctx, tx.tx, fairID)
}

// ApplyAtFair applies, for the person of the scope, to one of the fair's postings while the
// fair is under way (tx.Apply: once per posting), and marks the application as the fair's.
// The person must have signed up.
func (tx *Tx) ApplyAtFair(s xiangpei.Scope, fairID, postingID int64) (Applicant, error) {
	if s.PersonID <= 0 {
		return Applicant{}, xiangpei.Errorf(xiangpei.Forbidden, "fair.person_only", "Only the person themself can do this.")
	}
	f, err := tx.fairToAct(fairID)
	if err != nil {
		return Applicant{}, err
	}
	if !f.TakesApplications(tx.Now) {
		return Applicant{}, xiangpei.Errorf(xiangpei.Conflict, "fair.not_ongoing", "Applications through the fair are taken only while it is under way.")
	}
	if err := tx.require(xiangpei.Errorf(xiangpei.Conflict, "fair.signup_first", "Sign up for the fair first."),
		`SELECT 1 FROM fair_signups WHERE fair_id = $1 AND person_id = $2`, fairID, s.PersonID); err != nil {
		return Applicant{}, err
	}
	if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "fair.posting_not_here", "This posting is not at the fair."),
		`SELECT 1 FROM fair_postings WHERE fair_id = $1 AND posting_id = $2`, fairID, postingID); err != nil {
		return Applicant{}, err
	}
	app, err := tx.Apply(s, postingID)
	if err != nil {
		return app, err
	}
	if _, err := tx.exec(`INSERT INTO fair_applications (application_id, fair_id, person_id, created_at) VALUES ($1, $2, $3, $4)`,
		app.ID, fairID, s.PersonID, tx.Now.Truncate(time.Microsecond)); err != nil {
		return app, mapError(err, "Fair application")
	}
	if err := tx.Audit("fair.apply", "job_fair", fairID, f.County, map[string]any{"application": app.ID, "posting": postingID}); err != nil {
		return app, err
	}
	return app, nil
}
