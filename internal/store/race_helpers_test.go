package store_test

import (
	"sync"
	"testing"

	"xiangpei"
)

// oneWins runs act(0) and act(1) at the same moment and checks that exactly one succeeds and
// the other is refused as a Conflict (with the message key, unless key is empty).
func oneWins(t *testing.T, what, key string, act func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = act(i) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("%s, two at once: %v / %v", what, errs[0], errs[1])
	}
	for _, err := range errs {
		if err != nil {
			wantKind(t, what+": the loser", err, xiangpei.Conflict, key)
		}
	}
}
