package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// columns lists "table.column" for every table of the platform on either engine.
func columns(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	if db.Engine == store.Postgres {
		rows, err := db.QueryStrings(ctx, `SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`)
		if err != nil {
			t.Fatal(err)
		}
		out = rows
	} else {
		tables, err := db.QueryStrings(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
			AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables {
			cols, err := db.QueryStrings(ctx, `SELECT name FROM pragma_table_info($1)`, tb)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cols {
				out = append(out, tb+"."+c)
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestSchemasMatch(t *testing.T) {
	lite := storetest.SQLite(t)
	pg := storetest.Postgres(t)
	if pg == nil {
		t.Skip("PostgreSQL not configured: the two schemas cannot be compared here")
	}
	a, b := columns(t, lite), columns(t, pg)
	if len(a) < 50 {
		t.Fatalf("SQLite schema has only %d columns: migrations did not run", len(a))
	}
	if !slices.Equal(a, b) {
		var onlyLite, onlyPG []string
		for _, c := range a {
			if !slices.Contains(b, c) {
				onlyLite = append(onlyLite, c)
			}
		}
		for _, c := range b {
			if !slices.Contains(a, c) {
				onlyPG = append(onlyPG, c)
			}
		}
		t.Fatalf("schemas differ:\nonly in SQLite: %s\nonly in PostgreSQL: %s", strings.Join(onlyLite, ", "), strings.Join(onlyPG, ", "))
	}
	va, err := lite.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	vb, err := pg.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if va != vb {
		t.Fatalf("schema versions differ: SQLite %d, PostgreSQL %d", va, vb)
	}
}
