// Package storetest gives tests a fresh, migrated database with the reference data loaded, on
// every engine: SQLite always, PostgreSQL when XIANGPEI_TEST_PG is set. Under CI=true a missing
// PostgreSQL fails the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"xiangpei/internal/seed"
	"xiangpei/internal/store"
)

// PGEnv names the environment variable holding the PostgreSQL server to test against, as a
// connection string without a database name, e.g. "host=/var/run/postgresql".
const PGEnv = "XIANGPEI_TEST_PG"

var (
	sqliteOnce sync.Once
	sqliteTmpl string
	sqliteErr  error
	pgOnce     sync.Once
	pgTmpl     string
	pgErr      error
)

// Engines returns one fresh database per engine available, each migrated and holding the
// reference data; they are closed and removed when the test ends.
func Engines(t testing.TB) []*store.DB {
	t.Helper()
	dbs := []*store.DB{SQLite(t)}
	if pg := Postgres(t); pg != nil {
		dbs = append(dbs, pg)
	}
	return dbs
}

// SQLite returns a fresh SQLite database in a temporary folder.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	sqliteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "xiangpei-tmpl-")
		if err != nil {
			sqliteErr = err
			return
		}
		sqliteTmpl = filepath.Join(dir, "template.db")
		db, err := store.Open(ctx, sqliteTmpl)
		if err != nil {
			sqliteErr = err
			return
		}
		defer db.Close()
		if sqliteErr = db.Migrate(ctx); sqliteErr != nil {
			return
		}
		if sqliteErr = seed.Reference(ctx, db); sqliteErr != nil {
			return
		}
		sqliteErr = db.Checkpoint(ctx)
	})
	if sqliteErr != nil {
		t.Fatalf("sqlite template: %v", sqliteErr)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := copyFile(sqliteTmpl, path); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresURL returns the server to test against, failing under CI=true when none is set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(PGEnv)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set, and under CI=true every store test must also run on PostgreSQL", PGEnv)
		}
		t.Logf("PostgreSQL skipped: set %s (e.g. host=/var/run/postgresql) to run the store tests on it too", PGEnv)
	}
	return u
}

// Postgres returns a fresh PostgreSQL database created from a migrated template, or nil when
// no server is configured outside CI.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	base := PostgresURL(t)
	if base == "" {
		return nil
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", withDB(base, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	pgOnce.Do(func() {
		pgTmpl = "xp_tmpl_" + randomHex(6)
		if _, pgErr = admin.ExecContext(ctx, "CREATE DATABASE "+pgTmpl); pgErr != nil {
			return
		}
		db, err := store.Open(ctx, withDB(base, pgTmpl))
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		if pgErr = db.Migrate(ctx); pgErr != nil {
			return
		}
		pgErr = seed.Reference(ctx, db)
	})
	if pgErr != nil {
		t.Fatalf("postgres template (is the server running? %s=%q): %v", PGEnv, base, pgErr)
	}
	name := "xp_test_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+pgTmpl); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	db, err := store.Open(ctx, withDB(base, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		a, err := sql.Open("pgx", withDB(base, "postgres"))
		if err == nil {
			_, _ = a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			a.Close()
		}
	})
	return db
}

// PostgresDSN creates an empty database for tests that need a connection string of their own
// (the binary started as a subprocess); it is dropped when the test ends.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	if base == "" {
		return ""
	}
	admin, err := sql.Open("pgx", withDB(base, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "xp_test_" + randomHex(8)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", withDB(base, "postgres"))
		if err == nil {
			_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	return withDB(base, name)
}

// withDB adds or replaces the database name in a keyword/value or URL connection string.
func withDB(base, name string) string {
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		i := strings.Index(base[strings.Index(base, "//")+2:], "/")
		q := ""
		if j := strings.IndexByte(base, '?'); j >= 0 {
			q = base[j:]
			base = base[:j]
		}
		if i >= 0 {
			base = base[:strings.Index(base, "//")+2+i]
		}
		return base + "/" + name + q
	}
	var parts []string
	for _, f := range strings.Fields(base) {
		if !strings.HasPrefix(f, "dbname=") {
			parts = append(parts, f)
		}
	}
	return strings.Join(append(parts, "dbname="+name), " ")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
