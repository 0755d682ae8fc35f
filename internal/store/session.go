package store

import (
	"context"
	"database/sql"
	"time"

	"xiangpei"
)

// Session is a signed-in browser. Its id is known only to the browser; the database keeps
// the id's digest.
type Session struct {
	IDHash       string
	AccountID    int64
	CSRF         string
	SecondFactor bool
	CreatedAt    time.Time
	LastSeen     time.Time
}

// Expired reports whether the session has passed its idle or absolute limit at now.
func (s Session) Expired(now time.Time) bool {
	return now.Sub(s.LastSeen) > xiangpei.SessionIdle || now.Sub(s.CreatedAt) > xiangpei.SessionAbsolute
}

// CreateSession starts a session. Signing in always creates a new one (rotation), and the
// caller ends the old one.
func (tx *Tx) CreateSession(s Session) error {
	_, err := tx.exec(`INSERT INTO sessions (id_hash, account_id, csrf, second_factor, created_at, last_seen)
		VALUES ($1, $2, $3, $4, $5, $5)`, s.IDHash, s.AccountID, s.CSRF, s.SecondFactor, tx.Now)
	return err
}

// EndSession deletes a session (logout, rotation).
func (tx *Tx) EndSession(idHash string) error {
	_, err := tx.exec(`DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return err
}

// MarkSecondFactor records that the session's owner passed the TOTP check.
func (tx *Tx) MarkSecondFactor(idHash string) error {
	_, err := tx.exec(`UPDATE sessions SET second_factor = TRUE WHERE id_hash = $1`, idHash)
	return err
}

// SessionWithAccount loads a session and its account for one request.
func (db *DB) SessionWithAccount(ctx context.Context, idHash string) (Session, xiangpei.Account, error) {
	var s Session
	row := db.read.QueryRowContext(ctx, `SELECT s.id_hash, s.account_id, s.csrf, s.second_factor, s.created_at, s.last_seen, `+
		accountColumnsOf("a.")+` FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1`, idHash)
	a, err := scanAccountAfter(row, &s.IDHash, &s.AccountID, &s.CSRF, &s.SecondFactor, &s.CreatedAt, &s.LastSeen)
	return s, a, mapError(err, "session")
}

// TouchSession moves a session's idle clock. It is bookkeeping, not a change of record, so
// it bypasses the audited transaction; at most once a minute per session.
func (db *DB) TouchSession(ctx context.Context, idHash string, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE id_hash = $2 AND last_seen < $3`,
		now.UTC(), idHash, now.UTC().Add(-time.Minute))
	return err
}

// DeleteExpiredSessions removes sessions past their limits.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen < $1 OR created_at < $2`,
		now.UTC().Add(-xiangpei.SessionIdle), now.UTC().Add(-xiangpei.SessionAbsolute))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// APIToken is a machine credential; only its digest is stored.
type APIToken struct {
	ID         int64
	AccountID  int64
	Name       string
	CreatedAt  time.Time
	RevokedAt  time.Time
	LastUsedAt time.Time
}

// CreateToken stores a new token's digest for an account.
func (tx *Tx) CreateToken(accountID int64, name, digest string) (APIToken, error) {
	t := APIToken{ID: xiangpei.NewID(), AccountID: accountID, Name: name, CreatedAt: tx.Now}
	if len([]rune(name)) < 2 || len([]rune(name)) > 60 {
		return t, xiangpei.Errorf(xiangpei.Invalid, "token.name", "Give the token a name of 2–60 characters that says what uses it.")
	}
	if _, err := tx.exec(`INSERT INTO api_tokens (id, account_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, accountID, name, digest, tx.Now); err != nil {
		return t, err
	}
	return t, tx.Audit("token.create", "account", accountID, "", map[string]any{"token": t.ID, "name": name})
}

// RevokeToken revokes a token of an account.
func (tx *Tx) RevokeToken(accountID, tokenID int64) error {
	res, err := tx.exec(`UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL`, tx.Now, tokenID, accountID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return xiangpei.ErrNotFound("token")
	}
	return tx.Audit("token.revoke", "account", accountID, "", map[string]any{"token": tokenID})
}

// Tokens lists an account's tokens.
func (db *DB) Tokens(ctx context.Context, accountID int64) ([]APIToken, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, account_id, name, created_at, revoked_at, last_used_at
		FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC`, accountID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (APIToken, error) {
		var t APIToken
		var rev, used sql.NullTime
		err := r.Scan(&t.ID, &t.AccountID, &t.Name, &t.CreatedAt, &rev, &used)
		t.RevokedAt, t.LastUsedAt = rev.Time, used.Time
		return t, err
	})
}

// AccountByToken finds the live account behind a token digest.
func (db *DB) AccountByToken(ctx context.Context, digest string) (xiangpei.Account, error) {
	a, err := scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumnsOf("a.")+`
		FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, digest))
	if err != nil {
		return a, mapError(err, "token")
	}
	_, _ = db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2`, db.Now(), digest)
	return a, nil
}
