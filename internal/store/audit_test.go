package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

func writeEntries(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		err := db.Tx(context.Background(), xiangpei.Actor{AccountID: 7, Name: "tester"}, func(tx *store.Tx) error {
			return tx.SetSetting("test_key", strings.Repeat("x", i+1), false)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			writeEntries(t, db, 5)
			bad, reason, err := db.VerifyAudit(ctx)
			if err != nil || bad != 0 {
				t.Fatalf("untouched chain reported broken at %d (%s): %v", bad, reason, err)
			}
			n, _ := db.AuditCount(ctx)
			mid := n - 2
			if err := db.Exec(ctx, `UPDATE audit_log SET detail = '{"key":"test_key","new":"forged"}' WHERE seq = $1`, mid); err != nil {
				t.Fatal(err)
			}
			bad, reason, _ = db.VerifyAudit(ctx)
			if bad != mid || !strings.Contains(reason, "edited") {
				t.Fatalf("edited entry %d: verify says %d (%s)", mid, bad, reason)
			}
		})
	}
}

func TestAuditChainDetectsDeletion(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			writeEntries(t, db, 4)
			n, _ := db.AuditCount(ctx)
			if err := db.Exec(ctx, `DELETE FROM audit_log WHERE seq = $1`, n-1); err != nil {
				t.Fatal(err)
			}
			if bad, _, _ := db.VerifyAudit(ctx); bad != n-1 {
				t.Fatalf("deleted entry %d: verify says %d", n-1, bad)
			}
		})
	}
}

func TestAuditChainDetectsTruncation(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			writeEntries(t, db, 3)
			n, _ := db.AuditCount(ctx)
			if err := db.Exec(ctx, `DELETE FROM audit_log WHERE seq = $1`, n); err != nil {
				t.Fatal(err)
			}
			if bad, _, _ := db.VerifyAudit(ctx); bad != n {
				t.Fatalf("last entry %d removed: verify says %d", n, bad)
			}
		})
	}
}

// A transaction that changes data without an audit entry must not commit.
func TestChangeWithoutAuditIsRefused(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			err := db.Tx(ctx, xiangpei.Actor{Name: "t"}, func(tx *store.Tx) error {
				return tx.CreateSession(store.Session{IDHash: "h", AccountID: 1, CSRF: "c"})
			})
			if err == nil {
				t.Fatal("a change without an audit entry committed")
			}
		})
	}
}

// Concurrent transactions append to one unbroken chain.
func TestAuditChainUnderConcurrency(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			before, _ := db.AuditCount(ctx)
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for i := 0; i < 8; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					for j := 0; j < 5; j++ {
						errs <- db.Tx(ctx, xiangpei.Actor{Name: "c"}, func(tx *store.Tx) error {
							return tx.SetSetting("k"+string(rune('a'+i)), strings.Repeat("y", j+1), false)
						})
					}
				}(i)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil && !errors.Is(err, context.Canceled) {
					t.Fatal(err)
				}
			}
			after, _ := db.AuditCount(ctx)
			if after-before != 40 {
				t.Fatalf("40 changes wrote %d audit entries", after-before)
			}
			if bad, reason, err := db.VerifyAudit(ctx); err != nil || bad != 0 {
				t.Fatalf("chain broken at %d after concurrent writes: %s %v", bad, reason, err)
			}
		})
	}
}
