package web

import (
	"testing"

	"xiangpei/internal/store"
)

// matrixPayments gives every role a {batch}: no batch exists in the matrix world (building one
// needs approved claim lines), so own and foreign both name missing batches and must be 404;
// the store tests (TestPaymentWholePath) check another region's real batch is NotFound.
func matrixPayments(t *testing.T, tx *store.Tx, w *matrixWorld) {
	t.Helper()
	for label := range w.own {
		w.own[label]["batch"], w.foreign[label]["batch"] = "1", "2"
	}
}
