package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportHistory runs "import history" on the store's fixture: a dry run that writes
// nothing, a commit, a refused second commit, and a broken copy that names its bad row.
func TestImportHistory(t *testing.T) {
	fixture := filepath.Join("..", "..", "internal", "store", "testdata", "history")
	for engine, dsn := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			if out, err := runCmd(t, nil, "migrate", "--db", dsn); err != nil {
				t.Fatalf("migrate: %v %s", err, out)
			}
			out, err := runCmd(t, nil, "import", "history", "--dir", fixture, "--db", dsn)
			if err != nil || !strings.Contains(out, "dry run clean") || !strings.Contains(out, "attendance.csv") {
				t.Fatalf("dry run: %v\n%s", err, out)
			}
			out, err = runCmd(t, nil, "import", "history", "--dir", fixture, "--db", dsn, "--source", "zz2019", "--commit")
			if err != nil || !strings.Contains(out, "committed") || !strings.Contains(out, "wrote attendance_events") {
				t.Fatalf("commit: %v\n%s", err, out)
			}
			out, err = runCmd(t, nil, "import", "history", "--dir", fixture, "--db", dsn, "--source", "zz2019", "--commit")
			if err == nil || !strings.Contains(out, "imported before") {
				t.Fatalf("second commit: %v\n%s", err, out)
			}
			// a broken copy: the row and its reason are printed, and the command fails
			broken := t.TempDir()
			ents, _ := os.ReadDir(fixture)
			for _, e := range ents {
				b, err := os.ReadFile(filepath.Join(fixture, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if e.Name() == "subsidies.csv" {
					b = []byte(strings.Replace(string(b), "1500.50", "壹仟元", 1))
				}
				if err := os.WriteFile(filepath.Join(broken, e.Name()), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			out, err = runCmd(t, nil, "import", "history", "--dir", broken, "--db", dsn, "--source", "other")
			if err == nil || !strings.Contains(out, "subsidies.csv:4: The amount") {
				t.Fatalf("broken copy: %v\n%s", err, out)
			}
			if _, err := runCmd(t, nil, "import", "history", "--db", dsn); err == nil {
				t.Fatal("no --dir accepted")
			}
		})
	}
}
