package web

import (
	"strconv"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixHistory gives the matrix a real {upload}: a history file set checked by a system
// administrator, with a bad row, so that walking its commit route answers a refusal and
// writes nothing. History imports belong to no tenant: the same upload is every role's.
func matrixHistory(t *testing.T, tx *store.Tx, w *matrixWorld) {
	t.Helper()
	actor := tx.Actor
	defer func() { tx.Actor = actor }()
	tx.Actor = xiangpei.Actor{AccountID: 9300, Name: "matrix_sys", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}
	h, err := tx.CheckHistoryUpload("matrix", map[string][]byte{"insurance.csv": []byte("ext_id,person_ext_id,employer,starts_on\nI1,NOBODY,株洲某公司,2024-01-01\n")})
	if err != nil {
		t.Fatalf("matrix history: %v", err)
	}
	if h.Report.Clean {
		t.Fatal("matrix history: the set should have a bad row")
	}
	for label := range w.own {
		w.own[label]["upload"] = strconv.FormatInt(h.UploadID, 10)
		w.foreign[label]["upload"] = strconv.FormatInt(h.UploadID, 10)
	}
}
