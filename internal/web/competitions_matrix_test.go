package web

import (
	"fmt"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixCompetitions adds this area's objects to the authorisation matrix: for every role label in
// w.own, an object the role may reach and one it may not. The own competition is organised by
// the matrix's county (430211) and the foreign one by 430202; both are open, each with the
// registration of its county's person, so {contest} (a portal page, not a tenant parameter) is
// the own one for everybody, {entry} is the person's own registration, and the foreign
// registration is in the foreign competition.
func matrixCompetitions(t *testing.T, tx *store.Tx, w *matrixWorld, orgs map[xiangpei.OrgKind][2]xiangpei.Organisation, own, foreign xiangpei.Person) {
	t.Helper()
	day := func(d int) string { return tx.Now.In(xiangpei.ChinaTime).AddDate(0, 0, d).Format("2006-01-02") }
	mk := func(region string, p xiangpei.Person) (xiangpei.Competition, store.CompEntry) {
		ends := tx.Now.In(xiangpei.ChinaTime).AddDate(0, 0, 21)
		in := xiangpei.CompetitionInput{Name: "矩阵竞赛" + region, Level: xiangpei.CompetitionCity, Year: ends.Year(),
			RegOpens: day(-1), RegCloses: day(10), StartsOn: day(20), EndsOn: ends.Format(time.DateOnly),
			Events: []xiangpei.CompEvent{{OccupationCode: "4-10-01-05", Name: "养老护理员个人赛", Mode: xiangpei.EventIndividual, First: 1}}}
		c, err := tx.CreateCompetition(region, in)
		if err != nil {
			t.Fatal(err)
		}
		if c, err = tx.MoveCompetition(xiangpei.Scope{Region: region}, c.ID, c.Version, xiangpei.CompetitionOpenReg); err != nil {
			t.Fatal(err)
		}
		e, err := tx.RegisterEntry(p.ID, c.ID, store.EntryInput{EventID: c.Events[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		return c, e
	}
	oc, oe := mk("430211", own)
	fc, fe := mk("430202", foreign)
	for label := range w.own {
		for k, v := range map[string][2]string{
			"competition": {fmt.Sprint(oc.ID), fmt.Sprint(fc.ID)},
			"event":       {fmt.Sprint(oc.Events[0].ID), fmt.Sprint(fc.Events[0].ID)},
			"entry":       {fmt.Sprint(oe.ID), fmt.Sprint(fe.ID)},
			"contest":     {fmt.Sprint(oc.ID), fmt.Sprint(oc.ID)},
		} {
			w.own[label][k], w.foreign[label][k] = v[0], v[1]
		}
	}
}
