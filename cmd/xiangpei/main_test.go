package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"xiangpei/internal/store"

	_ "modernc.org/sqlite"

	"xiangpei/internal/store/storetest"
)

func runCmd(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return out.String() + errb.String(), err
}

// databases returns a fresh SQLite path and, when configured, a fresh PostgreSQL database.
func databases(t *testing.T) map[string]string {
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "x.db")}
	if dsn := storetest.PostgresDSN(t); dsn != "" {
		dbs["postgres"] = dsn
	}
	return dbs
}

func TestSeedAndAuditVerify(t *testing.T) {
	for engine, dsn := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			out, err := runCmd(t, nil, "seed", "--demo", "--db", dsn)
			if err != nil || !strings.Contains(out, "admin") {
				t.Fatalf("seed --demo: %v\n%s", err, out)
			}
			if out, err := runCmd(t, nil, "seed", "--demo", "--db", dsn); err != nil || !strings.Contains(out, "already") {
				t.Fatalf("second seed: %v %s", err, out)
			}
			out, err = runCmd(t, map[string]string{"XIANGPEI_DB": dsn}, "audit", "verify")
			if err != nil || !strings.Contains(out, "intact") {
				t.Fatalf("audit verify on an untouched database: %v %s", err, out)
			}
			// Edit one entry by hand, as someone with database access might.
			driver := "sqlite"
			if engine == "postgres" {
				driver = "pgx"
			}
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`UPDATE audit_log SET account_name = 'someone-else' WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			_, err = runCmd(t, nil, "audit", "verify", "--db", dsn)
			if err == nil || !strings.Contains(err.Error(), "entry 3") {
				t.Fatalf("audit verify after a hand edit should fail naming entry 3, got %v", err)
			}
		})
	}
}

func TestTokenCreate(t *testing.T) {
	for engine, dsn := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			if _, err := runCmd(t, nil, "seed", "--demo", "--db", dsn); err != nil {
				t.Fatal(err)
			}
			out, err := runCmd(t, nil, "token", "create", "--account", "zz_officer", "--name", "attendance terminal", "--db", dsn)
			if err != nil || !strings.HasPrefix(out, "xp_") {
				t.Fatalf("token create: %v %q", err, out)
			}
			if _, err := runCmd(t, nil, "token", "create", "--account", "nobody", "--name", "x1", "--db", dsn); err == nil {
				t.Fatal("a token for an unknown account was created")
			}
		})
	}
}

// R6: a backup of a live SQLite database restores with every count and the audit chain intact.
func TestBackupRestores(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "live.db")
	if _, err := runCmd(t, nil, "seed", "--demo", "--db", src); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "backup.db")
	if out, err := runCmd(t, nil, "backup", "--to", dst, "--db", src); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	if _, err := runCmd(t, nil, "backup", "--to", dst, "--db", src); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	count := func(path string) map[string]int {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		out := map[string]int{}
		for _, tb := range []string{"persons", "organisations", "accounts", "occupations", "regions", "audit_log"} {
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM ` + tb).Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[tb] = n
		}
		return out
	}
	a, b := count(src), count(dst)
	for k, v := range a {
		if b[k] != v || v == 0 {
			t.Fatalf("%s: live %d, backup %d", k, v, b[k])
		}
	}
	if out, err := runCmd(t, nil, "audit", "verify", "--db", dst); err != nil {
		t.Fatalf("restored backup's audit chain: %v %s", err, out)
	}
	if _, err := os.Stat(dst); err != nil {
		t.Fatal(err)
	}
}

func TestUnknownCommand(t *testing.T) {
	if _, err := runCmd(t, nil, "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("unknown command: %v", err)
	}
}

// A database people already use never receives the demo accounts and their published
// password, even when serve runs with the default --demo.
func TestDemoNeverSeedsAUsedDatabase(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "prod.db")
	out, err := runCmd(t, nil, "user", "create", "--login", "root", "--name", "系统管理员", "--role", "admin", "--duty", "sysadmin", "--db", dsn)
	if err != nil || !strings.Contains(out, "one-time password") {
		t.Fatalf("user create: %v %s", err, out)
	}
	if out, err := runCmd(t, nil, "seed", "--demo", "--db", dsn); err == nil || strings.Contains(out, "demo world seeded") {
		t.Fatalf("seed --demo into a used database: %v %s", err, out)
	}
	if _, err := runCmd(t, nil, "token", "create", "--account", "admin", "--name", "probe", "--db", dsn); err == nil {
		t.Fatal("the demo admin account exists in a used database")
	}
}

func TestMigrate(t *testing.T) {
	for engine, dsn := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			want := fmt.Sprintf("database migrated to version %d (%s)", store.LatestMigration(), engine)
			for i := 0; i < 2; i++ { // a second run finds nothing to do and changes nothing
				out, err := runCmd(t, map[string]string{"XIANGPEI_DB": dsn}, "migrate")
				if err != nil || !strings.Contains(out, want) {
					t.Fatalf("migrate run %d: %v %s (want %q)", i+1, err, out, want)
				}
			}
			if out, err := runCmd(t, nil, "audit", "verify", "--db", dsn); err != nil || !strings.Contains(out, "1 entries") {
				t.Fatalf("migrate should write exactly one audit entry (the reference data): %v %s", err, out)
			}
		})
	}
}
