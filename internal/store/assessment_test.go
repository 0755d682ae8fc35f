package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// assessWorld is the Training world with an assessment body in 天元区 and another in 荷塘区, a
// closed class whose first `completers` trainees completed it, and their actors.
type assessWorld struct {
	*completionWorld
	body, other   xiangpei.Organisation
	bodyA, otherA xiangpei.Actor
	completers    []xiangpei.Person
}

func assessBody(t *testing.T, tx *store.Tx, name, county string, i int) xiangpei.Organisation {
	t.Helper()
	code17 := fmt.Sprintf("52%s77%07d", county, i)
	o, err := tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgAssessor, Name: name, County: county,
		CreditCode: xiangpei.CreditCode(code17 + string(xiangpei.CreditCheckChar(code17)))})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// newAssessWorld builds the world: n trainees on a five-session class, of whom the first
// `completers` attend every session; the class is closed and the clock is just after it.
func newAssessWorld(t *testing.T, db *store.DB, n, completers int) *assessWorld {
	t.Helper()
	cw := newCompletionWorld(t, db, n)
	aw := &assessWorld{completionWorld: cw}
	cw.w.Clock.Set(cw.c.LastSession.Add(time.Hour))
	for _, p := range cw.persons[:completers] {
		for i := range cw.c.Sessions {
			cw.attend(t, i, p, 0)
		}
	}
	c, _, err := cw.close(cw.w.InstA, cw.c.Version)
	if err != nil {
		t.Fatal(err)
	}
	cw.c = c
	aw.completers = cw.persons[:completers]
	err = db.Tx(context.Background(), cw.w.Admin, func(tx *store.Tx) error {
		aw.body = assessBody(t, tx, "天元职业技能评价中心", "430211", 1)
		aw.other = assessBody(t, tx, "荷塘职业技能评价中心", "430202", 2)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	aw.bodyA = xiangpei.Actor{Name: "body", Role: xiangpei.RoleAssessor, OrgID: aw.body.ID}
	aw.otherA = xiangpei.Actor{Name: "other body", Role: xiangpei.RoleAssessor, OrgID: aw.other.ID}
	return aw
}

func planExaminer(name, id17 string) xiangpei.Examiner {
	return xiangpei.Examiner{Name: name, IDNumber: xiangpei.IDNumber(id17 + string(xiangpei.IDCheckDigit(id17)))}
}

// examiners are two examiners who taught nobody.
func planExaminers() []xiangpei.Examiner {
	return []xiangpei.Examiner{planExaminer("王考评", "43020219700101001"), planExaminer("赵考评", "43020219700101002")}
}

func (aw *assessWorld) classInput() xiangpei.PlanInput {
	return xiangpei.PlanInput{OccupationCode: aw.c.OccupationCode, Level: aw.c.Level, Mode: xiangpei.PlanForClass, ClassID: aw.c.ID,
		ExamAt: aw.w.Now().AddDate(0, 0, 7), Venue: "评价中心考场", Capacity: 30, Examiners: planExaminers()}
}

func (aw *assessWorld) openInput(capacity int) xiangpei.PlanInput {
	return xiangpei.PlanInput{OccupationCode: "4-10-01-05", Level: "4", Mode: xiangpei.PlanOpenMode,
		ExamAt: aw.w.Now().AddDate(0, 0, 10), Venue: "评价中心考场", Capacity: capacity, Examiners: planExaminers()}
}

func (aw *assessWorld) create(t *testing.T, a xiangpei.Actor, in xiangpei.PlanInput) (xiangpei.Plan, error) {
	t.Helper()
	return store.Do(context.Background(), aw.db, a, func(tx *store.Tx) (xiangpei.Plan, error) {
		return tx.CreatePlan(a.Scope(), a.OrgID, in)
	})
}

func (aw *assessWorld) mustCreate(t *testing.T, in xiangpei.PlanInput) xiangpei.Plan {
	t.Helper()
	p, err := aw.create(t, aw.bodyA, in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (aw *assessWorld) move(t *testing.T, p xiangpei.Plan, act xiangpei.PlanAction) (xiangpei.Plan, error) {
	t.Helper()
	return store.Do(context.Background(), aw.db, aw.bodyA, func(tx *store.Tx) (xiangpei.Plan, error) {
		return tx.MovePlan(aw.bodyA.Scope(), p.ID, p.Version, act, nil)
	})
}

func (aw *assessWorld) add(t *testing.T, p xiangpei.Plan, who xiangpei.Person) (store.CandidateRow, error) {
	t.Helper()
	return store.Do(context.Background(), aw.db, aw.bodyA, func(tx *store.Tx) (store.CandidateRow, error) {
		return tx.AddCandidate(aw.bodyA.Scope(), p.ID, string(who.IDNumber), who.Name)
	})
}

func aKey(err error) string {
	if e, ok := err.(*xiangpei.Error); ok {
		return e.Key
	}
	return fmt.Sprint(err)
}

// TestAssessmentExaminerConflicts: a plan for a class whose teacher is an examiner is refused
// naming both; with other examiners the completers become accepted candidates. On an open
// plan, a sign-up taught by an examiner shows in ExaminerTeacherConflicts (within scope and
// year only) and cannot be accepted.
func TestAssessmentExaminerConflicts(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			aw := newAssessWorld(t, db, 3, 2)
			ctx := context.Background()
			teacher := aw.w.Teachers[0]
			in := aw.classInput()
			in.Examiners = []xiangpei.Examiner{planExaminers()[0], {Name: teacher.Name, IDNumber: teacher.IDNumber}}
			_, err := aw.create(t, aw.bodyA, in)
			if aKey(err) != "assess.examiner_taught" || !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Fatalf("examiner who taught the class: %v", err)
			}
			p := aw.mustCreate(t, aw.classInput())
			cands, total, err := db.Candidates(ctx, aw.bodyA.Scope(), p.ID, store.Page{})
			if err != nil || total != 2 || len(cands) != 2 {
				t.Fatalf("class candidates: %v %d", err, total)
			}
			for _, c := range cands {
				if c.Status != xiangpei.CandidateAccepted || c.Source != xiangpei.CandidateFromClass || c.ClassID != aw.c.ID {
					t.Errorf("candidate %+v", c.Candidate)
				}
			}
			if p.Candidates != 2 || p.Status != xiangpei.PlanDraft {
				t.Errorf("plan %+v", p)
			}
			// The same class cannot be planned twice.
			if _, err := aw.create(t, aw.bodyA, aw.classInput()); aKey(err) != "assess.class_taken" {
				t.Errorf("second plan for the class: %v", err)
			}
			// An open plan in the same occupation with the teacher as examiner.
			open := aw.openInput(10)
			open.Level = aw.c.Level
			open.Examiners = []xiangpei.Examiner{planExaminers()[0], {Name: teacher.Name, IDNumber: teacher.IDNumber}}
			op := aw.mustCreate(t, open)
			op, err = aw.move(t, op, xiangpei.PlanAnnounce)
			if err != nil {
				t.Fatal(err)
			}
			// Added by the body: refused at once.
			if _, err := aw.add(t, op, aw.completers[0]); aKey(err) != "assess.examiner_taught" {
				t.Errorf("body adds a taught candidate: %v", err)
			}
			// Signed up by the person: registered, then listed as a conflict, and not accepted.
			c, err := store.Do(ctx, db, aw.w.Admin, func(tx *store.Tx) (store.CandidateRow, error) {
				return tx.Register(aw.completers[0].ID, op.ID)
			})
			if err != nil || c.Status != xiangpei.CandidateRegistered || c.ClassID != aw.c.ID {
				t.Fatalf("register: %v %+v", err, c)
			}
			year := op.ExamAt.In(xiangpei.ChinaTime).Year()
			for _, tc := range []struct {
				scope xiangpei.Scope
				year  int
				want  int
			}{{aw.bodyA.Scope(), year, 1}, {xiangpei.Scope{Region: "430211"}, 0, 1}, {xiangpei.Scope{Region: "430202"}, year, 0},
				{aw.otherA.Scope(), year, 0}, {xiangpei.Scope{All: true}, year + 1, 0}} {
				got, err := db.ExaminerTeacherConflicts(ctx, tc.scope, tc.year)
				if err != nil || len(got) != tc.want {
					t.Errorf("conflicts in %+v %d: %v %+v", tc.scope, tc.year, err, got)
					continue
				}
				if tc.want == 1 {
					x := got[0]
					if x.PlanID != op.ID || x.OrgID != aw.body.ID || x.ExaminerName != teacher.Name || x.CandidateID != c.ID ||
						x.PersonID != aw.completers[0].ID || x.CandidateName != aw.completers[0].Name || x.ClassID != aw.c.ID ||
						x.ClassName != aw.c.Name || x.County != "430211" || x.OrgName != aw.body.Name {
						t.Errorf("conflict %+v", x)
					}
				}
			}
			_, err = store.Do(ctx, db, aw.bodyA, func(tx *store.Tx) (store.CandidateRow, error) {
				return tx.MoveCandidate(aw.bodyA.Scope(), op.ID, c.ID, c.Version, xiangpei.CandidateAccept, "")
			})
			if aKey(err) != "assess.examiner_taught" {
				t.Errorf("accept a taught candidate: %v", err)
			}
			// The class plan has clean examiners: no conflict listed for it.
			all, err := db.ExaminerTeacherConflicts(ctx, xiangpei.Scope{All: true}, 0)
			if err != nil || len(all) != 1 {
				t.Errorf("all conflicts: %v %+v", err, all)
			}
		})
	}
}

// TestAssessmentCapacityUnderConcurrency: many people signing up at once for the last places
// of an open plan: exactly the capacity is admitted, the rest are told it is full.
func TestAssessmentCapacityUnderConcurrency(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			aw := newAssessWorld(t, db, 1, 1)
			ctx := context.Background()
			people := adults(t, db, aw.w.Admin, 100, 10)
			p := aw.mustCreate(t, aw.openInput(4))
			if _, err := aw.add(t, p, people[0]); err != nil { // one place taken before the rush
				t.Fatal(err)
			}
			p, err := aw.move(t, p, xiangpei.PlanAnnounce)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, len(people)-1)
			for i, who := range people[1:] {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = store.Do(ctx, db, xiangpei.Actor{Name: who.Name, Role: xiangpei.RolePerson, PersonID: who.ID},
						func(tx *store.Tx) (store.CandidateRow, error) { return tx.Register(who.ID, p.ID) })
				}()
			}
			wg.Wait()
			ok, full := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case aKey(err) == "assess.full":
					full++
				default:
					t.Errorf("sign-up: %v", err)
				}
			}
			if ok != 3 || full != 6 {
				t.Errorf("admitted %d, full %d; want 3 and 6", ok, full)
			}
			got, err := db.Plan(ctx, aw.bodyA.Scope(), p.ID)
			if err != nil || got.Candidates != 4 {
				t.Errorf("candidates %d (%v)", got.Candidates, err)
			}
		})
	}
}

// TestAssessmentStateMachine: the refusals of plans and candidates in the wrong state, a
// second sign-up, withdrawal and its deadline, editing only drafts, versions.
func TestAssessmentStateMachine(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			aw := newAssessWorld(t, db, 1, 1)
			ctx := context.Background()
			people := adults(t, db, aw.w.Admin, 100, 3)
			p := aw.mustCreate(t, aw.openInput(5))
			if _, err := aw.move(t, p, xiangpei.PlanPublish); aKey(err) != "plan.wrong_state" {
				t.Errorf("publish a draft: %v", err)
			}
			// Not open yet: nobody signs up.
			register := func(who xiangpei.Person) (store.CandidateRow, error) {
				return store.Do(ctx, db, aw.w.Admin, func(tx *store.Tx) (store.CandidateRow, error) { return tx.Register(who.ID, p.ID) })
			}
			if _, err := register(people[0]); !xiangpei.IsKind(err, xiangpei.NotFound) && aKey(err) != "assess.registration_closed" {
				t.Errorf("sign up for a draft: %v", err)
			}
			// Edit the draft; a stale version is refused.
			in := aw.openInput(6)
			in.Venue = "新考场"
			upd, err := store.Do(ctx, db, aw.bodyA, func(tx *store.Tx) (xiangpei.Plan, error) {
				return tx.UpdatePlan(aw.bodyA.Scope(), p.ID, p.Version, in)
			})
			if err != nil || upd.Venue != "新考场" || upd.Capacity != 6 || upd.Version != p.Version+1 {
				t.Fatalf("update: %v %+v", err, upd)
			}
			if _, err := store.Do(ctx, db, aw.bodyA, func(tx *store.Tx) (xiangpei.Plan, error) {
				return tx.UpdatePlan(aw.bodyA.Scope(), p.ID, p.Version, in)
			}); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale update: %v", err)
			}
			// Another body cannot touch it: NotFound.
			if _, err := store.Do(ctx, db, aw.otherA, func(tx *store.Tx) (xiangpei.Plan, error) {
				return tx.MovePlan(aw.otherA.Scope(), p.ID, upd.Version, xiangpei.PlanAnnounce, nil)
			}); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another body announces: %v", err)
			}
			p, err = aw.move(t, upd, xiangpei.PlanAnnounce)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := store.Do(ctx, db, aw.bodyA, func(tx *store.Tx) (xiangpei.Plan, error) {
				return tx.UpdatePlan(aw.bodyA.Scope(), p.ID, p.Version, in)
			}); aKey(err) != "assess.not_draft" {
				t.Errorf("edit an open plan: %v", err)
			}
			c, err := register(people[0])
			if err != nil || c.Status != xiangpei.CandidateRegistered || c.Source != xiangpei.CandidateSelf {
				t.Fatalf("register: %v %+v", err, c)
			}
			if _, err := register(people[0]); aKey(err) != "assess.already_candidate" {
				t.Errorf("second sign-up: %v", err)
			}
			// Refusal needs a reason.
			moveC := func(c store.CandidateRow, act xiangpei.CandidateAction, reason string) (store.CandidateRow, error) {
				return store.Do(ctx, db, aw.bodyA, func(tx *store.Tx) (store.CandidateRow, error) {
					return tx.MoveCandidate(aw.bodyA.Scope(), p.ID, c.ID, c.Version, act, reason)
				})
			}
			if _, err := moveC(c, xiangpei.CandidateReject, ""); aKey(err) != "reason.required" {
				t.Errorf("refuse without a reason: %v", err)
			}
			rej, err := moveC(c, xiangpei.CandidateReject, "不符合申报条件")
			if err != nil || rej.Status != xiangpei.CandidateRejected || rej.Reason != "不符合申报条件" {
				t.Fatalf("refuse: %v %+v", err, rej)
			}
			if _, err := moveC(rej, xiangpei.CandidateAccept, ""); aKey(err) != "candidate.wrong_state" {
				t.Errorf("accept a refused candidate: %v", err)
			}
			// A second person signs up, is accepted, then withdraws themself; the place is free again.
			c2, err := register(people[1])
			if err != nil {
				t.Fatal(err)
			}
			if c2, err = moveC(c2, xiangpei.CandidateAccept, ""); err != nil || c2.Status != xiangpei.CandidateAccepted {
				t.Fatalf("accept: %v", err)
			}
			w, err := store.Do(ctx, db, aw.w.Admin, func(tx *store.Tx) (store.CandidateRow, error) { return tx.WithdrawSelf(people[1].ID, p.ID) })
			if err != nil || w.Status != xiangpei.CandidateWithdrawn {
				t.Fatalf("withdraw: %v %+v", err, w)
			}
			if _, err := store.Do(ctx, db, aw.w.Admin, func(tx *store.Tx) (store.CandidateRow, error) { return tx.WithdrawSelf(people[2].ID, p.ID) }); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("withdraw someone who never signed up: %v", err)
			}
			// On the day of the exam sign-up and withdrawal are closed; scores open at the exam.
			aw.w.Clock.Set(p.ExamAt.Add(-time.Hour))
			if _, err := register(people[2]); aKey(err) != "assess.registration_closed" {
				t.Errorf("sign up on the day: %v", err)
			}
			if _, err := store.Do(ctx, db, aw.bodyA, func(tx *store.Tx) ([]store.CandidateRow, error) {
				return tx.RecordScores(aw.bodyA.Scope(), p.ID, []store.ScoreEntry{{CandidateID: c.ID, Theory: 700, Practical: 700}})
			}); aKey(err) != "assess.scores_closed" {
				t.Errorf("scores before the exam: %v", err)
			}
			// Cancel; then nothing moves.
			p, err = aw.move(t, p, xiangpei.PlanCancel)
			if err != nil || p.Status != xiangpei.PlanCancelled {
				t.Fatalf("cancel: %v", err)
			}
			if _, err := aw.move(t, p, xiangpei.PlanAnnounce); aKey(err) != "plan.wrong_state" {
				t.Errorf("announce a cancelled plan: %v", err)
			}
		})
	}
}

// TestAssessmentScoresAndPublish: scores by hand (pass, fail, absent), publishing needs every
// result, issues a certificate with a valid number for every pass, writes the candidates'
// messages, and leaves the plan read-only; the person's candidacies show the result.
func TestAssessmentScoresAndPublish(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			aw := newAssessWorld(t, db, 3, 3)
			ctx := context.Background()
			var account xiangpei.Account
			err := db.Tx(ctx, aw.w.Admin, func(tx *store.Tx) error {
				var err error
				account, err = tx.CreateAccount(xiangpei.AccountInput{Login: aw.completers[0].Phone, DisplayName: aw.completers[0].Name,
					Role: xiangpei.RolePerson, PersonID: aw.completers[0].ID}, "x", false)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			p := aw.mustCreate(t, aw.classInput())
			p, err = aw.move(t, p, xiangpei.PlanAnnounce)
			if err != nil {
				t.Fatal(err)
			}
			cands, _, err := db.Candidates(ctx, aw.bodyA.Scope(), p.ID, store.Page{})
			if err != nil || len(cands) != 3 {
				t.Fatalf("candidates: %v %d", err, len(cands))
			}
			by := map[int64]store.CandidateRow{}
			for _, c := range cands {
				by[c.PersonID] = c
			}
			pass, fail, absent := by[aw.completers[0].ID], by[aw.completers[1].ID], by[aw.completers[2].ID]
			aw.w.Clock.Set(p.ExamAt.Add(2 * time.Hour))
			record := func(es ...store.ScoreEntry) ([]store.CandidateRow, error) {
				return store.Do(ctx, db, aw.bodyA, func(tx *store.Tx) ([]store.CandidateRow, error) {
					return tx.RecordScores(aw.bodyA.Scope(), p.ID, es)
				})
			}
			if _, err := record(store.ScoreEntry{CandidateID: pass.ID, Theory: 855, Practical: 600}); err != nil {
				t.Fatal(err)
			}
			if _, err := aw.move(t, p, xiangpei.PlanPublish); aKey(err) != "assess.result_missing" {
				t.Errorf("publish with results missing: %v", err)
			}
			// A stale version of one row refuses the whole batch.
			if _, err := record(store.ScoreEntry{CandidateID: fail.ID, Theory: 900, Practical: 590},
				store.ScoreEntry{CandidateID: absent.ID, Version: absent.Version + 5, Absent: true}); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale score: %v", err)
			}
			rows, err := record(store.ScoreEntry{CandidateID: fail.ID, Theory: 900, Practical: 599},
				store.ScoreEntry{CandidateID: absent.ID, Version: absent.Version, Absent: true})
			if err != nil || rows[0].Result != xiangpei.ResultFail || rows[1].Result != xiangpei.ResultAbsent || !rows[1].Scored {
				t.Fatalf("record: %v %+v", err, rows)
			}
			p, err = db.Plan(ctx, aw.bodyA.Scope(), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			p, err = aw.move(t, p, xiangpei.PlanPublish)
			if err != nil || p.Status != xiangpei.PlanPublished || p.Passed != 1 || p.PublishedAt.IsZero() {
				t.Fatalf("publish: %v %+v", err, p)
			}
			cands, _, _ = db.Candidates(ctx, aw.bodyA.Scope(), p.ID, store.Page{})
			for _, c := range cands {
				switch c.PersonID {
				case pass.PersonID:
					if c.CertificateID == 0 || c.CertNumber == "" {
						t.Fatalf("pass without certificate: %+v", c)
					}
					if _, err := xiangpei.ParseCertNumber(c.CertNumber); err != nil {
						t.Errorf("number %s: %v", c.CertNumber, err)
					}
					cert, err := db.Certificate(ctx, xiangpei.Scope{All: true}, c.CertificateID)
					if err != nil || cert.PersonID != pass.PersonID || cert.Level != p.Level || cert.IssuerOrgID != aw.body.ID ||
						cert.Source != xiangpei.CertFromAssessment || cert.SourceID != c.ID || cert.County != "430211" || cert.Kind != xiangpei.CertSkill {
						t.Errorf("certificate %v %+v", err, cert)
					}
				default:
					if c.CertificateID != 0 {
						t.Errorf("%s got a certificate", c.Result)
					}
				}
			}
			msgs, err := db.Messages(ctx, account.ID, store.Page{})
			if err != nil || len(msgs) != 1 || msgs[0].Channel != "inbox" {
				t.Fatalf("messages: %v %+v", err, msgs)
			}
			// Read-only: no more scores, no candidate change.
			if _, err := record(store.ScoreEntry{CandidateID: fail.ID, Theory: 900, Practical: 900}); aKey(err) != "assess.scores_closed" {
				t.Errorf("score after publishing: %v", err)
			}
			if _, err := aw.move(t, p, xiangpei.PlanCancel); aKey(err) != "plan.wrong_state" {
				t.Errorf("cancel a published plan: %v", err)
			}
			// The person's record.
			list, err := db.CandidaciesOf(ctx, xiangpei.Scope{PersonID: pass.PersonID}, pass.PersonID)
			if err != nil || len(list) != 1 || list[0].Result != xiangpei.ResultPass || list[0].Theory != 855 || list[0].CertNumber == "" ||
				list[0].OrgName != aw.body.Name || list[0].OccupationName == "" {
				t.Errorf("candidacies: %v %+v", err, list)
			}
			if list, err := db.CandidaciesOf(ctx, aw.otherA.Scope(), pass.PersonID); err != nil || len(list) != 0 {
				t.Errorf("another body sees candidacies: %v %d", err, len(list))
			}
		})
	}
}

// TestAssessmentResultsImport: the dry run names every bad row (unknown ID number, a name that
// differs, a bad score, a duplicate row, a cut ID number); a commit of a file with bad rows
// writes nothing; a good file commits every row once.
func TestAssessmentResultsImport(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			aw := newAssessWorld(t, db, 3, 3)
			ctx := context.Background()
			p := aw.mustCreate(t, aw.classInput())
			p, err := aw.move(t, p, xiangpei.PlanAnnounce)
			if err != nil {
				t.Fatal(err)
			}
			a, b, c := aw.completers[0], aw.completers[1], aw.completers[2]
			stranger := adults(t, db, aw.w.Admin, 200, 1)[0]
			bad := []store.ResultLine{
				{Line: 2, IDNumber: string(a.IDNumber), Name: a.Name, Theory: "８５", Practical: "70.5"},
				{Line: 3, IDNumber: string(b.IDNumber), Name: "别人", Theory: "90", Practical: "90"},
				{Line: 4, IDNumber: string(c.IDNumber), Name: c.Name, Theory: "101", Practical: "abc"},
				{Line: 5, IDNumber: string(a.IDNumber), Name: a.Name, Theory: "60", Practical: "60"},
				{Line: 6, IDNumber: string(stranger.IDNumber), Name: stranger.Name, Theory: "60", Practical: "60"},
				{Line: 7, IDNumber: "4.30211E+17", Name: "某", Theory: "60", Practical: "60", Lossy: true},
			}
			check := func(lines []store.ResultLine) (store.ResultCheck, store.Upload, error) {
				var u store.Upload
				rc, err := store.Do(ctx, db, aw.bodyA, func(tx *store.Tx) (store.ResultCheck, error) {
					rc, err := tx.CheckResultsImport(aw.bodyA.Scope(), p.ID, lines)
					if err != nil {
						return rc, err
					}
					u, err = tx.SaveUpload(store.Upload{Purpose: store.UploadResults, ClassID: p.ID, OrgID: p.OrgID, Name: "r.csv", Data: []byte("x")})
					if err != nil {
						return rc, err
					}
					return rc, tx.RecordResultsCheck(u, rc)
				})
				return rc, u, err
			}
			commit := func(u store.Upload, lines []store.ResultLine) (store.ImportedResults, error) {
				return store.Do(ctx, db, xiangpei.Actor{Name: "body", Role: xiangpei.RoleAssessor, OrgID: aw.body.ID}, func(tx *store.Tx) (store.ImportedResults, error) {
					return tx.CommitResultsImport(aw.bodyA.Scope(), p.ID, u.ID, lines)
				})
			}
			// Before the exam, no check.
			if _, _, err := check(bad); aKey(err) != "assess.scores_closed" {
				t.Errorf("import before the exam: %v", err)
			}
			aw.w.Clock.Set(p.ExamAt.Add(time.Hour))
			rc, u, err := check(bad)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int][]string{2: nil, 3: {"assess.import_name"}, 4: {"assess.import_theory", "assess.import_practical"},
				5: {"assess.import_duplicate"}, 6: {"assess.import_unknown"}, 7: {"roster.id_lossy"}}
			if rc.Good != 1 || rc.Refused != 5 {
				t.Errorf("good %d refused %d", rc.Good, rc.Refused)
			}
			for _, l := range rc.Lines {
				var keys []string
				for _, r := range l.Reasons {
					keys = append(keys, r.Key)
				}
				if fmt.Sprint(keys) != fmt.Sprint(want[l.Line]) {
					t.Errorf("line %d: %v, want %v", l.Line, keys, want[l.Line])
				}
			}
			if rc.Lines[0].Entry.Theory != 850 || rc.Lines[0].Entry.Practical != 705 || rc.Lines[0].Result != xiangpei.ResultPass {
				t.Errorf("line 2 read as %+v", rc.Lines[0])
			}
			if _, err := commit(u, bad); aKey(err) != "assess.import_has_bad_rows" {
				t.Errorf("commit with bad rows: %v", err)
			}
			cands, _, _ := db.Candidates(ctx, aw.bodyA.Scope(), p.ID, store.Page{})
			for _, c := range cands {
				if c.Scored {
					t.Errorf("a refused import wrote %s's score", c.Name)
				}
			}
			good := []store.ResultLine{
				{Line: 2, IDNumber: string(a.IDNumber), Name: a.Name, Theory: "85", Practical: "70.5"},
				{Line: 3, IDNumber: string(b.IDNumber), Name: b.Name, Theory: "59.9", Practical: "90"},
				{Line: 4, IDNumber: string(c.IDNumber), Name: c.Name, Theory: "缺考", Practical: ""},
			}
			_, u2, err := check(good)
			if err != nil {
				t.Fatal(err)
			}
			res, err := commit(u2, good)
			if err != nil || res.Written != 3 || res.Pass != 1 || res.Fail != 1 || res.Absent != 1 {
				t.Fatalf("commit: %v %+v", err, res)
			}
			if _, err := commit(u2, good); aKey(err) != "upload.committed" {
				t.Errorf("second commit: %v", err)
			}
			cands, _, _ = db.Candidates(ctx, aw.bodyA.Scope(), p.ID, store.Page{})
			for _, x := range cands {
				if !x.Scored {
					t.Errorf("%s has no score", x.Name)
				}
			}
		})
	}
}

// TestAssessmentScope: another body's plan is NotFound for reading and for every change;
// officers read the plans of bodies in their region only; listing filters work.
func TestAssessmentScope(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			aw := newAssessWorld(t, db, 1, 1)
			ctx := context.Background()
			p := aw.mustCreate(t, aw.openInput(5))
			op, err := aw.create(t, aw.otherA, aw.openInput(5))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Plan(ctx, aw.otherA.Scope(), p.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another body reads: %v", err)
			}
			if _, _, err := db.Candidates(ctx, aw.otherA.Scope(), p.ID, store.Page{}); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another body lists candidates: %v", err)
			}
			if _, err := store.Do(ctx, db, aw.otherA, func(tx *store.Tx) (store.CandidateRow, error) {
				return tx.AddCandidate(aw.otherA.Scope(), p.ID, string(aw.completers[0].IDNumber), aw.completers[0].Name)
			}); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another body adds: %v", err)
			}
			if _, err := db.Plan(ctx, xiangpei.Scope{Region: "430211"}, p.ID); err != nil {
				t.Errorf("county officer reads: %v", err)
			}
			if _, err := db.Plan(ctx, xiangpei.Scope{Region: "430211"}, op.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("officer reads another county's plan: %v", err)
			}
			if _, err := store.Do(ctx, db, xiangpei.Actor{Name: "ty", Role: xiangpei.RoleOfficer, Region: "430211"}, func(tx *store.Tx) (xiangpei.Plan, error) {
				return tx.MovePlan(xiangpei.Scope{Region: "430211"}, p.ID, p.Version, xiangpei.PlanAnnounce, nil)
			}); !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Errorf("an officer announces: %v", err)
			}
			list, total, err := db.Plans(ctx, xiangpei.Scope{Region: "4302"}, store.PlanFilter{}, store.Page{})
			if err != nil || total != 2 || len(list) != 2 {
				t.Errorf("city officer lists: %v %d", err, total)
			}
			year := p.ExamAt.In(xiangpei.ChinaTime).Year()
			for _, tc := range []struct {
				f    store.PlanFilter
				want int
			}{{store.PlanFilter{Status: xiangpei.PlanDraft}, 1}, {store.PlanFilter{Status: xiangpei.PlanOpen}, 0},
				{store.PlanFilter{Year: year}, 1}, {store.PlanFilter{Year: year - 1}, 0},
				{store.PlanFilter{Occupation: "4-10-01-05"}, 1}, {store.PlanFilter{Occupation: "6-18-02-04"}, 0}} {
				if _, n, err := db.Plans(ctx, aw.bodyA.Scope(), tc.f, store.Page{}); err != nil || n != tc.want {
					t.Errorf("filter %+v: %d (%v), want %d", tc.f, n, err, tc.want)
				}
			}
			// The portal lists announced open plans only.
			if _, n, err := db.OpenExams(ctx, store.Page{}); err != nil || n != 0 {
				t.Errorf("portal before announcing: %d %v", n, err)
			}
			if _, err := aw.move(t, p, xiangpei.PlanAnnounce); err != nil {
				t.Fatal(err)
			}
			if list, n, err := db.OpenExams(ctx, store.Page{}); err != nil || n != 1 || list[0].ID != p.ID {
				t.Errorf("portal: %d %v", n, err)
			}
			if _, err := db.Exam(ctx, op.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("a draft on the portal: %v", err)
			}
			classes, err := db.ClosedClasses(ctx, aw.bodyA.Scope(), aw.body.ID, aw.c.OccupationCode, aw.c.Level)
			if err != nil || len(classes) != 1 || classes[0].Completers != 1 {
				t.Errorf("closed classes: %v %+v", err, classes)
			}
			if _, err := db.ClosedClasses(ctx, aw.otherA.Scope(), aw.body.ID, "", ""); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("closed classes of another body: %v", err)
			}
		})
	}
}
