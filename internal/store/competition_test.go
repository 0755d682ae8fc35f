package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// The competition world: the Training clock (Monday 2 November 2026), a city competition of
// 株洲市 with an individual event (养老护理员, level 4 or higher required, living in 株洲市, aged
// 18 to 60) and a team event of two (焊工, no rule), registration from 1 to 20 November, the
// contest on 1–2 December.

var compAll = xiangpei.Scope{All: true}

func compPerson(t *testing.T, db *store.DB, id17, name, county string) xiangpei.Person {
	t.Helper()
	p, err := store.Do(context.Background(), db, xiangpei.Actor{Name: "test"}, func(tx *store.Tx) (xiangpei.Person, error) {
		p, err := xiangpei.PersonInput{IDNumber: id17 + string(xiangpei.IDCheckDigit(id17)), Name: name, Phone: "13907330000",
			Household: "urban", County: county}.Validate(tx.Now, func(string) bool { return true })
		if err != nil {
			return p, err
		}
		return tx.CreatePerson(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// compCert gives a person a valid skill certificate at level in 养老护理员.
func compCert(t *testing.T, db *store.DB, p xiangpei.Person, level string, source int64) xiangpei.Certificate {
	t.Helper()
	c, err := store.Do(context.Background(), db, xiangpei.Actor{Name: "test"}, func(tx *store.Tx) (xiangpei.Certificate, error) {
		return tx.IssueCertificate(xiangpei.Certificate{Level: level, PersonID: p.ID, County: "430211", OccupationCode: "4-10-01-05",
			IssuerName: "株洲市职业技能等级认定中心", Source: xiangpei.CertFromAssessment, SourceID: source})
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func compInput() xiangpei.CompetitionInput {
	return xiangpei.CompetitionInput{Name: "2026年株洲市养老护理职业技能竞赛", Level: xiangpei.CompetitionCity, Year: 2026,
		Rules: "理论30%，实操70%。", RegOpens: "2026-11-01", RegCloses: "2026-11-20", StartsOn: "2026-12-01", EndsOn: "2026-12-02",
		Events: []xiangpei.CompEvent{
			{OccupationCode: "4-10-01-05", Name: "养老护理员个人赛", Mode: xiangpei.EventIndividual, MinLevel: "4", Region: "430200",
				MinAge: 18, MaxAge: 60, First: 1, Second: 1, Third: 1, Merit: 1},
			{OccupationCode: "6-18-02-04", Name: "焊工团体赛", Mode: xiangpei.EventTeam, TeamSize: 2, First: 1},
		}}
}

func organiser(region string) xiangpei.Actor {
	return xiangpei.Actor{Name: "组织者", Role: xiangpei.RoleOfficer, Region: region, Duties: xiangpei.Duties{xiangpei.DutyPublish}}
}

func compCreate(t *testing.T, db *store.DB, region string, in xiangpei.CompetitionInput) xiangpei.Competition {
	t.Helper()
	c, err := store.Do(context.Background(), db, organiser(region), func(tx *store.Tx) (xiangpei.Competition, error) {
		return tx.CreateCompetition(region, in)
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func compMove(db *store.DB, c xiangpei.Competition, a xiangpei.CompetitionAction) (xiangpei.Competition, error) {
	return store.Do(context.Background(), db, organiser(c.Region), func(tx *store.Tx) (xiangpei.Competition, error) {
		return tx.MoveCompetition(organiser(c.Region).Scope(), c.ID, c.Version, a)
	})
}

func mustMove(t *testing.T, db *store.DB, c xiangpei.Competition, as ...xiangpei.CompetitionAction) xiangpei.Competition {
	t.Helper()
	for _, a := range as {
		var err error
		if c, err = compMove(db, c, a); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	return c
}

func register(db *store.DB, p xiangpei.Person, c xiangpei.Competition, in store.EntryInput) (store.CompEntry, error) {
	return store.Do(context.Background(), db, xiangpei.Actor{Name: p.Name, Role: xiangpei.RolePerson, PersonID: p.ID},
		func(tx *store.Tx) (store.CompEntry, error) { return tx.RegisterEntry(p.ID, c.ID, in) })
}

func entryCount(t *testing.T, db *store.DB, c xiangpei.Competition) int {
	t.Helper()
	_, n, err := db.CompetitionEntries(context.Background(), compAll, c.ID, store.EntryFilter{}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCompetitionCreateEditAndScope: a competition is created as a draft with its events and
// the organiser's region; the level must suit the organiser's region; unknown occupations are
// refused; edits are for drafts at the current version; another county's officers and the
// county below a city competition do not see it for management.
func TestCompetitionCreateEditAndScope(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			storetest.NewTraining(t, db)
			ctx := context.Background()
			c := compCreate(t, db, "430200", compInput())
			if c.Status != xiangpei.CompetitionDraft || c.Region != "430200" || len(c.Events) != 2 || c.Version != 1 {
				t.Fatalf("created: %+v", c)
			}
			if e := c.Events[0]; e.OccupationName == "" || e.TeamSize != 1 || e.MinLevel != "4" || e.Seq != 1 || e.First != 1 {
				t.Errorf("event 1: %+v", e)
			}
			if e := c.Events[1]; e.Mode != xiangpei.EventTeam || e.TeamSize != 2 || e.Seq != 2 {
				t.Errorf("event 2: %+v", e)
			}
			refusals := []struct {
				region string
				edit   func(*xiangpei.CompetitionInput)
				key    string
			}{
				{"430211", func(in *xiangpei.CompetitionInput) { in.Level = xiangpei.CompetitionProvince }, "competition.level_region"},
				{"430000", func(in *xiangpei.CompetitionInput) {}, "competition.level_region"},
				{"430200", func(in *xiangpei.CompetitionInput) { in.Events[0].OccupationCode = "9-99-99-99" }, "event.occupation_unknown"},
				{"430200", func(in *xiangpei.CompetitionInput) { in.Events[0].Region = "439999" }, "event.region_unknown"},
				{"430200", func(in *xiangpei.CompetitionInput) { in.RegCloses = "2026-10-01" }, "competition.date_order"},
				{"430200", func(in *xiangpei.CompetitionInput) { in.Events = nil }, "competition.events"},
			}
			for _, r := range refusals {
				in := compInput()
				in.Events = append([]xiangpei.CompEvent(nil), in.Events...)
				r.edit(&in)
				_, err := store.Do(ctx, db, organiser(r.region), func(tx *store.Tx) (xiangpei.Competition, error) {
					return tx.CreateCompetition(r.region, in)
				})
				if errKey(err) != r.key {
					t.Errorf("%s: got %v, want %s", r.key, err, r.key)
				}
			}
			prov := compInput()
			prov.Level = xiangpei.CompetitionNational
			if p := compCreate(t, db, "430000", prov); p.Level != xiangpei.CompetitionNational {
				t.Errorf("province organises a national round: %+v", p)
			}

			// Scope: the city and the province see the city's competition; a county does not.
			for region, want := range map[string]bool{"4302": true, "43": true, "430211": false, "4301": false} {
				_, err := db.Competition(ctx, xiangpei.Scope{Region: region}, c.ID)
				if got := err == nil; got != want || (!want && !xiangpei.IsKind(err, xiangpei.NotFound)) {
					t.Errorf("scope %s: %v", region, err)
				}
			}
			for _, s := range []xiangpei.Scope{{PersonID: 1}, {OrgID: 1}} {
				if _, err := db.Competition(ctx, s, c.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("scope %+v reads a competition for management: %v", s, err)
				}
			}
			county := compCreate(t, db, "430211", compInput())
			list, total, err := db.Competitions(ctx, xiangpei.Scope{Region: "430211"}, store.CompetitionFilter{}, store.Page{})
			if err != nil || total != 1 || list[0].ID != county.ID {
				t.Errorf("the county's list: %d %+v %v", total, list, err)
			}
			if _, total, _ := db.Competitions(ctx, xiangpei.Scope{Region: "4302"}, store.CompetitionFilter{Q: "养老"}, store.Page{}); total != 2 {
				t.Errorf("the city's list has %d", total)
			}
			// Management by a foreign county is NotFound for every change.
			_, err = store.Do(ctx, db, organiser("430202"), func(tx *store.Tx) (xiangpei.Competition, error) {
				return tx.MoveCompetition(xiangpei.Scope{Region: "430202"}, county.ID, county.Version, xiangpei.CompetitionOpenReg)
			})
			if !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("a foreign county opened the competition: %v", err)
			}

			// Edit a draft; a stale version and an open competition are refused.
			in := compInput()
			in.Name = "2026年株洲市养老护理技能大赛"
			in.Events = in.Events[:1]
			s := organiser("430200").Scope()
			c2, err := store.Do(ctx, db, organiser("430200"), func(tx *store.Tx) (xiangpei.Competition, error) {
				return tx.UpdateCompetition(s, c.ID, c.Version, in)
			})
			if err != nil || c2.Name != in.Name || len(c2.Events) != 1 || c2.Version != 2 {
				t.Fatalf("edit: %+v %v", c2, err)
			}
			_, err = store.Do(ctx, db, organiser("430200"), func(tx *store.Tx) (xiangpei.Competition, error) {
				return tx.UpdateCompetition(s, c.ID, c.Version, in)
			})
			if errKey(err) != "version.stale" {
				t.Errorf("stale edit: %v", err)
			}
			c2 = mustMove(t, db, c2, xiangpei.CompetitionOpenReg)
			_, err = store.Do(ctx, db, organiser("430200"), func(tx *store.Tx) (xiangpei.Competition, error) {
				return tx.UpdateCompetition(s, c2.ID, c2.Version, in)
			})
			if errKey(err) != "competition.not_draft" {
				t.Errorf("edit of an open competition: %v", err)
			}
			// State machine refusals: publishing an open competition, opening twice.
			if _, err := compMove(db, c2, xiangpei.CompetitionPublish); errKey(err) != "competition.wrong_state" {
				t.Errorf("publish while open: %v", err)
			}
			if _, err := compMove(db, c2, xiangpei.CompetitionOpenReg); errKey(err) != "competition.wrong_state" {
				t.Errorf("open twice: %v", err)
			}
			if c3 := mustMove(t, db, c2, xiangpei.CompetitionCancel); c3.Status != xiangpei.CompetitionCancelled {
				t.Errorf("cancel: %+v", c3)
			}
			// Opening after the registration's closing day is refused.
			late := compInput()
			late.RegOpens, late.RegCloses = "2026-10-01", "2026-10-31"
			lc := compCreate(t, db, "430200", late)
			if _, err := compMove(db, lc, xiangpei.CompetitionOpenReg); errKey(err) != "competition.reg_over" {
				t.Errorf("open after the closing day: %v", err)
			}
			// The portal shows open, closed and published competitions only.
			if _, err := db.Contest(ctx, lc.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("a draft is on the portal: %v", err)
			}
			if _, total, err := db.Contests(ctx, store.CompetitionFilter{}, store.Page{}); err != nil || total != 0 {
				t.Errorf("portal list: %d %v", total, err)
			}
			if _, total, _ := db.Contests(ctx, store.CompetitionFilter{Status: xiangpei.CompetitionCancelled}, store.Page{}); total != 1 {
				t.Errorf("cancelled on request: %d", total)
			}
		})
	}
}

// TestCompetitionRegistration: registration only while open and within its dates; every
// qualification failure of every member listed with nothing written; one entry per person per
// event, in any team; team members found by ID number and name; withdrawal before the close
// and registering again.
func TestCompetitionRegistration(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			qualified := compPerson(t, db, "43021119900101123", "李娟", "430211")
			compCert(t, db, qualified, "4", 1)
			young := compPerson(t, db, "43021120100101123", "小王", "430211")   // 16 on 1 December 2026
			outside := compPerson(t, db, "43010219800101123", "赵六", "430102") // 长沙, no certificate
			c := compCreate(t, db, "430200", compInput())
			ind, team := c.Events[0].ID, c.Events[1].ID

			if _, err := register(db, qualified, c, store.EntryInput{EventID: ind}); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("registration for a draft: %v", err)
			}
			c = mustMove(t, db, c, xiangpei.CompetitionOpenReg)
			w.Clock.Set(time.Date(2026, 10, 31, 12, 0, 0, 0, xiangpei.ChinaTime))
			if _, err := register(db, qualified, c, store.EntryInput{EventID: ind}); errKey(err) != "entry.reg_dates" {
				t.Errorf("before the registration opens: %v", err)
			}
			w.Clock.Set(storetest.TrainingStart)

			_, err := register(db, outside, c, store.EntryInput{EventID: ind})
			if keys := strings.Join(reasonKeys(err), ","); keys != "entry.level,entry.region" {
				t.Errorf("outside, no certificate: %v", keys)
			}
			_, err = register(db, young, c, store.EntryInput{EventID: ind})
			if keys := strings.Join(reasonKeys(err), ","); keys != "entry.level,entry.age" {
				t.Errorf("young: %v", keys)
			}
			if _, err := register(db, qualified, c, store.EntryInput{EventID: 1}); errKey(err) != "entry.event" {
				t.Errorf("an event of another competition: %v", err)
			}
			if n := entryCount(t, db, c); n != 0 {
				t.Fatalf("refusals wrote %d entries", n)
			}
			e, err := register(db, qualified, c, store.EntryInput{EventID: ind})
			if err != nil || e.Status != xiangpei.EntryRegistered || len(e.Members) != 1 || e.Members[0].PersonID != qualified.ID {
				t.Fatalf("register: %+v %v", e, err)
			}
			if _, err := register(db, qualified, c, store.EntryInput{EventID: ind}); strings.Join(reasonKeys(err), ",") != "entry.duplicate" {
				t.Errorf("twice: %v", err)
			}

			// Teams: the registrant and one more member, found by ID number and name.
			mate := compPerson(t, db, "43021119850505123", "周强", "430202")
			third := compPerson(t, db, "43021119860606123", "吴刚", "430211")
			id := func(p xiangpei.Person) string { return string(p.IDNumber) }
			teamCases := []struct {
				in   store.EntryInput
				keys string
			}{
				{store.EntryInput{EventID: team, TeamName: "x", Members: []store.MemberInput{{id(mate), "周强"}}}, "entry.team_name"},
				{store.EntryInput{EventID: team, TeamName: "焊花队"}, "entry.team_size"},
				{store.EntryInput{EventID: team, TeamName: "焊花队", Members: []store.MemberInput{{id(mate), "周强"}, {id(third), "吴刚"}}}, "entry.team_size"},
				{store.EntryInput{EventID: team, TeamName: "焊花队", Members: []store.MemberInput{{id(mate), "周刚"}}}, "entry.member_unknown"},
				{store.EntryInput{EventID: team, TeamName: "焊花队", Members: []store.MemberInput{{"43021119991231999X", "某某"}}}, "entry.member_id"},
				{store.EntryInput{EventID: team, TeamName: "焊花队", Members: []store.MemberInput{{validID17("43021119700101000"), "某某"}}}, "entry.member_unknown"},
				{store.EntryInput{EventID: team, TeamName: "焊花队", Members: []store.MemberInput{{id(qualified), "李娟"}}}, "entry.member_twice"},
			}
			for _, tc := range teamCases {
				_, err := register(db, qualified, c, tc.in)
				keys := strings.Join(reasonKeys(err), ",")
				if keys != tc.keys {
					t.Errorf("team %+v: got %s (%v), want %s", tc.in, keys, err, tc.keys)
				}
			}
			if n := entryCount(t, db, c); n != 1 {
				t.Fatalf("team refusals wrote entries: %d", n)
			}
			te, err := register(db, qualified, c, store.EntryInput{EventID: team, TeamName: " 焊花队 ", Members: []store.MemberInput{{id(mate), "周强"}}})
			if err != nil || te.TeamName != "焊花队" || len(te.Members) != 2 || te.Members[0].PersonID != qualified.ID {
				t.Fatalf("team: %+v %v", te, err)
			}
			// 周强 is in 焊花队: a second team naming him is refused.
			_, err = register(db, third, c, store.EntryInput{EventID: team, TeamName: "铁花队", Members: []store.MemberInput{{id(mate), "周强"}}})
			if keys := strings.Join(reasonKeys(err), ","); keys != "entry.duplicate" {
				t.Errorf("a member in two teams: %s %v", keys, err)
			}

			// The person's own view, and withdrawing.
			mine, err := db.EntriesOf(ctx, xiangpei.Scope{PersonID: mate.ID}, mate.ID)
			if err != nil || len(mine) != 1 || mine[0].Registrant || mine[0].TeamName != "焊花队" {
				t.Errorf("the member's entries: %+v %v", mine, err)
			}
			if other, err := db.EntriesOf(ctx, xiangpei.Scope{PersonID: mate.ID}, qualified.ID); err != nil || len(other) != 0 {
				t.Errorf("someone else's entries: %+v %v", other, err)
			}
			if foreign, _ := db.EntriesOf(ctx, xiangpei.Scope{Region: "4301"}, qualified.ID); len(foreign) != 0 {
				t.Errorf("another city's officer sees the entries: %+v", foreign)
			}
			withdraw := func(p xiangpei.Person, e store.CompEntry) (store.CompEntry, error) {
				return store.Do(ctx, db, xiangpei.Actor{Name: p.Name, Role: xiangpei.RolePerson, PersonID: p.ID}, func(tx *store.Tx) (store.CompEntry, error) {
					return tx.WithdrawEntry(p.ID, c.ID, e.ID, e.Version)
				})
			}
			if _, err := withdraw(mate, te); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("a member withdrew the team: %v", err)
			}
			te, err = withdraw(qualified, te)
			if err != nil || te.Status != xiangpei.EntryWithdrawn {
				t.Fatalf("withdraw: %+v %v", te, err)
			}
			te, err = register(db, qualified, c, store.EntryInput{EventID: team, TeamName: "新焊花队", Members: []store.MemberInput{{id(third), "吴刚"}}})
			if err != nil || te.Status != xiangpei.EntryRegistered || te.TeamName != "新焊花队" || te.Members[1].PersonID != third.ID {
				t.Fatalf("register again: %+v %v", te, err)
			}
			c = mustMove(t, db, c, xiangpei.CompetitionCloseReg)
			if _, err := withdraw(qualified, te); errKey(err) != "entry.withdraw_closed" {
				t.Errorf("withdraw after the close: %v", err)
			}
			if _, err := register(db, mate, c, store.EntryInput{EventID: ind}); errKey(err) != "entry.not_open" {
				t.Errorf("register after the close: %v", err)
			}
		})
	}
}

func validID17(first17 string) string { return first17 + string(xiangpei.IDCheckDigit(first17)) }

func review(db *store.DB, c xiangpei.Competition, e store.CompEntry, a xiangpei.EntryAction, reason string) (store.CompEntry, error) {
	return store.Do(context.Background(), db, organiser(c.Region), func(tx *store.Tx) (store.CompEntry, error) {
		return tx.ReviewEntry(organiser(c.Region).Scope(), c.ID, e.ID, e.Version, a, reason)
	})
}

func scores(db *store.DB, c xiangpei.Competition, event int64, in ...store.ScoreInput) (int, error) {
	return store.Do(context.Background(), db, organiser(c.Region), func(tx *store.Tx) (int, error) {
		return tx.RecordEntryScores(organiser(c.Region).Scope(), c.ID, event, in)
	})
}

// TestCompetitionReviewScoresAndPublish: review and scores only while closed; publishing needs
// every registration decided and every accepted one scored; it ranks with ties, gives the
// awards by quota, grants promotions with certificates (basis recorded) and titles, and sends
// each entrant a message, all at once.
func TestCompetitionReviewScoresAndPublish(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			storetest.NewTraining(t, db)
			ctx := context.Background()
			in := compInput()
			in.Events[0].MinLevel = "" // anyone in the city
			c := compCreate(t, db, "430200", in)
			ind, team := c.Events[0].ID, c.Events[1].ID
			c = mustMove(t, db, c, xiangpei.CompetitionOpenReg)
			// 李娟 holds level 4 and has an account; 王芳 none; 陈静 and 刘洋 tie for third; 孙丽 is rejected.
			li := compPerson(t, db, "43021119900101123", "李娟", "430211")
			compCert(t, db, li, "4", 1)
			wang := compPerson(t, db, "43021119910101123", "王芳", "430211")
			chen := compPerson(t, db, "43021119920101123", "陈静", "430202")
			liu := compPerson(t, db, "43021119930101123", "刘洋", "430202")
			sun := compPerson(t, db, "43021119940101123", "孙丽", "430202")
			mate := compPerson(t, db, "43021119950101123", "周强", "430211")
			acct, err := store.Do(ctx, db, xiangpei.Actor{Name: "test"}, func(tx *store.Tx) (xiangpei.Account, error) {
				return tx.CreateAccount(xiangpei.AccountInput{Login: "13907339999", DisplayName: "李娟", Role: xiangpei.RolePerson, PersonID: li.ID}, "x", false)
			})
			if err != nil {
				t.Fatal(err)
			}
			entries := map[string]store.CompEntry{}
			for name, p := range map[string]xiangpei.Person{"li": li, "wang": wang, "chen": chen, "liu": liu, "sun": sun} {
				e, err := register(db, p, c, store.EntryInput{EventID: ind})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				entries[name] = e
			}
			teamEntry, err := register(db, li, c, store.EntryInput{EventID: team, TeamName: "焊花队",
				Members: []store.MemberInput{{string(mate.IDNumber), "周强"}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := review(db, c, entries["li"], xiangpei.EntryAccept, ""); errKey(err) != "entry.review_when_closed" {
				t.Errorf("review while open: %v", err)
			}
			c = mustMove(t, db, c, xiangpei.CompetitionCloseReg)
			if _, err := review(db, c, entries["sun"], xiangpei.EntryReject, ""); errKey(err) != "reason.required" {
				t.Errorf("reject without a reason: %v", err)
			}
			if _, err := compMove(db, c, xiangpei.CompetitionPublish); errKey(err) != "competition.undecided" {
				t.Errorf("publish with undecided entries: %v", err)
			}
			for name, e := range entries {
				a, reason := xiangpei.EntryAccept, ""
				if name == "sun" {
					a, reason = xiangpei.EntryReject, "资格审查未通过：未提交健康证明"
				}
				if entries[name], err = review(db, c, e, a, reason); err != nil {
					t.Fatalf("review %s: %v", name, err)
				}
			}
			if entries["sun"].Reason == "" || entries["sun"].Status != xiangpei.EntryRejected {
				t.Errorf("rejected: %+v", entries["sun"])
			}
			if teamEntry, err = review(db, c, teamEntry, xiangpei.EntryAccept, ""); err != nil {
				t.Fatal(err)
			}
			// A foreign county's officer reviews nothing.
			_, err = store.Do(ctx, db, organiser("430202"), func(tx *store.Tx) (store.CompEntry, error) {
				return tx.ReviewEntry(xiangpei.Scope{Region: "430202"}, c.ID, entries["li"].ID, entries["li"].Version, xiangpei.EntryReject, "不行不行")
			})
			if !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("foreign review: %v", err)
			}
			if _, err := compMove(db, c, xiangpei.CompetitionPublish); errKey(err) != "competition.unscored" {
				t.Errorf("publish without scores: %v", err)
			}
			sc := func(name, score string) store.ScoreInput {
				return store.ScoreInput{EntryID: entries[name].ID, Version: entries[name].Version, Score: score}
			}
			if _, err := scores(db, c, ind, sc("li", "101")); errKey(err) != "entry.score_of" {
				t.Errorf("score over 100: %v", err)
			}
			if _, err := scores(db, c, ind, sc("sun", "50")); errKey(err) != "entry.score_not_accepted" {
				t.Errorf("a rejected entry scored: %v", err)
			}
			if _, err := scores(db, c, team, sc("li", "50")); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("an entry of another event: %v", err)
			}
			n, err := scores(db, c, ind, sc("li", "95.5"), sc("wang", "90"), sc("chen", "８８.０"), sc("liu", "88"), sc("sun", ""))
			if err != nil || n != 4 {
				t.Fatalf("scores: %d %v", n, err)
			}
			if _, err := scores(db, c, ind, sc("li", "96")); errKey(err) != "version.stale" {
				t.Errorf("a score on a stale version: %v", err)
			}
			if n, err := scores(db, c, team, store.ScoreInput{EntryID: teamEntry.ID, Version: teamEntry.Version, Score: "80"}); err != nil || n != 1 {
				t.Fatalf("team score: %v", err)
			}
			before, _ := db.AuditCount(ctx)
			c = mustMove(t, db, c, xiangpei.CompetitionPublish)
			if c.Status != xiangpei.CompetitionPublished {
				t.Fatalf("published: %+v", c)
			}
			if after, _ := db.AuditCount(ctx); after <= before {
				t.Error("publishing wrote no audit entry")
			}
			if _, err := review(db, c, entries["wang"], xiangpei.EntryReject, "太晚了吧"); errKey(err) != "entry.review_when_closed" {
				t.Errorf("review after publication: %v", err)
			}
			results, err := db.ContestResults(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]store.CompEntry{}
			for _, e := range results {
				got[e.ID] = e
			}
			want := map[string]struct {
				rank  int
				award xiangpei.Award
			}{"li": {1, xiangpei.AwardFirst}, "wang": {2, xiangpei.AwardSecond}, "chen": {3, xiangpei.AwardThird}, "liu": {3, xiangpei.AwardThird}}
			for name, w := range want {
				if e := got[entries[name].ID]; e.Rank != w.rank || e.Award != w.award {
					t.Errorf("%s: rank %d award %q, want %d %q", name, e.Rank, e.Award, w.rank, w.award)
				}
			}
			if _, ok := got[entries["sun"].ID]; ok || len(results) != 5 {
				t.Errorf("results: %d rows, the rejected entry listed: %v", len(results), ok)
			}
			if m := got[entries["li"].ID].MaskedNames(); m[0] != "李*" {
				t.Errorf("masked: %v", m)
			}

			// 李娟: level 4 → promotion to 3 and 株洲市技术能手, in both her individual and team wins.
			liRec, err := db.EntriesOf(ctx, xiangpei.Scope{PersonID: li.ID}, li.ID)
			if err != nil || len(liRec) != 2 {
				t.Fatalf("李娟's record: %+v %v", liRec, err)
			}
			for _, e := range liRec {
				if e.EventID != ind {
					continue
				}
				if e.Rank != 1 || e.Award != xiangpei.AwardFirst || e.Score != 955 || !e.Scored || len(e.Honours) != 2 {
					t.Fatalf("李娟's entry: %+v", e)
				}
				var promo, title store.HonourGranted
				for _, h := range e.Honours {
					if h.Kind == "promotion" {
						promo = h
					} else {
						title = h
					}
				}
				if promo.Level != "3" || promo.CertificateNumber == "" || !strings.Contains(promo.Basis, "人社部发〔2022〕14号") ||
					!strings.Contains(promo.Basis, "一等奖") {
					t.Errorf("promotion: %+v", promo)
				}
				if title.Title != "株洲市技术能手" || title.CertificateID != 0 {
					t.Errorf("title: %+v", title)
				}
				cert, err := db.Certificate(ctx, compAll, promo.CertificateID)
				if err != nil || cert.Level != "3" || cert.Source != xiangpei.CertFromCompetition || cert.SourceID != e.EntryID ||
					cert.County != "430200" || cert.IssuerName != "株洲市人力资源和社会保障局" || cert.Basis != promo.Basis ||
					cert.OccupationCode != "4-10-01-05" || cert.IssuerOrgID != 0 {
					t.Errorf("certificate: %+v %v", cert, err)
				}
			}
			// 王芳 holds nothing: second prize at city level → level 5; no title.
			wangRec, _ := db.EntriesOf(ctx, xiangpei.Scope{PersonID: wang.ID}, wang.ID)
			if len(wangRec) != 1 || len(wangRec[0].Honours) != 1 || wangRec[0].Honours[0].Level != "5" {
				t.Errorf("王芳: %+v", wangRec)
			}
			// Third prizes at city level carry nothing.
			for _, p := range []xiangpei.Person{chen, liu} {
				rec, _ := db.EntriesOf(ctx, compAll, p.ID)
				if len(rec) != 1 || len(rec[0].Honours) != 0 || rec[0].Award != xiangpei.AwardThird {
					t.Errorf("%s: %+v", p.Name, rec)
				}
			}
			// The team's members both win: 周强 holds no level in 焊工 → level 5 and the title.
			mateRec, _ := db.EntriesOf(ctx, compAll, mate.ID)
			if len(mateRec) != 1 || len(mateRec[0].Honours) != 2 || mateRec[0].Award != xiangpei.AwardFirst {
				t.Errorf("周强: %+v", mateRec)
			}
			certs, _ := db.CertificatesOf(ctx, compAll, mate.ID)
			if len(certs) != 1 || certs[0].Level != "5" || certs[0].OccupationCode != "6-18-02-04" {
				t.Errorf("周强's certificates: %+v", certs)
			}
			// The in-app messages: 李娟's account got one per entry.
			msgs, err := db.Messages(ctx, acct.ID, store.Page{})
			if err != nil || len(msgs) != 2 || !strings.Contains(msgs[0].Body+msgs[1].Body, "第1名，一等奖") ||
				!strings.Contains(msgs[0].Body+msgs[1].Body, "株洲市技术能手") {
				t.Errorf("messages: %+v %v", msgs, err)
			}
			honours, err := db.EntryHonours(ctx, organiser("430200").Scope(), c.ID)
			if err != nil || len(honours[entries["li"].ID]) != 2 || len(honours[teamEntry.ID]) != 4 {
				t.Errorf("entry honours: %+v %v", honours, err)
			}
		})
	}
}

// TestCompetitionPublishAllOrNothing: when granting an honour fails (a certificate series
// cannot be made), nothing of the publication stays: no rank, no certificate, still closed.
func TestCompetitionPublishAllOrNothing(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			storetest.NewTraining(t, db)
			ctx := context.Background()
			in := compInput()
			in.Events = in.Events[:1]
			in.Events[0].MinLevel = ""
			c := compCreate(t, db, "430200", in)
			c = mustMove(t, db, c, xiangpei.CompetitionOpenReg)
			p := compPerson(t, db, "43021119900101123", "李娟", "430211")
			e, err := register(db, p, c, store.EntryInput{EventID: c.Events[0].ID})
			if err != nil {
				t.Fatal(err)
			}
			c = mustMove(t, db, c, xiangpei.CompetitionCloseReg)
			if e, err = review(db, c, e, xiangpei.EntryAccept, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := scores(db, c, c.Events[0].ID, store.ScoreInput{EntryID: e.ID, Version: e.Version, Score: "90"}); err != nil {
				t.Fatal(err)
			}
			// A certificate already issued for this entry and person makes the honour's insert collide.
			if _, err := store.Do(ctx, db, xiangpei.Actor{Name: "test"}, func(tx *store.Tx) (xiangpei.Certificate, error) {
				return tx.IssueCertificate(xiangpei.Certificate{Level: "5", PersonID: p.ID, County: "430200", OccupationCode: "4-10-01-05",
					IssuerName: "株洲市人力资源和社会保障局", Source: xiangpei.CertFromCompetition, SourceID: e.ID})
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := compMove(db, c, xiangpei.CompetitionPublish); err == nil {
				t.Fatal("publication went through")
			}
			c2, _ := db.Competition(ctx, compAll, c.ID)
			list, _, _ := db.CompetitionEntries(ctx, compAll, c.ID, store.EntryFilter{}, store.Page{})
			certs, _ := db.CertificatesOf(ctx, compAll, p.ID)
			if c2.Status != xiangpei.CompetitionClosed || list[0].Rank != 0 || list[0].Award != "" || len(certs) != 1 {
				t.Errorf("half a publication stayed: %s rank %d award %q certs %d", c2.Status, list[0].Rank, list[0].Award, len(certs))
			}
		})
	}
}
