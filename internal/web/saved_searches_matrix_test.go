package web

import (
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixSearches adds saved searches to the authorisation matrix: one of the own person and
// one of the foreign person, the same {search} pair for every role.
func matrixSearches(t *testing.T, tx *store.Tx, w *matrixWorld, pOwn, pForeign xiangpei.Person) {
	t.Helper()
	var ids [2]int64
	for i, p := range []xiangpei.Person{pOwn, pForeign} {
		s, err := tx.SaveSearch(xiangpei.Scope{PersonID: p.ID}, store.SavedSearch{Filter: store.PostingFilter{Query: "焊工"}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = s.ID
	}
	for label := range w.own {
		w.own[label]["search"], w.foreign[label]["search"] = fmt.Sprint(ids[0]), fmt.Sprint(ids[1])
	}
}
