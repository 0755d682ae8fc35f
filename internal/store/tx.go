package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"xiangpei"
)

// Tx is one unit of change. Its time is taken once, at the start; every change it makes must
// be accompanied by an audit entry written in the same transaction, or it does not commit.
type Tx struct {
	tx      *sql.Tx
	db      *DB
	ctx     context.Context
	Now     time.Time
	Actor   xiangpei.Actor
	changed bool
	audited bool
}

// Tx runs fn in a transaction on behalf of actor, committing when fn returns nil.
func (db *DB) Tx(ctx context.Context, actor xiangpei.Actor, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, db: db, ctx: ctx, Now: db.Now(), Actor: actor}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if tx.changed && !tx.audited {
		_ = sqlTx.Rollback()
		return errors.New("store: a transaction changed data without writing an audit entry")
	}
	if err := sqlTx.Commit(); err != nil {
		return mapError(err, "record")
	}
	return nil
}

// exec runs a change and marks the transaction as needing an audit entry.
func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	tx.changed = true
	return tx.tx.ExecContext(tx.ctx, query, args...)
}

// execVersioned runs an UPDATE guarded by "AND version = $n"; when no row changes it tells a
// stale version apart from a missing row by asking exists.
func (tx *Tx) execVersioned(what, exists string, id any, query string, args ...any) error {
	res, err := tx.exec(query, args...)
	if err != nil {
		return mapError(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var one int
	if err := tx.tx.QueryRowContext(tx.ctx, exists, id).Scan(&one); err != nil {
		return mapError(err, what)
	}
	return xiangpei.StaleVersion()
}

func (tx *Tx) q() querier { return tx.tx }

// require runs a query that selects a row when something the change needs exists, and returns
// missing when it finds none.
func (tx *Tx) require(missing error, query string, args ...any) error {
	var one int
	err := tx.tx.QueryRowContext(tx.ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return missing
	}
	return err
}

// refuse runs a query that selects a row when the change would repeat something that exists,
// and returns exists when it finds one.
func (tx *Tx) refuse(exists error, query string, args ...any) error {
	var one int
	switch err := tx.tx.QueryRowContext(tx.ctx, query, args...).Scan(&one); {
	case err == nil:
		return exists
	case errors.Is(err, sql.ErrNoRows):
		return nil
	default:
		return err
	}
}

// Do runs fn in a transaction like DB.Tx and returns the value fn made, so that callers need
// no variable outside the closure.
func Do[T any](ctx context.Context, db *DB, actor xiangpei.Actor, fn func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := db.Tx(ctx, actor, func(tx *Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}
