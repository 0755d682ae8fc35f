// Package storetest gives tests a fresh, migrated database with the reference data loaded, on
// every engine: SQLite always, PostgreSQL when XIANGPEI_TEST_PG is set. Under CI=true a missing
// PostgreSQL fails the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
	sqliteOnce.Do(func() { sqliteTmpl, sqliteErr = sqliteTemplate(ctx) })
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
	pgOnce.Do(func() { pgTmpl, pgErr = postgresTemplate(ctx, admin, base) })
	if pgErr != nil {
		t.Fatalf("postgres template (is the server running? %s=%q): %v", PGEnv, base, pgErr)
	}
	db, err := store.Open(ctx, createDatabase(t, admin, base, " TEMPLATE "+pgTmpl))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() }) // runs before the database is dropped
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
	return createDatabase(t, admin, base, "")
}

// createDatabase creates a database for one test (from a template when tmpl names one) and
// drops it when the test ends; it returns the connection string.
func createDatabase(t testing.TB, admin *sql.DB, base, tmpl string) string {
	t.Helper()
	name := "xp_test_" + randomHex(8)
	if _, err := admin.Exec("CREATE DATABASE " + name + tmpl); err != nil {
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

// fingerprint names the templates after what they hold: the migrations and the reference data
// (with its generated ids left out), so every test process of one build shares one template
// and a changed schema or seed gets a new one.
func fingerprint() (string, error) {
	m, err := store.MigrationsFingerprint()
	if err != nil {
		return "", err
	}
	d, err := seed.ReferenceData()
	if err != nil {
		return "", err
	}
	for i := range d.Occupations {
		d.Occupations[i].ID = 0
	}
	for i := range d.SpecialActions {
		d.SpecialActions[i].ID = 0
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(append([]byte(m), b...))
	return hex.EncodeToString(sum[:6]), nil
}

// sqliteTemplate builds (once per build, shared by test processes) a migrated SQLite file with
// the reference data, written under a temporary name and renamed into place so that a process
// never copies a half-written template; templates of earlier builds are removed.
func sqliteTemplate(ctx context.Context) (string, error) {
	fp, err := fingerprint()
	if err != nil {
		return "", err
	}
	path := filepath.Join(os.TempDir(), "xiangpei-template-"+fp+".db")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := path + "." + randomHex(4) + ".tmp"
	db, err := store.Open(ctx, tmp)
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	if err == nil {
		err = seed.Reference(ctx, db)
	}
	if err == nil {
		err = db.Checkpoint(ctx)
	}
	db.Close()
	if err == nil {
		err = os.Rename(tmp, path)
	}
	for _, f := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		_ = os.Remove(f)
	}
	if err != nil {
		return "", err
	}
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "xiangpei-template-*.db"))
	for _, f := range old {
		if info, err := os.Stat(f); f != path && err == nil && time.Since(info.ModTime()) > time.Hour {
			_ = os.Remove(f)
		}
	}
	return path, nil
}

// postgresTemplate builds (once per build, shared by test processes under an advisory lock) a
// migrated template database with the reference data, and drops templates of earlier builds.
func postgresTemplate(ctx context.Context, admin *sql.DB, base string) (string, error) {
	fp, err := fingerprint()
	if err != nil {
		return "", err
	}
	name := "xp_tmpl_" + fp
	conn, err := admin.Conn(ctx) // the advisory lock belongs to one session
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(74290001)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(74290001)`)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Templates of other schemas are dropped, except the two newest: another checkout's test run
	// (another branch, a change with a new migration) may be using one at this moment.
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'xp\_tmpl\_%' ORDER BY oid DESC OFFSET 2`)
	if err != nil {
		return "", err
	}
	var stale []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			stale = append(stale, n)
		}
	}
	rows.Close()
	for _, n := range stale {
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+n)
	}
	// Build under a temporary name and rename, so a failed build leaves no template behind.
	tmp := name + "_build"
	_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+tmp)
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+tmp); err != nil {
		return "", err
	}
	db, err := store.Open(ctx, withDB(base, tmp))
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	if err == nil {
		err = seed.Reference(ctx, db)
	}
	db.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+tmp+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
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
