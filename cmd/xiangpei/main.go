// Command xiangpei is the whole platform in one binary: the web server and JSON API, and the
// command-line tools that migrate, seed, verify, back up and issue API tokens.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "xiangpei:", err)
		os.Exit(1)
	}
}

const usage = `usage: xiangpei [command] [flags]

commands:
  serve                      run the platform (the default)
  migrate                    bring the database schema and reference data up to date
  seed --demo                seed the Zhuzhou demo world
  audit verify               check the audit trail's hash chain (exit 0 when intact)
  token create --account NAME --name LABEL
                             create an API token for an account (printed once)
  user create --login NAME --name "显示名" --role admin --duty sysadmin [--region CODE]
                             create an account and print its one-time password
  backup --to FILE           online backup of a SQLite database
  import history --dir DIR [--source NAME] [--commit]
                             history import of a previous system's CSV files
                             (docs/history-import.md): a dry run unless --commit
  terminal simulate --server URL --terminal ID --session ID --ids FILE
                             play an attendance terminal against a running server

every command takes --db (or XIANGPEI_DB): a SQLite file path (default ./xiangpei.db)
or a postgres:// URL.
`

// run is the program: args without the program name, the environment as a lookup function,
// and where to write. It returns instead of exiting, so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	if cmd == "audit" || cmd == "token" || cmd == "user" {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return fmt.Errorf("%s needs a subcommand\n%s", cmd, usage)
		}
		cmd, args = cmd+" "+args[0], args[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := fs.String("db", envOr(getenv, "XIANGPEI_DB", "xiangpei.db"), "database: SQLite file path or postgres:// URL")
	addr := fs.String("addr", envOr(getenv, "XIANGPEI_ADDR", "localhost:8080"), "listen address (serve)")
	demo := fs.Bool("demo", envOr(getenv, "XIANGPEI_DEMO", "true") == "true", "seed the demo world into an empty database (serve, seed)")
	secure := fs.Bool("secure-cookies", envOr(getenv, "XIANGPEI_SECURE_COOKIES", "false") == "true", "mark cookies Secure (behind TLS)")
	account := fs.String("account", "", "account login (token create)")
	name := fs.String("name", "", "token label (token create) or display name (user create)")
	login := fs.String("login", "", "login (user create)")
	role := fs.String("role", "", "role (user create)")
	duty := fs.String("duty", "", "comma-separated duties (user create)")
	region := fs.String("region", "", "region code (user create, officers)")
	to := fs.String("to", "", "backup file (backup)")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	switch cmd {
	case "serve", "migrate", "seed", "audit verify", "token create", "user create", "backup":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "terminal": // needs no database: it plays an attendance terminal against a server (terminal.go)
		return terminal(ctx, args, getenv, stdout, stderr)
	case "import": // its own flags (history.go)
		return importCommand(ctx, args, getenv, stdout, stderr)
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}

	db, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if now := clockOf(ctx); now != nil {
		db.SetClock(now)
	}

	switch cmd {
	case "migrate":
		if err := migrate(ctx, db); err != nil {
			return err
		}
		v, _ := db.SchemaVersion(ctx)
		fmt.Fprintf(stdout, "database migrated to version %d (%s)\n", v, db.Engine)
		return nil
	case "seed":
		if !*demo {
			return errors.New("seed: only --demo is available")
		}
		if err := migrate(ctx, db); err != nil {
			return err
		}
		seeded, err := seed.Demo(ctx, db)
		if err != nil {
			return err
		}
		if seeded {
			printDemo(stdout)
		} else {
			fmt.Fprintln(stdout, "the demo world is already seeded")
		}
		return nil
	case "audit verify":
		bad, reason, err := db.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		if bad != 0 {
			return fmt.Errorf("audit trail broken at entry %d: %s", bad, reason)
		}
		n, _ := db.AuditCount(ctx)
		fmt.Fprintf(stdout, "audit trail intact: %d entries\n", n)
		return nil
	case "token create":
		return createToken(ctx, db, *account, *name, stdout)
	case "user create":
		return createUser(ctx, db, *login, *name, *role, *duty, *region, stdout)
	case "backup":
		return backup(ctx, db, *to, stdout)
	}
	return serve(ctx, db, logger, *addr, *demo, *secure, stdout)
}

// clockKey carries a clock in run's context. Only the in-process browser journeys set one, to
// walk a class from its filing to its closing in minutes; the program itself always runs on
// the real clock (nil).
type clockKey struct{}

func clockOf(ctx context.Context) func() time.Time {
	now, _ := ctx.Value(clockKey{}).(func() time.Time)
	return now
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// migrate brings the schema up to date and loads reference data into empty tables.
func migrate(ctx context.Context, db *store.DB) error {
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	return seed.Reference(ctx, db)
}

func printDemo(w io.Writer) {
	fmt.Fprintf(w, "demo world seeded (株洲). Every demo account's password is %s\n", seed.DemoPassword)
	fmt.Fprintln(w, "officers and administrators: the one-time code is shown on the page of a demo database")
	for _, a := range seed.DemoAccounts {
		fmt.Fprintf(w, "  %-15s %-12s %s\n", a.Login, a.Role, a.Try)
	}
}

func serve(ctx context.Context, db *store.DB, logger *slog.Logger, addr string, demo, secure bool, stdout io.Writer) error {
	start := time.Now()
	if err := migrate(ctx, db); err != nil {
		return err
	}
	if demo {
		seeded, err := seed.Demo(ctx, db)
		if err != nil {
			logger.Warn("demo not seeded", "reason", err.Error())
		}
		if seeded {
			printDemo(stdout)
		}
	}
	srv, err := web.New(db, web.Config{Logger: logger, SecureCookie: secure, Now: clockOf(ctx)})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	fmt.Fprintf(stdout, "xiangpei serving http://%s (%s) — ready in %s\n", ln.Addr(), db.Engine, time.Since(start).Round(time.Millisecond))
	go housekeeping(ctx, db, srv, logger)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shutdown)
}

// housekeeping removes expired sessions and old idempotency keys every few minutes, and sends
// the saved-search text alerts still waiting (the sender was down, or the process stopped
// between a publication and its sending).
func housekeeping(ctx context.Context, db *store.DB, srv *web.Server, logger *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if _, err := db.DeleteExpiredSessions(ctx, now); err != nil {
				logger.Error("session clean-up", "err", err.Error())
			}
			if err := db.DeleteOldIdempotencyKeys(ctx, now); err != nil {
				logger.Error("idempotency clean-up", "err", err.Error())
			}
			if _, failed, err := srv.SendSMSAlerts(ctx, 1000); err != nil || failed > 0 {
				logger.Error("saved-search text alerts", "failed", failed, "err", fmt.Sprint(err))
			}
		}
	}
}

func createToken(ctx context.Context, db *store.DB, login, name string, stdout io.Writer) error {
	if login == "" || name == "" {
		return errors.New("token create needs --account NAME and --name LABEL")
	}
	a, err := db.AccountByLogin(ctx, login)
	if err != nil {
		return fmt.Errorf("account %s: %w", login, err)
	}
	if a.Disabled {
		return fmt.Errorf("account %s is disabled", login)
	}
	secret := "xp_" + auth.Secret(32)
	err = db.Tx(ctx, xiangpei.Actor{Name: "cli"}, func(tx *store.Tx) error {
		_, err := tx.CreateToken(a.ID, name, auth.Digest(secret))
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

func createUser(ctx context.Context, db *store.DB, login, name, role, duty, region string, stdout io.Writer) error {
	if err := migrate(ctx, db); err != nil {
		return err
	}
	duties, err := xiangpei.ParseDuties(duty)
	if err != nil {
		return err
	}
	if name == "" {
		name = login
	}
	pw := "Xp-" + auth.Secret(12)
	err = db.Tx(ctx, xiangpei.Actor{Name: "cli"}, func(tx *store.Tx) error {
		_, err := tx.CreateAccount(xiangpei.AccountInput{Login: login, DisplayName: name, Role: xiangpei.Role(role), Duties: duties, Region: region},
			auth.HashPassword(pw, auth.DefaultParams), true)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "account %s created; one-time password (change at first sign-in): %s\n", login, pw)
	return nil
}

// backup copies a live SQLite database with VACUUM INTO, which reads one consistent snapshot
// while the server keeps writing.
func backup(ctx context.Context, db *store.DB, to string, stdout io.Writer) error {
	if to == "" {
		return errors.New("backup needs --to FILE")
	}
	if err := db.Backup(ctx, to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", to)
	return nil
}
