package web

import (
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixComplaints adds complaints to the authorisation matrix: the own person's complaint
// against the own employer (天元区 430211) and the foreign person's against the foreign
// employer (荷塘区 430202), the same {complaint} pair for every role.
func matrixComplaints(t *testing.T, tx *store.Tx, w *matrixWorld, employers [2]xiangpei.Organisation, pOwn, pForeign xiangpei.Person) {
	t.Helper()
	var ids [2]int64
	for i, p := range []xiangpei.Person{pOwn, pForeign} {
		c, err := tx.FileComplaint(xiangpei.Scope{PersonID: p.ID}, store.ComplaintInput{Kind: xiangpei.ComplaintContract,
			CreditCode: string(employers[i].CreditCode), Facts: "未签劳动合同"})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	for label := range w.own {
		w.own[label]["complaint"], w.foreign[label]["complaint"] = fmt.Sprint(ids[0]), fmt.Sprint(ids[1])
	}
}
