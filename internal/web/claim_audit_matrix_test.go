package web

import (
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixClaimAudit adds an audit run of 天元区 (own) and one of 荷塘区 (foreign) for every role:
// {auditrun}.
func matrixClaimAudit(t *testing.T, tx *store.Tx, w *matrixWorld) {
	t.Helper()
	year := tx.Now.In(xiangpei.ChinaTime).Year()
	ids := [2]int64{}
	actor := tx.Actor
	defer func() { tx.Actor = actor }()
	tx.Actor = xiangpei.Actor{Name: "matrix", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}
	for i, region := range []string{"430211", "430202"} {
		run, err := tx.StartAuditRun(region, year)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = run.ID
	}
	for label := range w.own {
		w.own[label]["auditrun"], w.foreign[label]["auditrun"] = fmt.Sprint(ids[0]), fmt.Sprint(ids[1])
	}
}
