package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"xiangpei"
)

// Idempotent is a stored response to a create request that carried an Idempotency-Key.
type Idempotent struct {
	RequestHash string
	Status      int // 0 while the first request is still running
	Body        string
}

// ReserveIdempotencyKey claims a key for a request. When the key is new it returns
// (nil, nil) and the caller runs the request; otherwise it returns the earlier record, and the
// caller replays it (same request), or refuses (different request, or still running).
func (db *DB) ReserveIdempotencyKey(ctx context.Context, accountID int64, key, requestHash string) (*Idempotent, error) {
	res, err := db.write.ExecContext(ctx, `INSERT INTO idempotency_keys (account_id, key, request_hash, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, key) DO NOTHING`, accountID, key, requestHash, db.Now())
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	var rec Idempotent
	err = db.read.QueryRowContext(ctx, `SELECT request_hash, status, body FROM idempotency_keys WHERE account_id = $1 AND key = $2`,
		accountID, key).Scan(&rec.RequestHash, &rec.Status, &rec.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, xiangpei.Errorf(xiangpei.Conflict, "idempotency.busy", "This request is being handled; try again in a moment.")
	}
	return &rec, err
}

// FinishIdempotencyKey stores the response of the first request under its key, or releases the
// key when the request failed in a way worth retrying (status 0).
func (db *DB) FinishIdempotencyKey(ctx context.Context, accountID int64, key string, status int, body string) error {
	if status == 0 || status >= 500 {
		_, err := db.write.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2`, accountID, key)
		return err
	}
	_, err := db.write.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, body = $2 WHERE account_id = $3 AND key = $4`,
		status, body, accountID, key)
	return err
}

// DeleteOldIdempotencyKeys forgets keys older than a day, as Stripe does.
func (db *DB) DeleteOldIdempotencyKeys(ctx context.Context, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, now.UTC().Add(-24*time.Hour))
	return err
}
