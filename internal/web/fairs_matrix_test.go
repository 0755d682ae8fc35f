package web

import (
	"fmt"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixFairs adds job fairs to the authorisation matrix: a published fair of 天元区 (430211,
// own: its officers manage it, everyone reads it) under way, and a draft fair of 荷塘区 (430202,
// foreign: its management is another region's, and a draft is nobody's public page), the same
// {fair} pair for every role.
func matrixFairs(t *testing.T, tx *store.Tx, w *matrixWorld) {
	t.Helper()
	var ids [2]int64
	for i, county := range []string{"430211", "430202"} {
		now := tx.Now
		f, err := tx.SaveFair(xiangpei.Scope{Region: county}, xiangpei.JobFair{Name: "矩阵招聘会", Kind: xiangpei.FairBoth, Venue: "人力资源市场",
			County: county, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(24 * time.Hour), SignupFrom: now.Add(-2 * time.Hour),
			SignupTo: now.Add(24 * time.Hour), Booths: 20}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if f, err = tx.MoveFair(xiangpei.Scope{Region: county}, f.ID, f.Version, store.FairPublish); err != nil {
				t.Fatal(err)
			}
		}
		ids[i] = f.ID
	}
	for label := range w.own {
		w.own[label]["fair"], w.foreign[label]["fair"] = fmt.Sprint(ids[0]), fmt.Sprint(ids[1])
	}
}
