package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"xiangpei"
)

// AuditEntry is one row of the append-only, hash-chained audit trail.
type AuditEntry struct {
	Seq         int64
	At          time.Time
	AccountID   int64
	AccountName string
	Action      string
	ObjectType  string
	ObjectID    string
	Region      string
	Detail      string
	PrevHash    string
	Hash        string
}

const auditColumns = `seq, at, account_id, account_name, action, object_type, object_id, region, detail, prev_hash, hash`

func scanAuditEntry(row scanner) (AuditEntry, error) {
	var e AuditEntry
	err := row.Scan(&e.Seq, &e.At, &e.AccountID, &e.AccountName, &e.Action, &e.ObjectType,
		&e.ObjectID, &e.Region, &e.Detail, &e.PrevHash, &e.Hash)
	return e, err
}

// ChainHash is the hash of an entry: SHA-256 over the previous hash and every field, each
// length-prefixed so that no two different entries can produce the same input.
func ChainHash(e AuditEntry) string {
	h := sha256.New()
	for _, f := range []string{e.PrevHash, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.AccountID, 10), e.AccountName, e.Action, e.ObjectType, e.ObjectID, e.Region, e.Detail} {
		fmt.Fprintf(h, "%d:%s|", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Audit appends an entry for the change this transaction makes. The head row is updated first,
// which takes its lock on PostgreSQL, so concurrent transactions append one after another.
func (tx *Tx) Audit(action, objectType string, objectID any, region string, detail any) error {
	d := ""
	switch v := detail.(type) {
	case nil:
	case string:
		d = v
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("audit detail: %w", err)
		}
		d = string(b)
	}
	e := AuditEntry{
		At: tx.Now.Truncate(time.Microsecond), AccountID: tx.Actor.AccountID, AccountName: tx.Actor.Name,
		Action: action, ObjectType: objectType, ObjectID: fmt.Sprint(objectID), Region: region, Detail: d,
	}
	if err := tx.tx.QueryRowContext(tx.ctx,
		`UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&e.Seq, &e.PrevHash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	e.Hash = ChainHash(e)
	if _, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO audit_log
		(seq, at, account_id, account_name, action, object_type, object_id, region, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.Seq, e.At, e.AccountID, e.AccountName, e.Action, e.ObjectType, e.ObjectID, e.Region, e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, e.Hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	tx.audited = true
	return nil
}

// VerifyAudit walks the whole chain in order and returns the sequence number of the first
// entry that does not verify (edited, deleted, inserted or reordered), or 0 when it is intact.
func (db *DB) VerifyAudit(ctx context.Context) (bad int64, reason string, err error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	prev, want := "", int64(1)
	for rows.Next() {
		e, err := scanAuditEntry(rows)
		if err != nil {
			return 0, "", err
		}
		switch {
		case e.Seq != want:
			return want, fmt.Sprintf("entry %d is missing (next entry is %d)", want, e.Seq), nil
		case e.PrevHash != prev:
			return e.Seq, "its link to the previous entry does not match", nil
		case ChainHash(e) != e.Hash:
			return e.Seq, "its content does not match its hash (edited by hand)", nil
		}
		prev, want = e.Hash, want+1
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	var headSeq int64
	var headHash string
	if err := db.read.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return 0, "", err
	}
	if headSeq != want-1 || headHash != prev {
		return want, fmt.Sprintf("the chain ends at entry %d but the head records entry %d (entries removed from the end)", want-1, headSeq), nil
	}
	return 0, "", nil
}

// AuditFilter selects audit entries to list.
type AuditFilter struct {
	ObjectType string
	ObjectID   string
	Action     string
	Before     int64 // page by seq, newest first
	Limit      int
}

// ListAudit lists audit entries within scope, newest first. Officers see entries of their
// region; the auditor and the administrators see all.
func (db *DB) ListAudit(ctx context.Context, s xiangpei.Scope, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Before <= 0 {
		f.Before = 1 << 62
	}
	if s.OrgID != 0 || s.PersonID != 0 {
		return nil, xiangpei.Errorf(xiangpei.Forbidden, "error.forbidden", "You may not read the audit trail.")
	}
	sa := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log
		WHERE seq < $1 AND ($2 = '' OR object_type = $2) AND ($3 = '' OR object_id = $3) AND ($4 = '' OR action LIKE $4)
		  AND ($5 OR (region <> '' AND region LIKE $6))
		ORDER BY seq DESC LIMIT $7`,
		f.Before, f.ObjectType, f.ObjectID, likePrefix(f.Action), sa.all, sa.region, f.Limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAuditEntry)
}

func likePrefix(s string) string {
	if s == "" {
		return ""
	}
	return s + "%"
}

// AuditCount returns the number of entries in the trail.
func (db *DB) AuditCount(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&n)
	return n, err
}
