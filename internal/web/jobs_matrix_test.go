package web

import (
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixJobs adds this area's objects to the authorisation matrix: a published posting of
// each employer (天元区 430211 own, 荷塘区 430202 foreign), an application of the own person
// for the own posting and of the foreign person for the foreign one, and a report of each
// posting. {job} (the public page) is the own posting for everyone and not a tenant parameter.
func matrixJobs(t *testing.T, tx *store.Tx, w *matrixWorld, employers [2]xiangpei.Organisation, pOwn, pForeign xiangpei.Person) {
	t.Helper()
	var postings, apps, reports [2]int64
	cal := xiangpei.NewCalendar(nil, nil)
	for i, o := range employers {
		from := tx.Now
		p, err := tx.SavePosting(xiangpei.Scope{OrgID: o.ID}, xiangpei.JobPosting{Occupation: "6-18-02-04", Title: "矩阵焊工",
			Headcount: 2, Salary: xiangpei.Salary{MinFen: 400000, Unit: xiangpei.PerMonth}, WorkType: xiangpei.FullTime, County: o.County,
			ValidFrom: from, ValidTo: from.AddDate(0, 1, 0)}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p, _, err = tx.SubmitPosting(xiangpei.Scope{OrgID: o.ID}, p.ID, p.Version); err != nil || p.Status != xiangpei.PostingPublished {
			t.Fatalf("matrix posting: %v %v", err, p.Status)
		}
		postings[i] = p.ID
		person := []xiangpei.Person{pOwn, pForeign}[i]
		a, err := tx.Apply(xiangpei.Scope{PersonID: person.ID}, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		apps[i] = a.ID
		r, err := tx.ReportPosting(p.ID, 0, "要求交押金", cal)
		if err != nil {
			t.Fatal(err)
		}
		reports[i] = r.ID
	}
	for label := range w.own {
		for k, v := range map[string][2]int64{"posting": postings, "application": apps, "report": reports} {
			w.own[label][k], w.foreign[label][k] = fmt.Sprint(v[0]), fmt.Sprint(v[1])
		}
		w.own[label]["job"], w.foreign[label]["job"] = fmt.Sprint(postings[0]), fmt.Sprint(postings[0])
	}
}
