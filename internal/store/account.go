package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"xiangpei"
)

// accountColumnsOf lists an account's columns, each behind the table alias given.
func accountColumnsOf(alias string) string {
	return strings.ReplaceAll(`@id, @login, @display_name, @role, @duties, @region, COALESCE(@org_id, 0),
	COALESCE(@person_id, 0), @password_hash, @password_changed_at, @must_change, @totp_secret, @totp_enrolled,
	@disabled, @failed_logins, @locked_until, @last_login_at, @created_at, @version`, "@", alias)
}

var accountColumns = accountColumnsOf("")

// scanAccount reads an account's columns.
func scanAccount(row scanner) (xiangpei.Account, error) { return scanAccountAfter(row) }

// scanAccountAfter reads an account's columns after the destinations in first, for queries
// that select other columns ahead of the account's.
func scanAccountAfter(row scanner, first ...any) (xiangpei.Account, error) {
	var a xiangpei.Account
	var duties string
	var locked, last sql.NullTime
	err := row.Scan(append(first, &a.ID, &a.Login, &a.DisplayName, &a.Role, &duties, &a.Region, &a.OrgID, &a.PersonID,
		&a.PasswordHash, &a.PasswordChangedAt, &a.MustChange, &a.TOTPSecret, &a.TOTPEnrolled, &a.Disabled,
		&a.FailedLogins, &locked, &last, &a.CreatedAt, &a.Version)...)
	if err != nil {
		return a, err
	}
	a.Duties, _ = xiangpei.ParseDuties(duties)
	a.LockedUntil, a.LastLoginAt = locked.Time, last.Time
	return a, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateAccount adds an account with an already hashed password.
func (tx *Tx) CreateAccount(in xiangpei.AccountInput, passwordHash string, mustChange bool) (xiangpei.Account, error) {
	if err := in.Validate(); err != nil {
		return xiangpei.Account{}, err
	}
	a := xiangpei.Account{ID: xiangpei.NewID(), Login: in.Login, DisplayName: in.DisplayName, Role: in.Role,
		Duties: in.Duties, Region: in.Region, OrgID: in.OrgID, PersonID: in.PersonID, PasswordHash: passwordHash,
		PasswordChangedAt: tx.Now, MustChange: mustChange, CreatedAt: tx.Now, Version: 1}
	_, err := tx.exec(`INSERT INTO accounts (id, login, display_name, role, duties, region, org_id, person_id,
		password_hash, password_changed_at, must_change, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
		a.ID, a.Login, a.DisplayName, a.Role, a.Duties.String(), a.Region, nullID(a.OrgID), nullID(a.PersonID),
		a.PasswordHash, tx.Now, mustChange, tx.Now)
	if err != nil {
		if xiangpei.IsKind(mapError(err, "account"), xiangpei.Conflict) {
			return a, xiangpei.Errorf(xiangpei.Conflict, "account.duplicate", "The account name %v is already taken.", a.Login)
		}
		return a, err
	}
	return a, tx.Audit("account.create", "account", a.ID, a.Region, map[string]any{
		"login": a.Login, "role": a.Role, "duties": a.Duties.String(), "region": a.Region, "org": a.OrgID})
}

// AccountByLogin finds an account by its login name, for signing in.
func (db *DB) AccountByLogin(ctx context.Context, login string) (xiangpei.Account, error) {
	a, err := scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE login = $1`, login))
	return a, mapError(err, "account")
}

// Account finds an account by id. Accounts are administered by the system administrator and
// read by the account itself; the web layer decides which of these the caller is.
func (db *DB) Account(ctx context.Context, id int64) (xiangpei.Account, error) {
	return account(ctx, db.read, id)
}

// Account reads an account inside the transaction.
func (tx *Tx) Account(id int64) (xiangpei.Account, error) { return account(tx.ctx, tx.tx, id) }

func account(ctx context.Context, q querier, id int64) (xiangpei.Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id))
	return a, mapError(err, "account")
}

// AccountByPerson finds the account of a registered person.
func (db *DB) AccountByPerson(ctx context.Context, personID int64) (xiangpei.Account, error) {
	a, err := scanAccount(db.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE person_id = $1`, personID))
	return a, mapError(err, "account")
}

// ListAccounts lists accounts, filtered by role and a text that matches login or name.
func (db *DB) ListAccounts(ctx context.Context, role, q string, page Page) ([]xiangpei.Account, int, error) {
	like := "%" + q + "%"
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE ($1 = '' OR role = $1)
		AND ($2 = '%%' OR login LIKE $2 OR display_name LIKE $2)`, role, like).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE ($1 = '' OR role = $1)
		AND ($2 = '%%' OR login LIKE $2 OR display_name LIKE $2) ORDER BY login LIMIT $3 OFFSET $4`,
		role, like, page.limit(), page.offset())
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanAccount)
	return out, total, err
}

// SetAccountDuties gives an account its duties and region; stale versions are refused.
func (tx *Tx) SetAccountDuties(id, version int64, duties xiangpei.Duties, region string) (xiangpei.Account, error) {
	a, err := tx.Account(id)
	if err != nil {
		return a, err
	}
	if err := xiangpei.CheckDuties(a.Role, duties); err != nil {
		return a, err
	}
	if a.Role == xiangpei.RoleOfficer && len(region) != 6 {
		return a, xiangpei.Errorf(xiangpei.Invalid, "account.region", "An officer needs a region.")
	}
	if a.Role != xiangpei.RoleOfficer {
		region = a.Region
	}
	if a.ID == tx.Actor.AccountID {
		return a, xiangpei.Errorf(xiangpei.Forbidden, "account.own_duties", "You cannot change your own duties; another administrator must do it.")
	}
	if err := tx.execVersioned("account", `SELECT 1 FROM accounts WHERE id = $1`, id,
		`UPDATE accounts SET duties = $1, region = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5`,
		duties.String(), region, tx.Now, id, version); err != nil {
		return a, err
	}
	if err := tx.Audit("account.duties", "account", id, region, map[string]any{
		"old_duties": a.Duties.String(), "new_duties": duties.String(), "old_region": a.Region, "new_region": region}); err != nil {
		return a, err
	}
	return tx.Account(id)
}

// SetAccountDisabled disables or re-enables an account; disabling ends its sessions and tokens.
func (tx *Tx) SetAccountDisabled(id, version int64, disabled bool, reason string) error {
	if id == tx.Actor.AccountID {
		return xiangpei.Errorf(xiangpei.Forbidden, "account.self_disable", "You cannot disable your own account.")
	}
	a, err := tx.Account(id)
	if err != nil {
		return err
	}
	if err := tx.execVersioned("account", `SELECT 1 FROM accounts WHERE id = $1`, id,
		`UPDATE accounts SET disabled = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4`,
		disabled, tx.Now, id, version); err != nil {
		return err
	}
	if disabled {
		if _, err := tx.exec(`DELETE FROM sessions WHERE account_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL`, tx.Now, id); err != nil {
			return err
		}
	}
	action := "account.enable"
	if disabled {
		action = "account.disable"
	}
	return tx.Audit(action, "account", id, a.Region, map[string]any{"login": a.Login, "reason": reason})
}

// SetPassword stores a new password hash; mustChange makes the owner choose a new one at the
// next sign-in (after an administrator's reset). It ends the account's other sessions.
func (tx *Tx) SetPassword(id int64, hash string, mustChange bool, keepSession string) error {
	a, err := tx.Account(id)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE accounts SET password_hash = $1, password_changed_at = $2, must_change = $3,
		failed_logins = 0, locked_until = NULL, updated_at = $2, version = version + 1 WHERE id = $4`,
		hash, tx.Now, mustChange, id); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2`, id, keepSession); err != nil {
		return err
	}
	action := "account.password_change"
	if id != tx.Actor.AccountID {
		action = "account.password_reset"
	}
	return tx.Audit(action, "account", id, a.Region, map[string]any{"login": a.Login})
}

// SetTOTPSecret stores a new, not yet confirmed TOTP secret for enrolment.
func (tx *Tx) SetTOTPSecret(id int64, secret string) error {
	if _, err := tx.exec(`UPDATE accounts SET totp_secret = $1, totp_enrolled = FALSE, updated_at = $2 WHERE id = $3 AND NOT totp_enrolled`,
		secret, tx.Now, id); err != nil {
		return err
	}
	return tx.Audit("account.totp_start", "account", id, "", nil)
}

// ConfirmTOTP marks the second factor as enrolled once the owner has shown a valid code.
func (tx *Tx) ConfirmTOTP(id int64) error {
	if _, err := tx.exec(`UPDATE accounts SET totp_enrolled = TRUE, updated_at = $1, version = version + 1 WHERE id = $2`, tx.Now, id); err != nil {
		return err
	}
	return tx.Audit("account.totp_enrol", "account", id, "", nil)
}

// ResetTOTP clears the second factor so that its owner enrols again (lost phone).
func (tx *Tx) ResetTOTP(id int64) error {
	a, err := tx.Account(id)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE accounts SET totp_enrolled = FALSE, totp_secret = '', updated_at = $1, version = version + 1 WHERE id = $2`, tx.Now, id); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM sessions WHERE account_id = $1`, id); err != nil {
		return err
	}
	return tx.Audit("account.totp_reset", "account", id, a.Region, map[string]any{"login": a.Login})
}

// RecordLoginFailure counts a failed sign-in and locks the account by the back-off policy.
// It returns the time the account is locked until (zero when not locked).
func (tx *Tx) RecordLoginFailure(id int64) (time.Time, error) {
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, `UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins`, id).Scan(&n); err != nil {
		return time.Time{}, err
	}
	tx.changed = true
	var until time.Time
	if d := xiangpei.LockFor(n); d > 0 {
		until = tx.Now.Add(d)
		if _, err := tx.exec(`UPDATE accounts SET locked_until = $1 WHERE id = $2`, until, id); err != nil {
			return until, err
		}
	}
	return until, tx.Audit("account.login_failed", "account", id, "", map[string]any{"failures": n, "locked_until": until})
}

// RecordLogin resets the failure count after a successful sign-in.
func (tx *Tx) RecordLogin(id int64) error {
	if _, err := tx.exec(`UPDATE accounts SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2`, tx.Now, id); err != nil {
		return err
	}
	return tx.Audit("account.login", "account", id, "", nil)
}

// Unlock lifts a lock-out (security administrator).
func (tx *Tx) Unlock(id int64) error {
	a, err := tx.Account(id)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE accounts SET failed_logins = 0, locked_until = NULL, updated_at = $1 WHERE id = $2`, tx.Now, id); err != nil {
		return err
	}
	return tx.Audit("account.unlock", "account", id, a.Region, map[string]any{"login": a.Login})
}

// RequirePasswordChange makes the owner choose a new password at the next request (the
// government profile's rotation).
func (tx *Tx) RequirePasswordChange(id int64) error {
	if _, err := tx.exec(`UPDATE accounts SET must_change = TRUE, updated_at = $1 WHERE id = $2`, tx.Now, id); err != nil {
		return err
	}
	return tx.Audit("account.password_expired", "account", id, "", nil)
}
