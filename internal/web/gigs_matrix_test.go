package web

import (
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixGigs adds the gig market to the authorisation matrix: a gig of each employer (天元区
// 430211 own, 荷塘区 430202 foreign) on the matrix day, the own person signed up for the own
// gig and the foreign person for the foreign one. {gig} and {signup} are tenant parameters;
// {listing} (the public gig page and its sign-up) is the own gig for everyone.
func matrixGigs(t *testing.T, tx *store.Tx, w *matrixWorld, employers [2]xiangpei.Organisation, pOwn, pForeign xiangpei.Person) {
	t.Helper()
	var gigs, signups [2]int64
	for i, o := range employers {
		g, err := tx.PostGig(xiangpei.Scope{OrgID: o.ID}, store.GigInput{Title: "矩阵装卸", Unit: xiangpei.PerDay, WageFen: 20000, Units: 1,
			Date: tx.Now, County: o.County, Headcount: 3})
		if err != nil {
			t.Fatal(err)
		}
		gigs[i] = g.ID
		p := []xiangpei.Person{pOwn, pForeign}[i]
		u, err := tx.SignUpGig(xiangpei.Scope{PersonID: p.ID}, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		signups[i] = u.ID
	}
	for label := range w.own {
		for k, v := range map[string][2]int64{"gig": gigs, "signup": signups} {
			w.own[label][k], w.foreign[label][k] = fmt.Sprint(v[0]), fmt.Sprint(v[1])
		}
		w.own[label]["listing"], w.foreign[label]["listing"] = fmt.Sprint(gigs[0]), fmt.Sprint(gigs[0])
	}
}
