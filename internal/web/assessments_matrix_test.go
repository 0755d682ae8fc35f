package web

import (
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixAssessments adds this area's objects to the authorisation matrix: for every role label in
// w.own, an object the role may reach and one it may not.
func matrixAssessments(t *testing.T, tx *store.Tx, w *matrixWorld, orgs map[xiangpei.OrgKind][2]xiangpei.Organisation, own, foreign xiangpei.Person) {
	t.Helper()
}
