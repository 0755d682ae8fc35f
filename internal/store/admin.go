package store

import (
	"context"
	"time"

	"xiangpei"
)

// ListLockedAccounts lists the accounts locked out by failed sign-ins at now, the longest
// locked first, with the total, for the security administrator to unlock.
func (db *DB) ListLockedAccounts(ctx context.Context, now time.Time, page Page) ([]xiangpei.Account, int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE locked_until > $1`, now.UTC()).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE locked_until > $1
		ORDER BY locked_until DESC, login LIMIT $2 OFFSET $3`, now.UTC(), page.limit(), page.offset())
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanAccount)
	return out, total, err
}
