package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"xiangpei/internal/seed"
	"xiangpei/internal/store"

	"xiangpei/internal/store/storetest"
)

// TestHistoryCertificateSource shows that migration 00016 widened the certificates' source
// check on both engines (SQLite through writable_schema): 'history' is taken, anything else
// is still refused.
func TestHistoryCertificateSource(t *testing.T) {
	fresh, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	// a database migrated here, by the connection that then writes (no template copy)
	if err := fresh.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := seed.Reference(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	for _, db := range append(storetest.Engines(t), fresh) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			now := time.Now().UTC()
			if err := db.Exec(ctx, `INSERT INTO persons (id, id_number, name, sex, birth_date, county, created_at, updated_at) VALUES (9001, '430203199001011234', '测试', 'M', '1990-01-01', '430203', $1, $1)`, now); err != nil {
				t.Fatal(err)
			}
			ins := `INSERT INTO certificates (id, number, kind, person_id, county, occupation_code, level, issuer_name, issued_on, source, source_id, status, created_at, updated_at)
				VALUES ($1, $2, 'skill', 9001, '430203', '4-10-01-05', '5', '旧系统', '2024-05-01', $3, $1, 'valid', $4, $4)`
			if err := db.Exec(ctx, ins, 9101, "OLD-1", "history", now); err != nil {
				t.Fatalf("history certificate refused: %v", err)
			}
			if err := db.Exec(ctx, ins, 9102, "OLD-2", "invented", now); err == nil {
				t.Fatal("a source outside the check was taken")
			}
		})
	}
}
