package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 赛 — skills competitions (SPEC §6): the organiser's competitions with their events, and the
// moves between their states. Registrations, review, scores and the publication of results
// with the honours they grant live in competition_entry.go.

// compCols are the columns scanCompetition reads, in its order.
const compCols = `c.id, c.region, c.name, c.level, c.year, c.rules, c.reg_opens, c.reg_closes, c.starts_on, c.ends_on,
	c.status, c.created_at, c.updated_at, c.version`

// compScope restricts competitions c to the organisers that may manage them: officers whose
// region holds the competition's region (a county officer does not manage the city's), all for
// administrators, nobody by organisation or person. Parameters $1–$4 are scopeArgs.
const compScope = ` ($1 OR c.region LIKE $2) AND CAST($3 AS BIGINT) = 0 AND CAST($4 AS BIGINT) = 0`

func scanCompetition(r scanner) (xiangpei.Competition, error) {
	var c xiangpei.Competition
	var level, status string
	err := r.Scan(&c.ID, &c.Region, &c.Name, &level, &c.Year, &c.Rules, &c.RegOpens, &c.RegCloses, &c.StartsOn, &c.EndsOn,
		&status, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	c.Level, c.Status = xiangpei.CompetitionLevel(level), xiangpei.CompetitionStatus(status)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

const eventCols = `e.id, e.competition_id, e.seq, e.occupation_code, COALESCE(o.name, ''), e.name, e.mode, e.team_size,
	e.min_level, e.region, e.min_age, e.max_age, e.first_prizes, e.second_prizes, e.third_prizes, e.merit_prizes`

const eventFrom = ` FROM competition_events e LEFT JOIN occupations o ON o.code = e.occupation_code`

func scanEvent(r scanner) (xiangpei.CompEvent, error) {
	var e xiangpei.CompEvent
	var mode string
	err := r.Scan(&e.ID, &e.CompetitionID, &e.Seq, &e.OccupationCode, &e.OccupationName, &e.Name, &mode, &e.TeamSize,
		&e.MinLevel, &e.Region, &e.MinAge, &e.MaxAge, &e.First, &e.Second, &e.Third, &e.Merit)
	e.Mode = xiangpei.EventMode(mode)
	return e, err
}

func compEvents(ctx context.Context, q querier, competitionID int64) ([]xiangpei.CompEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+eventCols+eventFrom+` WHERE e.competition_id = $1 ORDER BY e.seq`, competitionID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEvent)
}

// withEvents reads a competition's events into it.
func withEvents(ctx context.Context, q querier, c xiangpei.Competition, err error) (xiangpei.Competition, error) {
	if err != nil {
		return xiangpei.Competition{}, mapError(err, "Competition")
	}
	if c.Events, err = compEvents(ctx, q, c.ID); err != nil {
		return xiangpei.Competition{}, err
	}
	return c, nil
}

func competitionByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.Competition, error) {
	a := scopeOf(s)
	c, err := scanCompetition(q.QueryRowContext(ctx, `SELECT `+compCols+` FROM competitions c WHERE c.id = $5 AND`+compScope,
		a.all, a.region, a.org, a.person, id))
	return withEvents(ctx, q, c, err)
}

// Competition reads a competition with its events for its organisers; outside their region it
// is NotFound.
func (db *DB) Competition(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.Competition, error) {
	return competitionByID(ctx, db.read, s, id)
}

// Competition reads a competition within scope inside the transaction.
func (tx *Tx) Competition(s xiangpei.Scope, id int64) (xiangpei.Competition, error) {
	return competitionByID(tx.ctx, tx.tx, s, id)
}

// CompetitionFilter narrows a list of competitions.
type CompetitionFilter struct {
	Status xiangpei.CompetitionStatus // "" any
	Year   int                        // 0 any
	Q      string                     // part of the name
}

func (f CompetitionFilter) args() (string, []any) {
	q := strings.TrimSpace(f.Q)
	return `($5 = '' OR c.status = $5) AND (CAST($6 AS INTEGER) = 0 OR c.year = $6)
		AND ($7 = '' OR lower(c.name) LIKE lower($8) ESCAPE '\')`, []any{string(f.Status), f.Year, q, "%" + regEscapeLike(q) + "%"}
}

// Competitions lists the competitions an organiser manages that pass the filter, the latest
// contest first, with the total. Events are not read.
func (db *DB) Competitions(ctx context.Context, s xiangpei.Scope, f CompetitionFilter, page Page) ([]xiangpei.Competition, int, error) {
	a := scopeOf(s)
	cond, fa := f.args()
	where := ` FROM competitions c WHERE ` + cond + ` AND` + compScope
	args := append([]any{a.all, a.region, a.org, a.person}, fa...)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+compCols+where+` ORDER BY c.starts_on DESC, c.id DESC LIMIT $9 OFFSET $10`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanCompetition)
	return out, total, err
}

// publicStates are the states in which the portal shows a competition: a draft is the
// organiser's alone.
const publicStates = `('open','closed','published','cancelled')`

// Contest reads a competition as the portal shows it to everybody: any competition past its
// draft, with its events. A draft is NotFound.
func (db *DB) Contest(ctx context.Context, id int64) (xiangpei.Competition, error) {
	return contestByID(ctx, db.read, id)
}

func contestByID(ctx context.Context, q querier, id int64) (xiangpei.Competition, error) {
	c, err := scanCompetition(q.QueryRowContext(ctx, `SELECT `+compCols+` FROM competitions c WHERE c.id = $1 AND c.status IN `+publicStates, id))
	return withEvents(ctx, q, c, err)
}

// Contests lists the competitions of the portal: open, closed and published ones (a status
// filter may ask for cancelled ones too), open first and then the latest, with the total.
func (db *DB) Contests(ctx context.Context, f CompetitionFilter, page Page) ([]xiangpei.Competition, int, error) {
	q := strings.TrimSpace(f.Q)
	where := ` FROM competitions c WHERE c.status IN ` + publicStates + ` AND ($1 <> '' OR c.status <> 'cancelled')
		AND ($1 = '' OR c.status = $1) AND (CAST($2 AS INTEGER) = 0 OR c.year = $2)
		AND ($3 = '' OR lower(c.name) LIKE lower($4) ESCAPE '\')`
	args := []any{string(f.Status), f.Year, q, "%" + regEscapeLike(q) + "%"}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+compCols+where+`
		ORDER BY CASE c.status WHEN 'open' THEN 0 ELSE 1 END, c.starts_on DESC, c.id DESC LIMIT $5 OFFSET $6`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanCompetition)
	return out, total, err
}

// checkCompetition validates an organiser's input against the reference data: the level
// allowed to the organiser's region, known occupations that are in use, known event regions.
func (tx *Tx) checkCompetition(region string, in xiangpei.CompetitionInput) (xiangpei.CompetitionInput, error) {
	in, err := in.Validate()
	if err != nil {
		return in, err
	}
	if !in.Level.HeldBy(region) {
		return in, xiangpei.Errorf(xiangpei.Invalid, "competition.level_region", "A bureau of a county or a city holds city competitions; province and national competitions are held by the province.")
	}
	for _, e := range in.Events {
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "event.occupation_unknown", "There is no occupation %v in use: choose an occupation of the catalogue for the event %v.", e.OccupationCode, e.Name),
			`SELECT 1 FROM occupations WHERE code = $1 AND NOT deprecated`, e.OccupationCode); err != nil {
			return in, err
		}
		if e.Region != "" {
			if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "event.region_unknown", "There is no region %v: give the region of the event %v as a code of the list.", e.Region, e.Name),
				`SELECT 1 FROM regions WHERE code = $1`, e.Region); err != nil {
				return in, err
			}
		}
	}
	return in, nil
}

// writeCompEvents replaces the events of a competition (only while it is a draft, so no entry
// refers to them).
func (tx *Tx) writeCompEvents(id int64, events []xiangpei.CompEvent) error {
	if _, err := tx.exec(`DELETE FROM competition_events WHERE competition_id = $1`, id); err != nil {
		return err
	}
	for _, e := range events {
		if _, err := tx.exec(`INSERT INTO competition_events (id, competition_id, seq, occupation_code, name, mode, team_size,
			min_level, region, min_age, max_age, first_prizes, second_prizes, third_prizes, merit_prizes)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			xiangpei.NewID(), id, e.Seq, e.OccupationCode, e.Name, string(e.Mode), e.TeamSize, e.MinLevel, e.Region,
			e.MinAge, e.MaxAge, e.First, e.Second, e.Third, e.Merit); err != nil {
			return mapError(err, "Event")
		}
	}
	return nil
}

// CreateCompetition writes a new competition of the bureau of region (the organiser's
// six-digit region code) as a draft.
func (tx *Tx) CreateCompetition(region string, in xiangpei.CompetitionInput) (xiangpei.Competition, error) {
	if !xiangpei.IsRegionCode(region) {
		return xiangpei.Competition{}, xiangpei.Errorf(xiangpei.Forbidden, "competition.organiser", "Only an officer of a bureau organises competitions.")
	}
	in, err := tx.checkCompetition(region, in)
	if err != nil {
		return xiangpei.Competition{}, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	id := xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO competitions (id, region, name, level, year, rules, reg_opens, reg_closes, starts_on,
		ends_on, status, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1)`,
		id, region, in.Name, string(in.Level), in.Year, in.Rules, in.RegOpens, in.RegCloses, in.StartsOn, in.EndsOn,
		string(xiangpei.CompetitionDraft), now); err != nil {
		return xiangpei.Competition{}, mapError(err, "Competition")
	}
	if err := tx.writeCompEvents(id, in.Events); err != nil {
		return xiangpei.Competition{}, err
	}
	if err := tx.Audit("competition.create", "competition", id, region, map[string]any{"name": in.Name, "level": in.Level,
		"year": in.Year, "events": len(in.Events)}); err != nil {
		return xiangpei.Competition{}, err
	}
	return tx.Competition(xiangpei.Scope{All: true}, id)
}

// CompetitionInputOf turns a competition back into the input its form starts from.
func CompetitionInputOf(c xiangpei.Competition) xiangpei.CompetitionInput {
	return xiangpei.CompetitionInput{Name: c.Name, Level: c.Level, Year: c.Year, Rules: c.Rules, RegOpens: c.RegOpens,
		RegCloses: c.RegCloses, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Events: append([]xiangpei.CompEvent(nil), c.Events...)}
}

// UpdateCompetition changes a draft competition within scope at the version the organiser saw;
// its events are replaced by the input's.
func (tx *Tx) UpdateCompetition(s xiangpei.Scope, id, version int64, in xiangpei.CompetitionInput) (xiangpei.Competition, error) {
	c, err := tx.Competition(s, id)
	if err != nil {
		return c, err
	}
	if c.Version != version {
		return c, xiangpei.StaleVersion()
	}
	if c.Status != xiangpei.CompetitionDraft {
		return c, xiangpei.Errorf(xiangpei.Conflict, "competition.not_draft", "Only a draft competition is edited: once registration has opened its rules stay as published.")
	}
	if in, err = tx.checkCompetition(c.Region, in); err != nil {
		return c, err
	}
	if err := tx.execVersioned("Competition", `SELECT 1 FROM competitions WHERE id = $1`, id,
		`UPDATE competitions SET name = $3, level = $4, year = $5, rules = $6, reg_opens = $7, reg_closes = $8, starts_on = $9,
		ends_on = $10, updated_at = $11, version = version + 1 WHERE id = $1 AND version = $2`,
		id, version, in.Name, string(in.Level), in.Year, in.Rules, in.RegOpens, in.RegCloses, in.StartsOn, in.EndsOn,
		tx.Now.Truncate(time.Microsecond)); err != nil {
		return c, err
	}
	if err := tx.writeCompEvents(id, in.Events); err != nil {
		return c, err
	}
	if err := tx.Audit("competition.update", "competition", id, c.Region, map[string]any{"name": in.Name, "events": len(in.Events)}); err != nil {
		return c, err
	}
	return tx.Competition(s, id)
}

// MoveCompetition applies an action to a competition within scope at the given version:
// opening registration (not after its closing day), closing it, publishing the results (see
// publishResults) or cancelling.
func (tx *Tx) MoveCompetition(s xiangpei.Scope, id, version int64, action xiangpei.CompetitionAction) (xiangpei.Competition, error) {
	c, err := tx.Competition(s, id)
	if err != nil {
		return c, err
	}
	if c.Version != version {
		return c, xiangpei.StaleVersion()
	}
	next, err := c.Status.Next(action)
	if err != nil {
		return c, err
	}
	detail := map[string]any{"from": c.Status, "to": next}
	switch action {
	case xiangpei.CompetitionOpenReg:
		if xiangpei.ChinaDate(tx.Now) > c.RegCloses {
			return c, xiangpei.Errorf(xiangpei.Invalid, "competition.reg_over", "Registration was to close on %v, which has passed: edit the dates first.", c.RegCloses)
		}
	case xiangpei.CompetitionPublish:
		sum, err := tx.publishResults(c)
		if err != nil {
			return c, err
		}
		detail["ranked"], detail["awards"], detail["certificates"], detail["titles"] = sum.Ranked, sum.Awards, sum.Certificates, sum.Titles
	}
	if err := tx.execVersioned("Competition", `SELECT 1 FROM competitions WHERE id = $1`, id,
		`UPDATE competitions SET status = $3, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2`,
		id, version, string(next), tx.Now.Truncate(time.Microsecond)); err != nil {
		return c, err
	}
	if err := tx.Audit("competition."+string(action), "competition", id, c.Region, detail); err != nil {
		return c, err
	}
	return tx.Competition(s, id)
}

// checkTeamName checks a team's name: 2 to 50 characters.
func checkTeamName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 2 || n > 50 {
		return name, xiangpei.Errorf(xiangpei.Invalid, "entry.team_name", "Give the team a name of 2 to 50 characters.")
	}
	return name, nil
}
