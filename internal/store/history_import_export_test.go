package store

import (
	"context"
	"database/sql"
)

// HistoryQueryRow runs a query on the read pool, for the history import's tests to count and
// read what the import wrote.
func (db *DB) HistoryQueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, query, args...)
}
