package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"xiangpei"
)

// 赛 — registrations (报名) for competitions: a person registers for an event, alone or with a
// team; the organiser accepts or rejects each registration once registration has closed,
// records the scores, and publishing ranks every event, gives the awards and grants the honours
// they carry (competition.go MoveCompetition → publishResults).

// EntryMember is one member of a registration: the registrant alone for an individual event,
// every member of the team for a team event.
type EntryMember struct {
	PersonID int64
	Name     string
	IDNumber xiangpei.IDNumber
}

// CompEntry is a registration for an event of a competition.
type CompEntry struct {
	ID            int64
	CompetitionID int64
	EventID       int64
	PersonID      int64 // the registrant (a team's leader)
	PersonName    string
	IDNumber      xiangpei.IDNumber
	TeamName      string
	Members       []EntryMember
	Status        xiangpei.EntryStatus
	Reason        string
	Score         int // tenths of a point, when Scored
	Scored        bool
	Rank          int // after publication
	Award         xiangpei.Award
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int64
}

// Names lists the members' names, the team's or the registrant's.
func (e CompEntry) Names() []string {
	out := make([]string, 0, len(e.Members))
	for _, m := range e.Members {
		out = append(out, m.Name)
	}
	if len(out) == 0 {
		out = append(out, e.PersonName)
	}
	return out
}

// ScoreText is the score as shown ("95.5"), "" before it is recorded.
func (e CompEntry) ScoreText() string {
	if !e.Scored {
		return ""
	}
	return xiangpei.FormatScore(e.Score)
}

// MaskedNames lists the members' names masked, as the public ranking shows them.
func (e CompEntry) MaskedNames() []string {
	out := e.Names()
	for i, n := range out {
		out[i] = xiangpei.MaskName(n)
	}
	return out
}

const entryCols = `x.id, x.competition_id, x.event_id, x.person_id, p.name, p.id_number, x.team_name, x.status, x.reason,
	x.score, COALESCE(x.rank, 0), x.award, x.created_at, x.updated_at, x.version`

const entryFrom = ` FROM competition_entries x JOIN persons p ON p.id = x.person_id`

func scanEntry(r scanner) (CompEntry, error) {
	var e CompEntry
	var id, status, award string
	var score sql.NullInt64
	err := r.Scan(&e.ID, &e.CompetitionID, &e.EventID, &e.PersonID, &e.PersonName, &id, &e.TeamName, &status, &e.Reason,
		&score, &e.Rank, &award, &e.CreatedAt, &e.UpdatedAt, &e.Version)
	e.IDNumber, e.Status, e.Award = xiangpei.IDNumber(id), xiangpei.EntryStatus(status), xiangpei.Award(award)
	e.Score, e.Scored = int(score.Int64), score.Valid
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return e, err
}

// entryMembers reads the members of the entries of a competition (of one event when eventID
// is not 0) and hands them to the entries they belong to.
func entryMembers(ctx context.Context, q querier, competitionID, eventID int64, entries []CompEntry) error {
	if len(entries) == 0 {
		return nil
	}
	rows, err := q.QueryContext(ctx, `SELECT m.entry_id, m.person_id, p.name, p.id_number FROM entry_members m
		JOIN competition_entries x ON x.id = m.entry_id JOIN persons p ON p.id = m.person_id
		WHERE x.competition_id = $1 AND (CAST($2 AS BIGINT) = 0 OR x.event_id = $2)
		ORDER BY m.entry_id, CASE WHEN m.person_id = x.person_id THEN 0 ELSE 1 END, p.name`, competitionID, eventID)
	if err != nil {
		return err
	}
	type member struct {
		entry int64
		m     EntryMember
	}
	all, err := collect(rows, func(r scanner) (member, error) {
		var x member
		var id string
		err := r.Scan(&x.entry, &x.m.PersonID, &x.m.Name, &id)
		x.m.IDNumber = xiangpei.IDNumber(id)
		return x, err
	})
	if err != nil {
		return err
	}
	at := make(map[int64]int, len(entries))
	for i, e := range entries {
		at[e.ID] = i
	}
	for _, x := range all {
		if i, ok := at[x.entry]; ok {
			entries[i].Members = append(entries[i].Members, x.m)
		}
	}
	return nil
}

func entryByID(ctx context.Context, q querier, competitionID, id int64) (CompEntry, error) {
	e, err := scanEntry(q.QueryRowContext(ctx, `SELECT `+entryCols+entryFrom+` WHERE x.id = $1 AND x.competition_id = $2`, id, competitionID))
	if err != nil {
		return e, mapError(err, "Entry")
	}
	list := []CompEntry{e}
	if err := entryMembers(ctx, q, competitionID, e.EventID, list); err != nil {
		return e, err
	}
	return list[0], nil
}

// CompetitionEntry reads a registration of a competition within the organiser's scope.
func (db *DB) CompetitionEntry(ctx context.Context, s xiangpei.Scope, competitionID, id int64) (CompEntry, error) {
	if err := db.competitionVisible(ctx, s, competitionID); err != nil {
		return CompEntry{}, err
	}
	return entryByID(ctx, db.read, competitionID, id)
}

// competitionVisible checks that a competition is within the organiser's scope.
func (db *DB) competitionVisible(ctx context.Context, s xiangpei.Scope, id int64) error {
	a := scopeOf(s)
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT 1 FROM competitions c WHERE c.id = $5 AND`+compScope,
		a.all, a.region, a.org, a.person, id).Scan(&one)
	return mapError(err, "Competition")
}

// EntryFilter narrows a competition's registrations.
type EntryFilter struct {
	EventID int64
	Status  xiangpei.EntryStatus // "" any
}

// CompetitionEntries lists the registrations of a competition within the organiser's scope,
// by event and then in the order they came, with the total.
func (db *DB) CompetitionEntries(ctx context.Context, s xiangpei.Scope, competitionID int64, f EntryFilter, page Page) ([]CompEntry, int, error) {
	if err := db.competitionVisible(ctx, s, competitionID); err != nil {
		return nil, 0, err
	}
	where := entryFrom + ` JOIN competition_events e ON e.id = x.event_id WHERE x.competition_id = $1
		AND (CAST($2 AS BIGINT) = 0 OR x.event_id = $2) AND ($3 = '' OR x.status = $3)`
	args := []any{competitionID, f.EventID, string(f.Status)}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+entryCols+where+` ORDER BY e.seq, x.created_at, x.id LIMIT $4 OFFSET $5`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanEntry)
	if err != nil {
		return nil, 0, err
	}
	return out, total, entryMembers(ctx, db.read, competitionID, f.EventID, out)
}

// ContestResults lists the ranked registrations of a published competition for the public
// ranking, by event and rank; before publication there are none.
func (db *DB) ContestResults(ctx context.Context, competitionID int64) ([]CompEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+entryCols+entryFrom+` JOIN competition_events e ON e.id = x.event_id
		JOIN competitions c ON c.id = x.competition_id
		WHERE x.competition_id = $1 AND c.status = 'published' AND x.status = 'accepted' AND x.rank IS NOT NULL
		ORDER BY e.seq, x.rank, x.id`, competitionID)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanEntry)
	if err != nil {
		return nil, err
	}
	return out, entryMembers(ctx, db.read, competitionID, 0, out)
}

// MemberInput is a team member as the registrant types them.
type MemberInput struct {
	IDNumber string
	Name     string
}

// EntryInput is a registration as a person fills it in: the event, and for a team event the
// team's name and the other members (the registrant is the team's first member).
type EntryInput struct {
	EventID  int64
	TeamName string
	Members  []MemberInput
}

// registrationOpen refuses a registration or a withdrawal outside the registration period.
func registrationOpen(c xiangpei.Competition, now time.Time) error {
	if c.Status != xiangpei.CompetitionOpen {
		return xiangpei.Errorf(xiangpei.Conflict, "entry.not_open", "Registration for this competition is not open.")
	}
	if d := xiangpei.ChinaDate(now); d < c.RegOpens || d > c.RegCloses {
		return xiangpei.Errorf(xiangpei.Conflict, "entry.reg_dates", "Registration is open from %v to %v.", c.RegOpens, c.RegCloses)
	}
	return nil
}

// RegisterEntry registers the person personID for an event of a competition, alone or as the
// first member of a team. Registration must be open and today within its dates. Every member
// must be in the registry under the name typed, may not be registered for the event already
// (in this or another team), and must pass the event's qualification rules on the contest's
// first day; every failure is returned at once as a xiangpei.Ineligible and nothing is written.
// A person who withdrew may register again: the withdrawn registration comes back.
func (tx *Tx) RegisterEntry(personID, competitionID int64, in EntryInput) (CompEntry, error) {
	c, err := contestByID(tx.ctx, tx.tx, competitionID)
	if err != nil {
		return CompEntry{}, err
	}
	if err := registrationOpen(c, tx.Now); err != nil {
		return CompEntry{}, err
	}
	i := slices.IndexFunc(c.Events, func(e xiangpei.CompEvent) bool { return e.ID == in.EventID })
	if i < 0 {
		return CompEntry{}, xiangpei.Errorf(xiangpei.Invalid, "entry.event", "Choose an event of this competition.")
	}
	ev := c.Events[i]
	me, err := tx.Person(xiangpei.Scope{All: true}, personID)
	if err != nil {
		return CompEntry{}, err
	}
	team := ""
	members := []xiangpei.Person{me}
	var reasons []*xiangpei.Error
	if ev.Mode == xiangpei.EventTeam {
		if team, err = checkTeamName(in.TeamName); err != nil {
			return CompEntry{}, err
		}
		var typed []MemberInput
		for _, m := range in.Members {
			if strings.TrimSpace(m.IDNumber) != "" || strings.TrimSpace(m.Name) != "" {
				typed = append(typed, m)
			}
		}
		if len(typed) != ev.TeamSize-1 {
			return CompEntry{}, xiangpei.Errorf(xiangpei.Invalid, "entry.team_size", "A team of this event has %v members: you and %v others.", ev.TeamSize, ev.TeamSize-1)
		}
		for n, m := range typed {
			p, why := tx.teamMember(n+1, m)
			if why != nil {
				reasons = append(reasons, why)
				continue
			}
			if slices.ContainsFunc(members, func(x xiangpei.Person) bool { return x.ID == p.ID }) {
				reasons = append(reasons, xiangpei.Errorf(xiangpei.Invalid, "entry.member_twice", "%v is named twice in the team.", p.Name))
				continue
			}
			members = append(members, p)
		}
	}
	day, _ := time.ParseInLocation("2006-01-02", c.StartsOn, xiangpei.ChinaTime)
	for _, p := range members {
		var n int
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM entry_members m JOIN competition_entries x ON x.id = m.entry_id
			WHERE x.event_id = $1 AND m.person_id = $2 AND x.status IN ('registered','accepted')`, ev.ID, p.ID).Scan(&n); err != nil {
			return CompEntry{}, err
		}
		if n > 0 {
			reasons = append(reasons, xiangpei.Errorf(xiangpei.Conflict, "entry.duplicate", "%v is already registered for this event.", p.Name))
		}
		held, err := tx.heldLevels(p.ID)
		if err != nil {
			return CompEntry{}, err
		}
		reasons = append(reasons, ev.Qualify(xiangpei.Entrant{Name: p.Name, County: p.County, Birth: p.IDNumber.Birth(), Held: held}, day)...)
	}
	if len(reasons) > 0 {
		return CompEntry{}, xiangpei.Ineligible(reasons)
	}
	now := tx.Now.Truncate(time.Microsecond)
	var oldID int64
	var oldStatus string
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT id, status FROM competition_entries WHERE event_id = $1 AND person_id = $2`,
		ev.ID, personID).Scan(&oldID, &oldStatus)
	switch {
	case err == sql.ErrNoRows:
		oldID = 0
	case err != nil:
		return CompEntry{}, err
	case oldStatus != string(xiangpei.EntryWithdrawn):
		return CompEntry{}, xiangpei.Errorf(xiangpei.Conflict, "entry.decided_before", "Your registration for this event has already been decided; it cannot be made again.")
	}
	id := oldID
	if id == 0 {
		id = xiangpei.NewID()
		if _, err := tx.exec(`INSERT INTO competition_entries (id, competition_id, event_id, person_id, team_name, status,
			created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1)`,
			id, c.ID, ev.ID, personID, team, string(xiangpei.EntryRegistered), now); err != nil {
			return CompEntry{}, mapError(err, "Entry")
		}
	} else {
		if _, err := tx.exec(`UPDATE competition_entries SET team_name = $2, status = $3, reason = '', score = NULL, rank = NULL,
			award = '', updated_at = $4, version = version + 1 WHERE id = $1`, id, team, string(xiangpei.EntryRegistered), now); err != nil {
			return CompEntry{}, err
		}
		if _, err := tx.exec(`DELETE FROM entry_members WHERE entry_id = $1`, id); err != nil {
			return CompEntry{}, err
		}
	}
	for _, p := range members {
		if _, err := tx.exec(`INSERT INTO entry_members (entry_id, person_id) VALUES ($1, $2)`, id, p.ID); err != nil {
			return CompEntry{}, mapError(err, "Member")
		}
	}
	if err := tx.Audit("entry.register", "competition_entry", id, c.Region, map[string]any{"competition": c.ID, "event": ev.ID,
		"person": personID, "members": len(members), "again": oldID != 0}); err != nil {
		return CompEntry{}, err
	}
	return entryByID(tx.ctx, tx.tx, c.ID, id)
}

// teamMember finds a team member typed by ID number and name in the registry; the reason when
// it cannot is returned instead.
func (tx *Tx) teamMember(n int, m MemberInput) (xiangpei.Person, *xiangpei.Error) {
	id, err := xiangpei.ParseIDNumber(strings.ToUpper(strings.TrimSpace(m.IDNumber)), tx.Now)
	if err != nil {
		return xiangpei.Person{}, xiangpei.Errorf(xiangpei.Invalid, "entry.member_id", "The ID number of team member %v is not valid.", n)
	}
	p, err := personWhere(tx.ctx, tx.tx, xiangpei.Scope{All: true}, `p.id_number = $1`, string(id))
	if err != nil {
		return p, errMemberUnknown(n, id)
	}
	if strings.TrimSpace(m.Name) != p.Name {
		// The same answer as an unknown ID number, so the form cannot be used to learn who is
		// registered.
		return p, errMemberUnknown(n, id)
	}
	return p, nil
}

func errMemberUnknown(n int, id xiangpei.IDNumber) *xiangpei.Error {
	return xiangpei.Errorf(xiangpei.Invalid, "entry.member_unknown",
		"Team member %v (%v): nobody is registered with this ID number and this name. Each member registers on the platform first, and the name must be typed as registered.", n, id.Masked())
}

// WithdrawEntry withdraws a registration of the person personID (its registrant) at the given
// version, while registration is still open.
func (tx *Tx) WithdrawEntry(personID, competitionID, id, version int64) (CompEntry, error) {
	e, err := entryByID(tx.ctx, tx.tx, competitionID, id)
	if err != nil || e.PersonID != personID {
		return CompEntry{}, mapError(orNotFound(err), "Entry")
	}
	c, err := contestByID(tx.ctx, tx.tx, competitionID)
	if err != nil {
		return e, err
	}
	if e.Version != version {
		return e, xiangpei.StaleVersion()
	}
	next, err := e.Status.Next(xiangpei.EntryWithdraw)
	if err != nil {
		return e, err
	}
	if err := registrationOpen(c, tx.Now); err != nil {
		return e, xiangpei.Errorf(xiangpei.Conflict, "entry.withdraw_closed", "Registration has closed: ask the organiser if you cannot take part.")
	}
	if err := tx.setEntryStatus(e, next, ""); err != nil {
		return e, err
	}
	if err := tx.Audit("entry.withdraw", "competition_entry", id, c.Region, map[string]any{"competition": c.ID, "from": e.Status}); err != nil {
		return e, err
	}
	return entryByID(tx.ctx, tx.tx, competitionID, id)
}

// orNotFound turns a nil error (a row that exists but is not the caller's) into NotFound.
func orNotFound(err error) error {
	if err == nil {
		return sql.ErrNoRows
	}
	return err
}

func (tx *Tx) setEntryStatus(e CompEntry, to xiangpei.EntryStatus, reason string) error {
	return tx.execVersioned("Entry", `SELECT 1 FROM competition_entries WHERE id = $1`, e.ID,
		`UPDATE competition_entries SET status = $3, reason = $4, updated_at = $5, version = version + 1 WHERE id = $1 AND version = $2`,
		e.ID, e.Version, string(to), reason, tx.Now.Truncate(time.Microsecond))
}

// ReviewEntry accepts or rejects (with a reason) a registration of a competition within the
// organiser's scope, at the version seen, once registration has closed and before the results
// are published.
func (tx *Tx) ReviewEntry(s xiangpei.Scope, competitionID, id, version int64, action xiangpei.EntryAction, reason string) (CompEntry, error) {
	c, err := tx.Competition(s, competitionID)
	if err != nil {
		return CompEntry{}, err
	}
	e, err := entryByID(tx.ctx, tx.tx, competitionID, id)
	if err != nil {
		return e, err
	}
	if action != xiangpei.EntryAccept && action != xiangpei.EntryReject {
		return e, xiangpei.Errorf(xiangpei.Invalid, "entry.unknown_action", "There is no such action on a registration.")
	}
	if c.Status != xiangpei.CompetitionClosed {
		return e, xiangpei.Errorf(xiangpei.Conflict, "entry.review_when_closed", "Registrations are reviewed after registration has closed and before the results are published.")
	}
	if e.Version != version {
		return e, xiangpei.StaleVersion()
	}
	next, err := e.Status.Next(action)
	if err != nil {
		return e, err
	}
	reason = strings.TrimSpace(reason)
	if action == xiangpei.EntryReject {
		if reason, err = xiangpei.CheckReason(reason); err != nil {
			return e, err
		}
	} else {
		reason = ""
	}
	if err := tx.setEntryStatus(e, next, reason); err != nil {
		return e, err
	}
	if action == xiangpei.EntryReject && e.Scored {
		if _, err := tx.exec(`UPDATE competition_entries SET score = NULL WHERE id = $1`, e.ID); err != nil {
			return e, err
		}
	}
	if err := tx.Audit("entry."+string(action), "competition_entry", id, c.Region, map[string]any{"competition": c.ID,
		"from": e.Status, "reason": reason}); err != nil {
		return e, err
	}
	return entryByID(tx.ctx, tx.tx, competitionID, id)
}

// ScoreInput is one score as the organiser types it, for a registration at the version seen;
// an empty score clears it.
type ScoreInput struct {
	EntryID int64
	Version int64
	Score   string
}

// RecordEntryScores records the scores of accepted registrations of one event of a competition
// within scope, while the competition is closed (after registration, before publication).
// Scores are 0–100 with one decimal (xiangpei.ParseScore); a score left as it was is not
// written. It returns how many scores changed. The first bad score refuses them all, naming
// the registration.
func (tx *Tx) RecordEntryScores(s xiangpei.Scope, competitionID, eventID int64, in []ScoreInput) (int, error) {
	c, err := tx.Competition(s, competitionID)
	if err != nil {
		return 0, err
	}
	if !slices.ContainsFunc(c.Events, func(e xiangpei.CompEvent) bool { return e.ID == eventID }) {
		return 0, xiangpei.ErrNotFound("Event")
	}
	if c.Status != xiangpei.CompetitionClosed {
		return 0, xiangpei.Errorf(xiangpei.Conflict, "entry.score_when_closed", "Scores are recorded after registration has closed and before the results are published.")
	}
	changed := 0
	now := tx.Now.Truncate(time.Microsecond)
	for _, x := range in {
		e, err := entryByID(tx.ctx, tx.tx, competitionID, x.EntryID)
		if err != nil || e.EventID != eventID {
			return 0, mapError(orNotFound(err), "Entry")
		}
		var score sql.NullInt64
		if strings.TrimSpace(x.Score) != "" {
			n, err := xiangpei.ParseScore(x.Score)
			if err != nil {
				return 0, xiangpei.Errorf(xiangpei.Invalid, "entry.score_of", "The score of %v is not valid: a score is a number from 0 to 100 with at most one decimal.", strings.Join(e.Names(), "、"))
			}
			score = sql.NullInt64{Int64: int64(n), Valid: true}
		}
		if score.Valid == e.Scored && int(score.Int64) == e.Score {
			continue
		}
		if e.Version != x.Version {
			return 0, xiangpei.StaleVersion()
		}
		if e.Status != xiangpei.EntryAccepted {
			return 0, xiangpei.Errorf(xiangpei.Conflict, "entry.score_not_accepted", "Only accepted registrations are scored: %v is not accepted.", strings.Join(e.Names(), "、"))
		}
		var v any
		if score.Valid {
			v = score.Int64
		}
		if err := tx.execVersioned("Entry", `SELECT 1 FROM competition_entries WHERE id = $1`, e.ID,
			`UPDATE competition_entries SET score = $3, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2`,
			e.ID, e.Version, v, now); err != nil {
			return 0, err
		}
		changed++
	}
	if changed > 0 {
		if err := tx.Audit("entry.scores", "competition_event", eventID, c.Region, map[string]any{"competition": c.ID, "changed": changed}); err != nil {
			return 0, err
		}
	}
	return changed, nil
}

// PublishSummary counts what publishing the results did.
type PublishSummary struct {
	Ranked, Awards, Certificates, Titles, Messages int
}

// publishResults ranks every event of a closed competition and grants the honours: every
// registration must be decided and every accepted one scored. For each event, CompEvent.Rank
// gives ranks and awards; for each member of an awarded entry, HonourFor decides the promotion
// and title from the highest level they hold in the event's occupation. A promotion issues a
// certificate of the organising bureau (Tx.IssueCertificate, the basis recorded on it) and both
// are kept in competition_honours; each entrant is sent an in-app message with their rank and
// award. It runs inside the caller's transaction: all of it happens, or none.
func (tx *Tx) publishResults(c xiangpei.Competition) (PublishSummary, error) {
	var sum PublishSummary
	var undecided, unscored int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(CASE WHEN status = 'registered' THEN 1 END),
		COUNT(CASE WHEN status = 'accepted' AND score IS NULL THEN 1 END) FROM competition_entries WHERE competition_id = $1`,
		c.ID).Scan(&undecided, &unscored); err != nil {
		return sum, err
	}
	if undecided > 0 {
		return sum, xiangpei.Errorf(xiangpei.Conflict, "competition.undecided", "%v registrations are not yet accepted or rejected.", undecided)
	}
	if unscored > 0 {
		return sum, xiangpei.Errorf(xiangpei.Conflict, "competition.unscored", "%v accepted registrations have no score yet.", unscored)
	}
	var regionName string // "" when the region is not in the reference data: the title is then unnamed
	if reg, err := region(tx.ctx, tx.tx, c.Region); err == nil {
		regionName = reg.Name
	} else if !xiangpei.IsKind(err, xiangpei.NotFound) {
		return sum, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	for _, ev := range c.Events {
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+entryCols+entryFrom+` WHERE x.competition_id = $1 AND x.event_id = $2
			AND x.status = 'accepted'`, c.ID, ev.ID)
		if err != nil {
			return sum, err
		}
		entries, err := collect(rows, scanEntry)
		if err != nil {
			return sum, err
		}
		if err := entryMembers(tx.ctx, tx.tx, c.ID, ev.ID, entries); err != nil {
			return sum, err
		}
		byID := make(map[int64]CompEntry, len(entries))
		scored := make([]xiangpei.Scored, 0, len(entries))
		for _, e := range entries {
			byID[e.ID] = e
			scored = append(scored, xiangpei.Scored{EntryID: e.ID, Score: e.Score})
		}
		for _, pl := range ev.Rank(scored) {
			e := byID[pl.EntryID]
			if _, err := tx.exec(`UPDATE competition_entries SET rank = $2, award = $3, updated_at = $4, version = version + 1 WHERE id = $1`,
				e.ID, pl.Rank, string(pl.Award), now); err != nil {
				return sum, err
			}
			sum.Ranked++
			if pl.Award != xiangpei.AwardNone {
				sum.Awards++
			}
			for _, m := range e.Members {
				var h xiangpei.Honour
				if pl.Award != xiangpei.AwardNone {
					held, err := tx.heldLevels(m.PersonID)
					if err != nil {
						return sum, err
					}
					h = xiangpei.HonourFor(c, ev, pl.Award, held[ev.OccupationCode], regionName)
				}
				if h.Level != "" {
					cert, err := tx.IssueCertificate(xiangpei.Certificate{Level: h.Level, PersonID: m.PersonID, County: c.Region,
						OccupationCode: ev.OccupationCode, IssuerName: regionName + "人力资源和社会保障局",
						Source: xiangpei.CertFromCompetition, SourceID: e.ID, Basis: h.Basis})
					if err != nil {
						return sum, err
					}
					if _, err := tx.exec(`INSERT INTO competition_honours (id, entry_id, person_id, kind, level, title, basis,
						certificate_id, granted_at) VALUES ($1, $2, $3, 'promotion', $4, '', $5, $6, $7)`,
						xiangpei.NewID(), e.ID, m.PersonID, h.Level, h.Basis, cert.ID, now); err != nil {
						return sum, mapError(err, "Honour")
					}
					sum.Certificates++
				}
				if h.Title != "" {
					if _, err := tx.exec(`INSERT INTO competition_honours (id, entry_id, person_id, kind, level, title, basis,
						certificate_id, granted_at) VALUES ($1, $2, $3, 'title', '', $4, $5, NULL, $6)`,
						xiangpei.NewID(), e.ID, m.PersonID, h.Title, h.Basis, now); err != nil {
						return sum, mapError(err, "Honour")
					}
					sum.Titles++
				}
				n, err := tx.NotifyPerson(m.PersonID, resultMessage(c, ev, pl, h))
				if err != nil {
					return sum, err
				}
				sum.Messages += n
			}
		}
	}
	return sum, nil
}

// resultMessage is the in-app message an entrant receives when the results are published. The
// message centre keeps messages as sent, in the platform's default language.
func resultMessage(c xiangpei.Competition, ev xiangpei.CompEvent, pl xiangpei.Placed, h xiangpei.Honour) string {
	award := xiangpei.AwardName(pl.Award)
	if award == "" {
		award = "未获奖项"
	}
	text := fmt.Sprintf("%v成绩已公布：您在“%v”中名列第%v名，%v。", c.Name, ev.Name, pl.Rank, award)
	if h.Level != "" {
		text += fmt.Sprintf("按规定晋升为%v级，证书已核发。", h.Level)
	}
	if h.Title != "" {
		text += fmt.Sprintf("授予“%v”称号。", h.Title)
	}
	return text
}

// HonourGranted is an honour a person received with a competition award: a promotion with its
// certificate, or a title.
type HonourGranted struct {
	Kind              string // "promotion" or "title"
	Level             string
	Title             string
	Basis             string
	CertificateID     int64
	CertificateNumber string
	GrantedAt         time.Time
}

// PersonEntry is a person's registration for a competition as the lifelong record shows it.
type PersonEntry struct {
	EntryID           int64
	CompetitionID     int64
	Competition       string
	CompetitionLevel  xiangpei.CompetitionLevel
	CompetitionStatus xiangpei.CompetitionStatus
	Year              int
	StartsOn          string
	EventID           int64
	Event             string
	OccupationCode    string
	OccupationName    string
	TeamName          string
	Registrant        bool // the person registered it (and may withdraw it)
	Status            xiangpei.EntryStatus
	Reason            string
	Score             int // after publication
	Scored            bool
	Rank              int
	Award             xiangpei.Award
	Honours           []HonourGranted
	Version           int64
}

// ScoreText is the score as shown, "" before the results are published.
func (e PersonEntry) ScoreText() string {
	if !e.Scored {
		return ""
	}
	return xiangpei.FormatScore(e.Score)
}

// EntriesOf lists a person's competition registrations (as registrant or team member) within
// scope, latest contest first, with the honours granted to them. Scores appear once the results
// are published. A person sees their own; officers those of their region (the competition's or
// the person's); organisations none.
func (db *DB) EntriesOf(ctx context.Context, s xiangpei.Scope, personID int64) ([]PersonEntry, error) {
	a := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT x.id, c.id, c.name, c.level, c.status, c.year, c.starts_on, e.id, e.name,
		e.occupation_code, COALESCE(o.name, ''), x.team_name, x.person_id = m.person_id, x.status, x.reason, x.score,
		COALESCE(x.rank, 0), x.award, x.version
		FROM entry_members m JOIN competition_entries x ON x.id = m.entry_id JOIN competitions c ON c.id = x.competition_id
		JOIN competition_events e ON e.id = x.event_id LEFT JOIN occupations o ON o.code = e.occupation_code
		JOIN persons p ON p.id = m.person_id
		WHERE m.person_id = $5 AND ($1 OR c.region LIKE $2 OR p.county LIKE $2) AND CAST($3 AS BIGINT) = 0
		AND (CAST($4 AS BIGINT) = 0 OR m.person_id = $4)
		ORDER BY c.starts_on DESC, x.id DESC`, a.all, a.region, a.org, a.person, personID)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(r scanner) (PersonEntry, error) {
		var e PersonEntry
		var level, cstatus, status, award string
		var score sql.NullInt64
		err := r.Scan(&e.EntryID, &e.CompetitionID, &e.Competition, &level, &cstatus, &e.Year, &e.StartsOn, &e.EventID, &e.Event,
			&e.OccupationCode, &e.OccupationName, &e.TeamName, &e.Registrant, &status, &e.Reason, &score, &e.Rank, &award, &e.Version)
		e.CompetitionLevel, e.CompetitionStatus = xiangpei.CompetitionLevel(level), xiangpei.CompetitionStatus(cstatus)
		e.Status, e.Award = xiangpei.EntryStatus(status), xiangpei.Award(award)
		if e.CompetitionStatus == xiangpei.CompetitionPublished {
			e.Score, e.Scored = int(score.Int64), score.Valid
		} else {
			e.Rank, e.Award = 0, xiangpei.AwardNone
		}
		return e, err
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	hrows, err := db.read.QueryContext(ctx, `SELECT h.entry_id, h.kind, h.level, h.title, h.basis, COALESCE(h.certificate_id, 0),
		COALESCE(ct.number, ''), h.granted_at FROM competition_honours h LEFT JOIN certificates ct ON ct.id = h.certificate_id
		WHERE h.person_id = $1 ORDER BY h.granted_at, h.kind`, personID)
	if err != nil {
		return nil, err
	}
	type honour struct {
		entry int64
		h     HonourGranted
	}
	hs, err := collect(hrows, func(r scanner) (honour, error) {
		var x honour
		err := r.Scan(&x.entry, &x.h.Kind, &x.h.Level, &x.h.Title, &x.h.Basis, &x.h.CertificateID, &x.h.CertificateNumber, &x.h.GrantedAt)
		x.h.GrantedAt = x.h.GrantedAt.UTC()
		return x, err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		for _, x := range hs {
			if x.entry == out[i].EntryID {
				out[i].Honours = append(out[i].Honours, x.h)
			}
		}
	}
	return out, nil
}

// EntryHonours lists the honours granted with the registrations of a competition within the
// organiser's scope, by entry, for the organiser's results page.
func (db *DB) EntryHonours(ctx context.Context, s xiangpei.Scope, competitionID int64) (map[int64][]HonourGranted, error) {
	if err := db.competitionVisible(ctx, s, competitionID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT h.entry_id, h.kind, h.level, h.title, h.basis, COALESCE(h.certificate_id, 0),
		COALESCE(ct.number, ''), h.granted_at FROM competition_honours h JOIN competition_entries x ON x.id = h.entry_id
		LEFT JOIN certificates ct ON ct.id = h.certificate_id WHERE x.competition_id = $1 ORDER BY h.entry_id, h.person_id, h.kind`, competitionID)
	if err != nil {
		return nil, err
	}
	out := map[int64][]HonourGranted{}
	defer rows.Close()
	for rows.Next() {
		var entry int64
		var h HonourGranted
		if err := rows.Scan(&entry, &h.Kind, &h.Level, &h.Title, &h.Basis, &h.CertificateID, &h.CertificateNumber, &h.GrantedAt); err != nil {
			return nil, err
		}
		h.GrantedAt = h.GrantedAt.UTC()
		out[entry] = append(out[entry], h)
	}
	return out, rows.Err()
}
