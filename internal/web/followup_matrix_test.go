package web

import (
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixFollowUp adds employment records to the authorisation matrix: a self-report of the own
// person (天元区 430211) and one of the foreign person (荷塘区 430202), the same {record} pair
// for every role. {trainee} is the matrix's own.
func matrixFollowUp(t *testing.T, tx *store.Tx, w *matrixWorld, pOwn, pForeign xiangpei.Person) {
	t.Helper()
	var ids [2]int64
	for i, p := range []xiangpei.Person{pOwn, pForeign} {
		e, err := tx.ReportEmployment(xiangpei.Scope{PersonID: p.ID}, store.EmploymentEntry{EmployerName: "矩阵测试单位", County: p.County,
			StartsOn: xiangpei.ChinaDate(tx.Now)})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = e.ID
	}
	for label := range w.own {
		w.own[label]["record"], w.foreign[label]["record"] = fmt.Sprint(ids[0]), fmt.Sprint(ids[1])
	}
}
