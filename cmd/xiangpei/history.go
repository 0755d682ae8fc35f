package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"xiangpei"
	"xiangpei/internal/store"
)

// importCommand runs "import history": the history import (docs/history-import.md) of a folder
// of CSV files. Without --commit it is a dry run that writes nothing and fails when any row is
// bad; with --commit the files are checked again and written in one transaction, or nothing is.
func importCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "history" {
		return fmt.Errorf("import needs a subcommand: history\n%s", usage)
	}
	fs := flag.NewFlagSet("import history", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := fs.String("db", envOr(getenv, "XIANGPEI_DB", "xiangpei.db"), "database: SQLite file path or postgres:// URL")
	dir := fs.String("dir", "", "folder holding the CSV files of the set")
	source := fs.String("source", "legacy", "name of the previous system, kept with each original id")
	commit := fs.Bool("commit", false, "write the records (without it: dry run only)")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("import history: --dir is required")
	}
	files, err := readHistoryDir(*dir)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if now := clockOf(ctx); now != nil {
		db.SetClock(now)
	}
	actor := xiangpei.Actor{Name: "cli", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}
	var rep store.HistoryReport
	if *commit {
		rep, err = store.Do(ctx, db, actor, func(tx *store.Tx) (store.HistoryReport, error) { return tx.ImportHistory(*source, files) })
	} else {
		rep, err = store.Do(ctx, db, actor, func(tx *store.Tx) (store.HistoryReport, error) { return tx.CheckHistory(*source, files) })
	}
	printHistoryReport(stdout, rep)
	if err != nil {
		return err
	}
	if !rep.Clean {
		return fmt.Errorf("import history: %d problems, nothing was imported", len(rep.Problems))
	}
	if *commit {
		fmt.Fprintln(stdout, "committed")
	} else {
		fmt.Fprintln(stdout, "dry run clean: run again with --commit to import")
	}
	return nil
}

// readHistoryDir reads the .csv files of a folder (and a .zip of them, if that is all it holds).
func readHistoryDir(dir string) (map[string][]byte, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	lim := store.DefaultHistoryLimits()
	var total int64
	for _, e := range ents {
		name := strings.ToLower(e.Name())
		if e.IsDir() || !(strings.HasSuffix(name, ".csv") || strings.HasSuffix(name, ".zip")) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if total += int64(len(b)); total > lim.MaxBytes {
			return nil, fmt.Errorf("import history: the files are larger than %d MiB", lim.MaxBytes>>20)
		}
		if strings.HasSuffix(name, ".zip") {
			inner, err := store.UnpackHistory(b, lim)
			if err != nil {
				return nil, err
			}
			for k, v := range inner {
				files[k] = v
			}
			continue
		}
		files[name] = b
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("import history: no .csv file in %s", dir)
	}
	return files, nil
}

func printHistoryReport(w io.Writer, r store.HistoryReport) {
	if r.Source == "" {
		return
	}
	fmt.Fprintf(w, "source %s\n%-20s %9s %9s %9s %9s\n", r.Source, "file", "read", "create", "match", "bad")
	for _, f := range r.Files {
		if f.Read == 0 && f.Bad == 0 {
			continue
		}
		fmt.Fprintf(w, "%-20s %9d %9d %9d %9d\n", f.File, f.Read, f.Create, f.Match, f.Bad)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "%s:%d: %s\n", p.File, p.Line, p.Text)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note %s:%d: %s\n", n.File, n.Line, n.Text)
	}
	if r.NotesOmitted > 0 {
		fmt.Fprintf(w, "(%d more notes or problems not listed)\n", r.NotesOmitted)
	}
	if len(r.Written) > 0 {
		tables := make([]string, 0, len(r.Written))
		for t := range r.Written {
			tables = append(tables, t)
		}
		sort.Strings(tables)
		for _, t := range tables {
			fmt.Fprintf(w, "wrote %-20s %9d\n", t, r.Written[t])
		}
	}
}
