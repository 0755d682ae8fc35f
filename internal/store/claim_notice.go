package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 公示 — the public notice of a claim the city passed (SPEC §8, docs/claim-review.md): its lines
// are published with masked names and ID numbers for Rules.NoticeWorkdays working days (from
// the calendar); anyone may object to a line, which holds it until an officer with
// claim_review_2 resolves the objection. When the notice has ended, CloseNotices approves every
// line not held, set-wise.

// Notice states.
const (
	NoticeOpen   = "open"
	NoticeClosed = "closed"
)

// Objection states.
const (
	ObjectionOpen      = "open"
	ObjectionUpheld    = "upheld"
	ObjectionDismissed = "dismissed"
)

// Notice is the public notice of one claim.
type Notice struct {
	ID        int64
	ClaimID   int64
	County    string
	Claimant  string // the institution or the person (masked for a person claim)
	ClassName string
	Starts    time.Time
	Ends      time.Time
	Workdays  int
	Status    string
	Lines     int // lines published
	Held      int // lines held by an objection
	TotalFen  int64
	Version   int64
}

// NoticeLine is a published line as the public sees it: masked name and ID number.
type NoticeLine struct {
	ID             int64
	MaskedName     string
	MaskedID       string
	OccupationCode string
	Level          string
	AmountFen      int64 // the effective amount
	Institution    string
	Status         xiangpei.ClaimStatus
	Version        int64
}

// Objection is one objection to a published line.
type Objection struct {
	ID         int64
	NoticeID   int64
	ClaimID    int64
	LineID     int64
	PersonName string // officers only
	Text       string
	Contact    string // as given; show it masked (xiangpei.MaskPhone)
	Status     string
	Resolution string
	Resolver   string
	ResolvedAt time.Time
	CreatedAt  time.Time
	Version    int64 // in lists, the held line's version, for ResolveLine
}

// startNotice opens the notice of a claim the city passed: it starts now and ends after the
// rule's notice working days, counted on the working-day calendar.
func (tx *Tx) startNotice(k xiangpei.Claim) (Notice, error) {
	days := 0
	if rule, err := tx.RuleInForce(k.County, xiangpei.ChinaDate(tx.Now)); err == nil {
		days = rule.Limits.NoticeWorkdays
	}
	if days < 1 {
		days = tx.db.Rules().NoticeWorkdays
	}
	start := tx.Now.UTC().Truncate(time.Microsecond)
	y := start.In(xiangpei.ChinaTime).Year()
	from, to := yearRange(y-1, y+1)
	cal, err := buildCalendar(tx.ctx, tx.tx, from, to)
	if err != nil {
		return Notice{}, err
	}
	n := Notice{ID: xiangpei.NewID(), ClaimID: k.ID, County: k.County, Starts: start, Ends: NoticeEnd(cal, start, days),
		Workdays: days, Status: NoticeOpen, Version: 1}
	if _, err := tx.exec(`INSERT INTO claim_notices (id, claim_id, county, starts, ends, workdays, status, created_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $4, 1)`, n.ID, n.ClaimID, n.County, n.Starts, n.Ends, n.Workdays, n.Status); err != nil {
		return n, mapError(err, "Notice")
	}
	return n, tx.Audit("claim.notice_start", "claim_notice", n.ID, k.County, map[string]any{"claim": k.ID,
		"starts": n.Starts, "ends": n.Ends, "workdays": days})
}

// NoticeEnd is the end of a notice started at start lasting days working days: the same time
// of day on the days-th working day after it.
func NoticeEnd(cal xiangpei.Calendar, start time.Time, days int) time.Time {
	return cal.AddWorkdays(start, days).UTC()
}

// CloseNotices approves, set-wise, every line in notice whose notice has ended (store clock ≥
// end), and then every claim in notice whose notice has ended and that holds no objection:
// approved when a line is approved, rejected when none is left; its notice closes. A scheduler
// calls it in production; the review queue and the public notice pages call it as they open,
// and payment batch building calls it first. It returns the number of lines approved and
// writes nothing (and no audit entry) when nothing is due.
// dueNotices counts the open notices whose period has ended at now and that have a line to
// approve or no line held.
const dueNotices = `SELECT COUNT(*) FROM claim_notices n WHERE n.status = 'open' AND n.ends <= $1
	AND (EXISTS (SELECT 1 FROM claim_lines l WHERE l.claim_id = n.claim_id AND l.status = 'notice')
	OR NOT EXISTS (SELECT 1 FROM claim_lines l WHERE l.claim_id = n.claim_id AND l.status = 'objection'))`

func (tx *Tx) CloseNotices() (int, error) {
	now := tx.Now.UTC().Truncate(time.Microsecond)
	var due int
	if err := tx.tx.QueryRowContext(tx.ctx, dueNotices, now).Scan(&due); err != nil {
		return 0, err
	}
	if due == 0 {
		return 0, nil
	}
	res, err := tx.exec(`UPDATE claim_lines SET status = 'approved', updated_at = $1, version = version + 1 WHERE status = 'notice'
		AND claim_id IN (SELECT claim_id FROM claim_notices WHERE status = 'open' AND ends <= $1)`, now)
	if err != nil {
		return 0, err
	}
	lines, _ := res.RowsAffected()
	ready := `SELECT claim_id FROM claim_notices n WHERE n.status = 'open' AND n.ends <= $1
		AND NOT EXISTS (SELECT 1 FROM claim_lines l WHERE l.claim_id = n.claim_id AND l.status IN ('notice','objection'))`
	if _, err := tx.exec(`UPDATE claims SET status = CASE WHEN EXISTS (SELECT 1 FROM claim_lines l WHERE l.claim_id = claims.id
		AND l.status = 'approved') THEN 'approved' ELSE 'rejected' END, updated_at = $1, version = version + 1
		WHERE status = 'notice' AND id IN (`+ready+`)`, now); err != nil {
		return 0, err
	}
	res, err = tx.exec(`UPDATE claim_notices SET status = 'closed', version = version + 1 WHERE id IN (SELECT n.id FROM claim_notices n
		WHERE n.status = 'open' AND n.ends <= $1 AND NOT EXISTS (SELECT 1 FROM claim_lines l WHERE l.claim_id = n.claim_id
		AND l.status IN ('notice','objection')))`, now)
	if err != nil {
		return 0, err
	}
	closed, _ := res.RowsAffected()
	return int(lines), tx.Audit("claim.notices_close", "claim_notice", 0, "", map[string]any{"lines_approved": lines, "notices_closed": closed})
}

// CloseNotices runs Tx.CloseNotices in its own transaction on behalf of actor.
func (db *DB) CloseNotices(ctx context.Context, actor xiangpei.Actor) (int, error) {
	// Pages call this on every view: ask the read side first, so that a view with nothing due
	// (nearly all of them) never takes the write transaction.
	var due int
	if err := db.read.QueryRowContext(ctx, dueNotices, db.Now().Truncate(time.Microsecond)).Scan(&due); err != nil || due == 0 {
		return 0, err
	}
	return Do(ctx, db, actor, func(tx *Tx) (int, error) { return tx.CloseNotices() })
}

const noticeCols = `n.id, n.claim_id, n.county, COALESCE(o.name, ''), COALESCE(p.name, ''), COALESCE(c.name, ''), n.starts, n.ends,
	n.workdays, n.status, n.version,
	(SELECT COUNT(*) FROM claim_lines l WHERE l.claim_id = n.claim_id AND ` + publishedLine + `),
	(SELECT COUNT(*) FROM claim_lines l WHERE l.claim_id = n.claim_id AND l.status = 'objection'), k.total_fen`

const noticeFrom = ` FROM claim_notices n JOIN claims k ON k.id = n.claim_id LEFT JOIN organisations o ON o.id = k.org_id
	LEFT JOIN persons p ON p.id = k.person_id LEFT JOIN classes c ON c.id = k.class_id`

// publishedLine selects the lines l a notice shows: those that reached the notice (in notice or
// later), and those rejected by an upheld objection.
const publishedLine = `(l.status IN ('notice','objection','approved','in_payment','paid','payment_failed','clawback')
	OR EXISTS (SELECT 1 FROM claim_objections j WHERE j.line_id = l.id AND j.status = 'upheld'))`

func scanNotice(r scanner) (Notice, error) {
	var n Notice
	var org, person string
	err := r.Scan(&n.ID, &n.ClaimID, &n.County, &org, &person, &n.ClassName, &n.Starts, &n.Ends, &n.Workdays, &n.Status, &n.Version,
		&n.Lines, &n.Held, &n.TotalFen)
	n.Claimant = org
	if org == "" {
		n.Claimant = xiangpei.MaskName(person)
	}
	n.Starts, n.Ends = n.Starts.UTC(), n.Ends.UTC()
	return n, err
}

// NoticeFilter narrows the public list of notices.
type NoticeFilter struct {
	County string // "" any
	Open   bool   // only notices still open
}

// Notices lists the notices, newest first, for the public page: anyone reads them.
func (db *DB) Notices(ctx context.Context, f NoticeFilter, page Page) ([]Notice, int, error) {
	where := noticeFrom + ` WHERE ($1 = '' OR n.county LIKE $1) AND (NOT $2 OR n.status = 'open')`
	county := strings.TrimSpace(f.County)
	if county != "" {
		county = strings.TrimRight(county, "0") + "%"
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, county, f.Open).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+noticeCols+where+` ORDER BY n.starts DESC, n.id DESC LIMIT $3 OFFSET $4`,
		county, f.Open, int64(page.limit()), int64(page.offset()))
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanNotice)
	return out, total, err
}

// Notice reads one notice (public).
func (db *DB) Notice(ctx context.Context, id int64) (Notice, error) {
	n, err := scanNotice(db.read.QueryRowContext(ctx, `SELECT `+noticeCols+noticeFrom+` WHERE n.id = $1`, id))
	return n, mapError(err, "Notice")
}

// NoticeOfClaim reads the notice of a claim within scope.
func (db *DB) NoticeOfClaim(ctx context.Context, s xiangpei.Scope, claimID int64) (Notice, error) {
	if _, err := db.Claim(ctx, s, claimID); err != nil {
		return Notice{}, err
	}
	n, err := scanNotice(db.read.QueryRowContext(ctx, `SELECT `+noticeCols+noticeFrom+` WHERE n.claim_id = $1`, claimID))
	return n, mapError(err, "Notice")
}

// NoticeLines lists a notice's published lines, masked, by line id (public).
func (db *DB) NoticeLines(ctx context.Context, noticeID int64, page Page) ([]NoticeLine, int, error) {
	where := ` FROM claim_lines l JOIN claim_notices n ON n.claim_id = l.claim_id JOIN claims k ON k.id = l.claim_id
		JOIN persons p ON p.id = l.person_id LEFT JOIN organisations o ON o.id = k.org_id
		LEFT JOIN trainees t ON t.id = l.trainee_id LEFT JOIN classes c ON c.id = t.class_id LEFT JOIN organisations co ON co.id = c.org_id
		WHERE n.id = $1 AND ` + publishedLine
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, noticeID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT l.id, p.name, p.id_number, l.occupation_code, l.level,
		CASE WHEN l.reduced_fen > 0 THEN l.reduced_fen ELSE l.amount_fen END, COALESCE(o.name, COALESCE(co.name, '')), l.status, l.version`+
		where+` ORDER BY l.id LIMIT $2 OFFSET $3`, noticeID, int64(page.limit()), int64(page.offset()))
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, func(r scanner) (NoticeLine, error) {
		var l NoticeLine
		var name, id, status string
		err := r.Scan(&l.ID, &name, &id, &l.OccupationCode, &l.Level, &l.AmountFen, &l.Institution, &status, &l.Version)
		l.MaskedName, l.MaskedID, l.Status = xiangpei.MaskName(name), xiangpei.IDNumber(id).Masked(), xiangpei.ClaimStatus(status)
		return l, err
	})
	return out, total, err
}

// ObjectionInput is an objection from the public page.
type ObjectionInput struct {
	LineID  int64
	Text    string // 10–500 characters
	Contact string // optional, at most 100 characters
	IP      string // hashed before it is stored
}

// IPHash is the stored form of a client address: SHA-256, hex, so that objections from one
// address can be told apart without keeping the address.
func IPHash(ip string) string {
	h := sha256.Sum256([]byte("xiangpei-objection\x00" + ip))
	return hex.EncodeToString(h[:])
}

// Object records an objection to a published line of an open notice and holds the line
// (notice → objection); a line already held takes the objection too.
func (tx *Tx) Object(noticeID int64, in ObjectionInput) (Objection, error) {
	text := strings.TrimSpace(in.Text)
	if n := utf8.RuneCountInString(text); n < 10 || n > 500 {
		return Objection{}, xiangpei.Errorf(xiangpei.Invalid, "notice.objection_text", "Write the objection in 10 to 500 characters.")
	}
	contact := strings.TrimSpace(in.Contact)
	if utf8.RuneCountInString(contact) > 100 || strings.ContainsAny(contact, "\r\n\t") {
		return Objection{}, xiangpei.Errorf(xiangpei.Invalid, "notice.objection_contact", "A contact has at most 100 characters on one line.")
	}
	var claimID int64
	var status, county string
	var ends time.Time
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT n.claim_id, n.status, n.ends, n.county FROM claim_notices n JOIN claim_lines l
		ON l.claim_id = n.claim_id WHERE n.id = $1 AND l.id = $2`, noticeID, in.LineID).Scan(&claimID, &status, &ends, &county)
	if err != nil {
		return Objection{}, mapError(err, "Claim line")
	}
	now := tx.Now.UTC().Truncate(time.Microsecond)
	if status != NoticeOpen || !now.Before(ends.UTC()) {
		return Objection{}, xiangpei.Errorf(xiangpei.Conflict, "notice.ended", "This notice has ended: objections are no longer taken.")
	}
	res, err := tx.exec(`UPDATE claim_lines SET status = 'objection', updated_at = $2, version = version + 1
		WHERE id = $1 AND status IN ('notice','objection')`, in.LineID, now)
	if err != nil {
		return Objection{}, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Objection{}, xiangpei.Errorf(xiangpei.Conflict, "notice.line_closed", "This line is no longer open to objections.")
	}
	o := Objection{ID: xiangpei.NewID(), NoticeID: noticeID, ClaimID: claimID, LineID: in.LineID, Text: text, Contact: contact,
		Status: ObjectionOpen, CreatedAt: now, Version: 1}
	if _, err := tx.exec(`INSERT INTO claim_objections (id, notice_id, line_id, text, contact, ip_hash, status, created_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, 1)`, o.ID, noticeID, in.LineID, text, contact, IPHash(in.IP), now); err != nil {
		return o, err
	}
	return o, tx.Audit("claim.object", "claim_line", in.LineID, county, map[string]any{"notice": noticeID, "objection": o.ID,
		"claim": claimID, "with_contact": contact != ""})
}

// ResolveLine resolves every open objection of a held line at the line's version, with a
// reason: dismissed puts the line back in notice (approved at once when the notice has
// ended); upheld rejects the line and recomputes the claim's total. Only an officer with
// claim_review_2 whose region covers the claim.
func (tx *Tx) ResolveLine(s xiangpei.Scope, lineID, version int64, uphold bool, reason string) (xiangpei.ClaimLine, error) {
	l, err := tx.claimLine(lineID)
	if err != nil {
		return l, err
	}
	k, err := tx.Claim(s, l.ClaimID)
	if err != nil {
		return l, err
	}
	if err := mayReview(tx.Actor, 2); err != nil {
		return l, err
	}
	if reason, err = reviewReason(reason); err != nil {
		return l, err
	}
	if l.Version != version {
		return l, xiangpei.StaleVersion()
	}
	act, status, to := xiangpei.ClaimResolve, ObjectionDismissed, xiangpei.ClaimNotice
	if uphold {
		act, status, to = xiangpei.ClaimReject, ObjectionUpheld, xiangpei.ClaimRejected
	}
	if _, err := l.Status.Next(act); err != nil || l.Status != xiangpei.LineObjection {
		return l, xiangpei.Errorf(xiangpei.Conflict, "notice.not_held", "This line is not held by an objection.")
	}
	now := tx.Now.UTC().Truncate(time.Microsecond)
	if err := tx.execVersioned("Claim line", `SELECT 1 FROM claim_lines WHERE id = $1`, l.ID,
		`UPDATE claim_lines SET status = $3, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2`,
		l.ID, version, string(to), now); err != nil {
		return l, err
	}
	res, err := tx.exec(`UPDATE claim_objections SET status = $2, resolution = $3, resolver = $4, resolved_at = $5, version = version + 1
		WHERE line_id = $1 AND status = 'open'`, l.ID, status, reason, tx.Actor.Name, now)
	if err != nil {
		return l, err
	}
	n, _ := res.RowsAffected()
	if uphold {
		if err := tx.recomputeTotal(k.ID); err != nil {
			return l, err
		}
	}
	if err := tx.Audit("claim.objection_"+status, "claim_line", l.ID, k.County, map[string]any{"claim": k.ID, "objections": n,
		"reason": reason}); err != nil {
		return l, err
	}
	if _, err := tx.CloseNotices(); err != nil {
		return l, err
	}
	return tx.claimLine(l.ID)
}

// ObjectionFilter narrows the officers' list of objections.
type ObjectionFilter struct {
	Status string // "" any
}

// Objections lists the objections to claims within scope, open ones first, oldest first.
func (db *DB) Objections(ctx context.Context, s xiangpei.Scope, f ObjectionFilter, page Page) ([]Objection, int, error) {
	a := scopeOf(s)
	where := ` FROM claim_objections j JOIN claim_lines l ON l.id = j.line_id JOIN claims k ON k.id = l.claim_id
		JOIN persons p ON p.id = l.person_id WHERE` + claimScope + ` AND ($5 = '' OR j.status = $5)`
	args := []any{a.all, a.region, a.org, a.person, f.Status}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT j.id, j.notice_id, l.claim_id, j.line_id, p.name, j.text, j.contact, j.status,
		j.resolution, j.resolver, j.resolved_at, j.created_at, l.version`+where+`
		ORDER BY CASE j.status WHEN 'open' THEN 0 ELSE 1 END, j.created_at, j.id LIMIT $6 OFFSET $7`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, func(r scanner) (Objection, error) {
		var o Objection
		var at sql.NullTime
		err := r.Scan(&o.ID, &o.NoticeID, &o.ClaimID, &o.LineID, &o.PersonName, &o.Text, &o.Contact, &o.Status, &o.Resolution,
			&o.Resolver, &at, &o.CreatedAt, &o.Version)
		if at.Valid {
			o.ResolvedAt = at.Time.UTC()
		}
		o.CreatedAt = o.CreatedAt.UTC()
		return o, err
	})
	return out, total, err
}
