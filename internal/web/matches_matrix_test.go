package web

import (
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixMatches makes both matrix persons seekers (preferences for the welder's occupation of
// the matrix postings), so that /me/matches, /me/profile and the employer's
// /employer/postings/{posting}/matches answer with data; {posting} is matrixJobs' own and
// foreign posting (another employer's is a 404).
func matrixMatches(t *testing.T, tx *store.Tx, pOwn, pForeign xiangpei.Person) {
	t.Helper()
	for _, p := range []xiangpei.Person{pOwn, pForeign} {
		if _, err := tx.SaveSeekerPrefs(xiangpei.Scope{PersonID: p.ID}, store.SeekerPrefs{Occupations: []string{"6-18-02-04"},
			Counties: []string{p.County}, WantFen: 400000, WantUnit: xiangpei.PerMonth}, 0); err != nil {
			t.Fatal(err)
		}
	}
}
