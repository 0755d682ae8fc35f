package web

import (
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// trainEnv is the web fixture of 培 tests: the storetest Training world (an institution with
// scope, venue and teachers in 天元区 430211, another in 荷塘区 430202) on a running server whose
// clock starts at storetest.TrainingStart, with accounts for the people who act on classes.
type trainEnv struct {
	*env
	w *storetest.Training

	inst, other       xiangpei.Account // staff of the two institutions
	officer, oOfficer xiangpei.Account // class_review officers of 天元区 and 荷塘区
	trainee           xiangpei.Account // a person of 天元区 with an account
	person            xiangpei.Person
}

func newTrainEnv(t *testing.T, db *store.DB) *trainEnv {
	t.Helper()
	e := newEnv(t, db)
	e.clock.t = storetest.TrainingStart.UTC()
	w := storetest.NewTraining(t, db)
	w.Now = e.clock.now
	db.SetClock(e.clock.now)
	te := &trainEnv{env: e, w: w}
	te.inst = e.account(xiangpei.AccountInput{Login: "t_inst", DisplayName: "天元培训学校", Role: xiangpei.RoleInstitution, OrgID: w.Inst.ID}, testPassword)
	te.other = e.account(xiangpei.AccountInput{Login: "t_other", DisplayName: "荷塘培训学校", Role: xiangpei.RoleInstitution, OrgID: w.Other.ID}, testPassword)
	te.officer = e.account(xiangpei.AccountInput{Login: "t_ty", DisplayName: "天元区经办", Role: xiangpei.RoleOfficer, Region: "430211",
		Duties: xiangpei.Duties{xiangpei.DutyClassReview}}, testPassword)
	te.oOfficer = e.account(xiangpei.AccountInput{Login: "t_ht", DisplayName: "荷塘区经办", Role: xiangpei.RoleOfficer, Region: "430202",
		Duties: xiangpei.Duties{xiangpei.DutyClassReview}}, testPassword)
	err := db.Tx(t.Context(), w.Admin, func(tx *store.Tx) error {
		var err error
		te.person, err = tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(validID("43021119950612123")), Name: "李学员",
			Phone: "13807330999", Household: xiangpei.HouseholdRural, County: "430211"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	te.trainee = e.account(xiangpei.AccountInput{Login: "13807330999", DisplayName: "李学员", Role: xiangpei.RolePerson, PersonID: te.person.ID}, testPassword)
	return te
}

// at moves the shared clock to t.
func (te *trainEnv) at(t time.Time) {
	te.clock.mu.Lock()
	te.clock.t = t.UTC()
	te.clock.mu.Unlock()
}

// TestTrainEnv checks the fixture itself: the institution's staff reach their own class over
// the store, and the shared clock is the world's.
func TestTrainEnv(t *testing.T) {
	db := storetest.SQLite(t)
	te := newTrainEnv(t, db)
	c := te.w.ApprovedClass(t, 10, 2)
	if c.Status != xiangpei.ClassApproved || !te.w.Now().Equal(storetest.TrainingStart) {
		t.Fatalf("class %s, clock %v", c.Status, te.w.Now())
	}
	if _, err := db.Class(t.Context(), te.w.InstA.Scope(), c.ID); err != nil {
		t.Fatal(err)
	}
}
