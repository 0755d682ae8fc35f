package web

import (
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixAssessments adds this area's objects to the authorisation matrix: for every role label in
// w.own, an object the role may reach and one it may not. {plan} is an announced open plan of
// the own (430211) or the foreign (430202) assessment body, {candidate} a candidate on it (the
// matrix person, or the foreign person), {exam} the own plan (a public parameter).
func matrixAssessments(t *testing.T, tx *store.Tx, w *matrixWorld, orgs map[xiangpei.OrgKind][2]xiangpei.Organisation, own, foreign xiangpei.Person) {
	t.Helper()
	mk := func(o xiangpei.Organisation, p xiangpei.Person) (xiangpei.Plan, store.CandidateRow) {
		s := xiangpei.Scope{OrgID: o.ID}
		plan, err := tx.CreatePlan(s, o.ID, xiangpei.PlanInput{OccupationCode: "4-10-01-05", Level: "5", Mode: xiangpei.PlanOpenMode,
			ExamAt: tx.Now.AddDate(0, 1, 0), Venue: "评价中心", Capacity: 50,
			Examiners: []xiangpei.Examiner{{Name: "王考评", IDNumber: xiangpei.IDNumber(validID("43020219700101001"))},
				{Name: "赵考评", IDNumber: xiangpei.IDNumber(validID("43020219700101002"))}}})
		if err != nil {
			t.Fatal(err)
		}
		if plan, err = tx.MovePlan(s, plan.ID, plan.Version, xiangpei.PlanAnnounce, nil); err != nil {
			t.Fatal(err)
		}
		c, err := tx.AddCandidate(s, plan.ID, string(p.IDNumber), p.Name)
		if err != nil {
			t.Fatal(err)
		}
		return plan, c
	}
	ownPlan, ownCand := mk(orgs[xiangpei.OrgAssessor][0], own)
	foreignPlan, foreignCand := mk(orgs[xiangpei.OrgAssessor][1], foreign)
	for label := range w.own {
		w.own[label]["plan"], w.foreign[label]["plan"] = fmt.Sprint(ownPlan.ID), fmt.Sprint(foreignPlan.ID)
		w.own[label]["candidate"], w.foreign[label]["candidate"] = fmt.Sprint(ownCand.ID), fmt.Sprint(foreignCand.ID)
		w.own[label]["exam"], w.foreign[label]["exam"] = fmt.Sprint(ownPlan.ID), fmt.Sprint(ownPlan.ID)
	}
}
