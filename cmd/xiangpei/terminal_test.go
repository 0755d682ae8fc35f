package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
	"xiangpei/internal/web"
)

// TestTerminalSimulate plays `xiangpei terminal simulate` against a server on both engines: two
// trainees check in and out, a stranger is refused, the replayed request is refused, and the
// summary carries counts and reasons but no ID number; a second run sends the same events,
// which are duplicates.
func TestTerminalSimulate(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			c := w.ApprovedClass(t, 10, 1)
			x := c.Sessions[0]
			var ids []string
			var term xiangpei.Terminal
			var secret string
			err := db.Tx(ctx, w.InstA, func(tx *store.Tx) error {
				for i := 1; i <= 3; i++ {
					id17 := fmt.Sprintf("43021119920304%03d", i)
					p, err := tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(id17 + string(xiangpei.IDCheckDigit(id17))),
						Name: fmt.Sprintf("模拟%d", i), Phone: fmt.Sprintf("1370733%04d", i), Household: xiangpei.HouseholdRural, County: "430211"})
					if err != nil {
						return err
					}
					ids = append(ids, string(p.IDNumber))
					if i < 3 { // the third is on no roster
						if _, err := tx.AddTrainee(w.InstA.Scope(), c.ID, p.ID, xiangpei.SourceManual); err != nil {
							return err
						}
					}
				}
				var err error
				term, secret, err = tx.RegisterTerminal(w.InstA.Scope(), w.Venue.ID, "实训楼大门")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// The rules run on the database's clock, just after the session; the signature's
			// timestamp is checked against the server's, which is the real clock, as the
			// simulator's is.
			db.SetClock(func() time.Time { return x.Ends.Add(time.Hour) })
			srv, err := web.New(db, web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			file := filepath.Join(t.TempDir(), "ids.txt")
			if err := os.WriteFile(file, []byte("# 今天的队伍\n"+strings.Join(ids, "\n")+"\n\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			env := func(k string) string {
				if k == "XIANGPEI_TERMINAL_SECRET" {
					return secret
				}
				return ""
			}
			args := []string{"terminal", "simulate", "--server", ts.URL, "--terminal", strconv.FormatInt(term.ID, 10),
				"--session", strconv.FormatInt(x.ID, 10), "--ids", file, "--at", x.Starts.Add(-5 * time.Minute).Format(time.RFC3339),
				"--gap", "20", "--checkout-after", "185"}
			var out, errOut bytes.Buffer
			if err := run(ctx, append(args, "--replay"), env, &out, &errOut); err != nil {
				t.Fatalf("simulate: %v\n%s%s", err, out.String(), errOut.String())
			}
			text := out.String()
			for _, want := range []string{"sent 6 pushes: 4 accepted, 0 duplicate, 2 refused", "attendance.not_on_roster",
				"refused with 409, as it must be"} {
				if !strings.Contains(text, want) {
					t.Errorf("summary lacks %q:\n%s", want, text)
				}
			}
			for _, id := range ids {
				if strings.Contains(text+errOut.String(), id) {
					t.Errorf("the summary shows an ID number")
				}
			}
			trainees, err := db.Trainees(ctx, xiangpei.Scope{All: true}, c.ID)
			if err != nil || len(trainees) != 2 {
				t.Fatalf("roster: %v", err)
			}
			for _, tr := range trainees {
				if tr.AttendedMinutes != x.Minutes() {
					t.Errorf("%s attended %d minutes, want %d", tr.Name, tr.AttendedMinutes, x.Minutes())
				}
			}
			out.Reset()
			if err := run(ctx, args, env, &out, &errOut); err != nil || !strings.Contains(out.String(), "0 accepted, 4 duplicate, 2 refused") {
				t.Fatalf("second run: %v\n%s", err, out.String())
			}
			// A wrong secret: every request is refused, and the command says so.
			out.Reset()
			err = run(ctx, append(args, "--secret", "xpt_wrong"), env, &out, &errOut)
			if err == nil || !strings.Contains(out.String(), "401 unauthorized") {
				t.Fatalf("wrong secret: %v\n%s", err, out.String())
			}
			if err := run(ctx, []string{"terminal", "simulate", "--ids-from-roster", "--terminal", "1", "--session", "1"}, env, &out, &errOut); err == nil ||
				!strings.Contains(err.Error(), "--ids FILE") {
				t.Fatalf("--ids-from-roster: %v", err)
			}
			if err := run(ctx, []string{"terminal", "simulate", "--terminal", "1", "--session", "1", "--ids", file}, func(string) string { return "" }, &out, &errOut); err == nil ||
				!strings.Contains(err.Error(), "secret") {
				t.Fatalf("no secret: %v", err)
			}
		})
	}
}
