package web

import (
	"strconv"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixSchoolRoster gives the matrix a real {rosterimport}: the own one is a registry roster
// checked by the matrix school's staff, with a bad row (no majors), so that walking its commit
// route answers a refusal and enrols nothing; the foreign one was uploaded by another school's
// staff, so it is a 404 for everyone else.
func matrixSchoolRoster(t *testing.T, tx *store.Tx, w *matrixWorld, schools [2]xiangpei.Organisation) {
	t.Helper()
	actor := tx.Actor
	defer func() { tx.Actor = actor }()
	data := []byte("身份证号,姓名,专业代码,入学年份,入学日期\n" + validID("43021120090101301") + ",王小明,0401,2025,2025-09-01\n")
	upload := func(a xiangpei.Actor) int64 {
		tx.Actor = a
		u, err := tx.SaveUpload(store.Upload{Purpose: store.UploadSchoolRoster, OrgID: a.OrgID, Name: "名册.csv", Data: data})
		if err != nil {
			t.Fatalf("matrix school roster: %v", err)
		}
		return u.ID
	}
	own := upload(w.actors["school"])
	foreign := upload(xiangpei.Actor{AccountID: 9310, Name: "matrix_school2", Role: xiangpei.RoleSchool, OrgID: schools[1].ID})
	for label := range w.own {
		w.own[label]["rosterimport"] = strconv.FormatInt(own, 10)
		w.foreign[label]["rosterimport"] = strconv.FormatInt(foreign, 10)
	}
}
