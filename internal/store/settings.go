package store

import (
	"context"
	"database/sql"
	"errors"
)

// Setting keys the platform knows.
const (
	SettingDemo            = "demo"             // "true" when the database was seeded as a demo
	SettingPasswordProfile = "password_profile" // "asvs" or "gov"
	SettingAuditKey        = "record_key"       // secret that signs exported lifelong records
)

// Setting reads a setting, returning def when it is not set.
func (db *DB) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	return v, err
}

// SetSetting writes a setting, with an audit entry that records the old and new value
// (secrets are recorded as changed, not by value).
func (tx *Tx) SetSetting(key, value string, secret bool) error {
	var old string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if _, err := tx.exec(`INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, version = settings.version + 1`,
		key, value, tx.Now); err != nil {
		return err
	}
	detail := map[string]any{"key": key, "old": old, "new": value}
	if secret {
		detail = map[string]any{"key": key, "changed": true}
	}
	return tx.Audit("setting.set", "setting", key, "", detail)
}
