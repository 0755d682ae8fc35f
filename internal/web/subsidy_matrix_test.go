package web

import (
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixSubsidy adds this area's objects to the authorisation matrix: one subsidy rule version
// of 湖南省 and a budget of the matrix's county. {rule} is not a tenant parameter (rules are
// public policy, any officer reads any version), so the own and the foreign value are the same
// version; budgets have no path parameter (they are set by region, year and program).
func matrixSubsidy(t *testing.T, tx *store.Tx, w *matrixWorld) {
	t.Helper()
	saved := tx.Actor
	tx.Actor = xiangpei.Actor{Name: "matrix-admin", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}
	defer func() { tx.Actor = saved }()
	r, err := tx.AddSubsidyRule(xiangpei.DefaultSubsidyRule("430000", xiangpei.ChinaDate(tx.Now)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.SetBudget(xiangpei.Budget{Region: "430211", Year: tx.Now.In(xiangpei.ChinaTime).Year(), AmountFen: 100_000_000}); err != nil {
		t.Fatal(err)
	}
	for label := range w.own {
		w.own[label]["rule"], w.foreign[label]["rule"] = fmt.Sprint(r.ID), fmt.Sprint(r.ID)
	}
}
