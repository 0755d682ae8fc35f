package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"time"

	"xiangpei"
)

// Uploads keep an imported file between the dry run, which shows every row that would be
// refused, and the commit, which adds the good rows. The file is read again at commit, so the
// commit imports exactly what the dry run showed; an upload commits once.

// Upload is a file kept for an import.
type Upload struct {
	ID          int64
	Purpose     string // "roster", "attendance"
	ClassID     int64
	OrgID       int64
	AccountID   int64
	Name        string
	SHA256      string
	Data        []byte
	CreatedAt   time.Time
	CommittedAt time.Time // zero until committed
}

// uploadTTL is how long an upload waits for its commit.
const uploadTTL = 24 * time.Hour

// SaveUpload keeps a file uploaded by the transaction's actor for an import, and forgets that
// actor's uploads older than a day.
func (tx *Tx) SaveUpload(u Upload) (Upload, error) {
	now := tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`DELETE FROM uploads WHERE account_id = $1 AND created_at < $2`, tx.Actor.AccountID, now.Add(-uploadTTL)); err != nil {
		return u, err
	}
	sum := sha256.Sum256(u.Data)
	u.ID, u.AccountID, u.SHA256, u.CreatedAt = xiangpei.NewID(), tx.Actor.AccountID, hex.EncodeToString(sum[:]), now
	if _, err := tx.exec(`INSERT INTO uploads (id, purpose, class_id, org_id, account_id, name, sha256, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, u.ID, u.Purpose, u.ClassID, u.OrgID, u.AccountID, u.Name, u.SHA256,
		u.Data, now); err != nil {
		return u, err
	}
	if err := tx.Audit("upload.save", "upload", u.ID, "", map[string]any{"purpose": u.Purpose, "class": u.ClassID,
		"name": u.Name, "sha256": u.SHA256, "bytes": len(u.Data)}); err != nil {
		return u, err
	}
	return u, nil
}

// uploadWhere finds an upload of the transaction's actor ($2) by id ($1), purpose ($3) and
// class or plan ($4), no older than uploadTTL ($5).
const uploadWhere = ` FROM uploads WHERE id = $1 AND account_id = $2 AND purpose = $3 AND class_id = $4 AND created_at >= $5`

// Upload reads an upload of the transaction's actor for a purpose and class; another
// account's, or one older than a day, is NotFound.
func (tx *Tx) Upload(id int64, purpose string, classID int64) (Upload, error) {
	var u Upload
	var committed sql.NullTime
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id, purpose, class_id, org_id, account_id, name, sha256, data, created_at, committed_at`+uploadWhere,
		id, tx.Actor.AccountID, purpose, classID, tx.Now.Add(-uploadTTL)).Scan(&u.ID, &u.Purpose, &u.ClassID, &u.OrgID,
		&u.AccountID, &u.Name, &u.SHA256, &u.Data, &u.CreatedAt, &committed)
	if err != nil {
		return u, mapError(err, "Upload")
	}
	if committed.Valid {
		u.CommittedAt = committed.Time.UTC()
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

// takeUpload is the start of every import's commit: the upload its dry run kept (found like
// Upload) is marked committed — once only, a second commit is a Conflict — and its name and
// SHA-256 are read, not its data, which the caller has parsed already.
func (tx *Tx) takeUpload(id int64, purpose string, classID int64) (Upload, error) {
	u := Upload{ID: id, Purpose: purpose, ClassID: classID}
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT name, sha256`+uploadWhere, id, tx.Actor.AccountID, purpose, classID,
		tx.Now.Add(-uploadTTL)).Scan(&u.Name, &u.SHA256)
	if err != nil {
		return u, mapError(err, "Upload")
	}
	return u, tx.CommitUpload(id)
}

// CommitUpload marks an upload committed; a second commit is a Conflict, so that a retried
// commit never imports twice.
func (tx *Tx) CommitUpload(id int64) error {
	r, err := tx.exec(`UPDATE uploads SET committed_at = $2 WHERE id = $1 AND committed_at IS NULL`, id, tx.Now.Truncate(time.Microsecond))
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return xiangpei.Errorf(xiangpei.Conflict, "upload.committed", "This file has already been imported.")
	}
	return nil
}

// UploadCount is the number of uploads kept, for tests.
func (db *DB) UploadCount(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM uploads`).Scan(&n)
	return n, err
}
