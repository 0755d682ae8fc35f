// Package store keeps the platform's data in SQLite (embedded, the default) or PostgreSQL.
// Every operation is one SQL string that both engines run; DDL lives in migrations/{sqlite,postgres}
// with the same version numbers, and a test checks that both schemas have the same columns.
package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"

	"xiangpei"
)

// Engine names a database engine.
type Engine string

// The two engines the platform runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

//go:embed migrations
var migrations embed.FS

// DB is the platform's database. Writes go through Tx; on SQLite they queue on one writer
// connection while reads use a pool of their own.
type DB struct {
	Engine Engine
	read   *sql.DB
	write  *sql.DB
	now    func() time.Time
	rules  *xiangpei.Rules // nil: the defaults of SPEC §8
}

// Open connects to a database: a postgres:// or postgresql:// URL, or else a SQLite file path
// (optionally prefixed sqlite: or file:).
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") || strings.Contains(dsn, "host=") {
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(16)
		pool.SetMaxIdleConns(16)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db := &DB{Engine: Postgres, read: pool, write: pool, now: time.Now}
		if err := pool.PingContext(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("connect postgres: %w", err)
		}
		return db, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if path == "" {
		return nil, errors.New("empty database path")
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	// busy_timeout first, so that every later pragma waits instead of failing.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_time_format", "sqlite")
	wq := url.Values{}
	for k, v := range q {
		wq[k] = v
	}
	wq.Set("_txlock", "immediate")
	write, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1) // one writer: writes queue instead of failing with SQLITE_BUSY
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	db := &DB{Engine: SQLite, read: read, write: write, now: time.Now}
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// Close closes the connections.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// SetClock replaces the clock, for tests that move time (session expiry, lock-outs).
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// SetRules replaces the rules of SPEC §8 that this database applies (tests and regions that
// set their own values).
func (db *DB) SetRules(r xiangpei.Rules) { db.rules = &r }

// Rules are the rules of SPEC §8 this database applies.
func (db *DB) Rules() xiangpei.Rules {
	if db.rules == nil {
		return xiangpei.DefaultRules()
	}
	return *db.rules
}

// Now is the database layer's clock, in UTC.
func (db *DB) Now() time.Time { return db.now().UTC() }

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

func (db *DB) provider() (*goose.Provider, error) {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if db.Engine == Postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, db.write, sub)
}

// Migrate brings the schema up to date.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// SchemaVersion returns the version of the newest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// mapError turns engine errors into domain errors in one place: unique violations become
// Conflict, a missing row becomes NotFound of what.
func mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return xiangpei.ErrNotFound(what)
	}
	var de *xiangpei.Error
	if errors.As(err, &de) {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505") ||
		strings.Contains(msg, "duplicate key value") {
		return xiangpei.Errorf(xiangpei.Conflict, "duplicate", "%v already exists.", what)
	}
	return err
}

// Checkpoint folds SQLite's write-ahead log into the database file, so that the file alone is
// a complete copy; on PostgreSQL it does nothing.
func (db *DB) Checkpoint(ctx context.Context) error {
	if db.Engine != SQLite {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// Backup writes a consistent copy of a live SQLite database to a new file. PostgreSQL is
// backed up with its own tools (pg_dump, base backups), as docs/operations.md says.
func (db *DB) Backup(ctx context.Context, to string) error {
	if db.Engine != SQLite {
		return xiangpei.Errorf(xiangpei.Invalid, "backup.postgres", "Back up PostgreSQL with pg_dump or a base backup.")
	}
	if _, err := os.Stat(to); err == nil {
		return xiangpei.Errorf(xiangpei.Conflict, "backup.exists", "The backup file %v already exists.", to)
	}
	_, err := db.write.ExecContext(ctx, `VACUUM INTO $1`, to)
	return err
}

// scanner is one row to read: a *sql.Row or the current row of *sql.Rows.
type scanner = interface{ Scan(dest ...any) error }

// collect reads every row of rows with scan, and closes rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// MigrationsFingerprint is a hash of every migration of both engines, so that tools can tell
// whether a database made earlier has the schema this build would make.
func MigrationsFingerprint() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// LatestMigration is the version of the newest migration this build carries (the same for
// both engines).
func LatestMigration() int64 {
	entries, _ := fs.ReadDir(migrations, "migrations/sqlite")
	var latest int64
	for _, e := range entries {
		var v int64
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}
