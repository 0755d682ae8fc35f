package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 补 — payee bank accounts (收款账户, docs/payments.md). An institution's settlement account is
// kept by its staff or by a registry officer of its region; a person's own account (for person
// claims) by the person. The account name must be the payee's registered name. Account numbers
// are personal data: pages mask them except to the owner and the finance officer, and the audit
// trail records changes with masked numbers. A batch copies the account into each item when it
// is built, so a later change does not alter a batch already sent.

// BankAccount is a payee's account.
type BankAccount struct {
	ID          int64
	OwnerKind   string // institution or person
	OrgID       int64
	PersonID    int64
	AccountName string
	BankName    string // 银行, e.g. 中国农业银行
	Branch      string // 开户行, e.g. 中国农业银行株洲天元支行
	AccountNo   string // digits only
	UpdatedBy   string
	UpdatedAt   time.Time
	Version     int64
}

// MaskAccountNo shows the first four and last four digits of an account number.
func MaskAccountNo(no string) string {
	if len(no) <= 8 {
		return strings.Repeat("*", len(no))
	}
	return no[:4] + " **** " + no[len(no)-4:]
}

// Masked is the account number as pages show it to anyone but the owner and the finance officer.
func (b BankAccount) Masked() string { return MaskAccountNo(b.AccountNo) }

// BankAccountInput is a new or changed account; Version is the version read (0 for a new one).
type BankAccountInput struct {
	AccountName string
	BankName    string
	Branch      string
	AccountNo   string
	Version     int64
}

// checkBankAccount normalises and checks an account against the payee's name: the number is
// 12–30 digits (spaces and dashes dropped; no check digit is required, Chinese banks differ),
// bank and branch are named, and the account name is the payee's.
func checkBankAccount(in BankAccountInput, payee string) (BankAccountInput, error) {
	in.AccountName = strings.TrimSpace(in.AccountName)
	in.BankName = strings.TrimSpace(in.BankName)
	in.Branch = strings.TrimSpace(in.Branch)
	in.AccountNo = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u3000' {
			return -1
		}
		return r
	}, in.AccountNo)
	digits := len(in.AccountNo) >= 12 && len(in.AccountNo) <= 30
	for _, r := range in.AccountNo {
		digits = digits && r >= '0' && r <= '9'
	}
	switch {
	case !digits:
		return in, xiangpei.Errorf(xiangpei.Invalid, "bank.account_no", "The account number is 12 to 30 digits.")
	case in.BankName == "" || utf8.RuneCountInString(in.BankName) > 60:
		return in, xiangpei.Errorf(xiangpei.Invalid, "bank.bank_name", "Name the bank (at most 60 characters).")
	case in.Branch == "" || utf8.RuneCountInString(in.Branch) > 100:
		return in, xiangpei.Errorf(xiangpei.Invalid, "bank.branch", "Name the branch where the account was opened (开户行, at most 100 characters).")
	case in.AccountName != strings.TrimSpace(payee):
		return in, xiangpei.Errorf(xiangpei.Invalid, "bank.name_mismatch", "The account name must be the payee's registered name, %v.", payee)
	}
	return in, nil
}

const bankCols = `a.id, a.owner_kind, COALESCE(a.org_id, 0), COALESCE(a.person_id, 0), a.account_name, a.bank_name, a.branch,
	a.account_no, a.updated_by, a.updated_at, a.version`

func scanBankAccount(r scanner) (BankAccount, error) {
	var b BankAccount
	err := r.Scan(&b.ID, &b.OwnerKind, &b.OrgID, &b.PersonID, &b.AccountName, &b.BankName, &b.Branch, &b.AccountNo,
		&b.UpdatedBy, &b.UpdatedAt, &b.Version)
	b.UpdatedAt = b.UpdatedAt.UTC()
	return b, err
}

// bankAccountOf reads the account of an organisation or a person (ok false when none).
func bankAccountOf(ctx context.Context, q querier, orgID, personID int64) (BankAccount, bool, error) {
	b, err := scanBankAccount(q.QueryRowContext(ctx, `SELECT `+bankCols+` FROM bank_accounts a
		WHERE (CAST($1 AS BIGINT) <> 0 AND a.org_id = $1) OR (CAST($2 AS BIGINT) <> 0 AND a.person_id = $2)`, orgID, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return BankAccount{}, false, nil
	}
	return b, err == nil, err
}

// OrgBankAccount reads an organisation's account within scope (the organisation NotFound
// outside it); ok is false when it has none.
func (db *DB) OrgBankAccount(ctx context.Context, s xiangpei.Scope, orgID int64) (BankAccount, bool, error) {
	if _, err := db.Org(ctx, s, orgID); err != nil {
		return BankAccount{}, false, err
	}
	return bankAccountOf(ctx, db.read, orgID, 0)
}

// PersonBankAccount reads a person's account within scope; ok is false when there is none.
func (db *DB) PersonBankAccount(ctx context.Context, s xiangpei.Scope, personID int64) (BankAccount, bool, error) {
	if _, err := db.Person(ctx, s, personID); err != nil {
		return BankAccount{}, false, err
	}
	return bankAccountOf(ctx, db.read, 0, personID)
}

// SetOrgBankAccount records an organisation's settlement account: its own staff, or a
// registry officer (or administrator) whose scope reaches it.
func (tx *Tx) SetOrgBankAccount(s xiangpei.Scope, orgID int64, in BankAccountInput) (BankAccount, error) {
	o, err := tx.Org(s, orgID)
	if err != nil {
		return BankAccount{}, err
	}
	if s.PersonID != 0 || (s.OrgID == 0 && tx.Actor.Role == xiangpei.RoleOfficer && !tx.Actor.Can(xiangpei.DutyRegistry)) {
		return BankAccount{}, xiangpei.Errorf(xiangpei.Forbidden, "bank.not_allowed", "Only the institution itself or a registry officer keeps its bank account.")
	}
	return tx.setBankAccount("institution", o.ID, 0, o.Name, o.County, in)
}

// SetPersonBankAccount records a person's own account; only the person does.
func (tx *Tx) SetPersonBankAccount(s xiangpei.Scope, personID int64, in BankAccountInput) (BankAccount, error) {
	if s.PersonID == 0 || s.PersonID != personID {
		return BankAccount{}, xiangpei.Errorf(xiangpei.Forbidden, "bank.own_only", "Only the person keeps their own bank account.")
	}
	p, err := personByID(tx.ctx, tx.tx, personID)
	if err != nil {
		return BankAccount{}, err
	}
	return tx.setBankAccount("person", 0, p.ID, p.Name, p.County, in)
}

func (tx *Tx) setBankAccount(kind string, orgID, personID int64, payee, region string, in BankAccountInput) (BankAccount, error) {
	in, err := checkBankAccount(in, payee)
	if err != nil {
		return BankAccount{}, err
	}
	old, had, err := bankAccountOf(tx.ctx, tx.tx, orgID, personID)
	if err != nil {
		return BankAccount{}, err
	}
	now := tx.Now.UTC().Truncate(time.Microsecond)
	nz := func(v int64) any {
		if v == 0 {
			return nil
		}
		return v
	}
	b := BankAccount{OwnerKind: kind, OrgID: orgID, PersonID: personID, AccountName: in.AccountName, BankName: in.BankName,
		Branch: in.Branch, AccountNo: in.AccountNo, UpdatedBy: tx.Actor.Name, UpdatedAt: now}
	if !had {
		if in.Version != 0 {
			return BankAccount{}, xiangpei.StaleVersion()
		}
		b.ID, b.Version = xiangpei.NewID(), 1
		if _, err := tx.exec(`INSERT INTO bank_accounts (id, owner_kind, org_id, person_id, account_name, bank_name, branch, account_no,
			updated_by, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)`, b.ID, kind, nz(orgID), nz(personID),
			b.AccountName, b.BankName, b.Branch, b.AccountNo, b.UpdatedBy, now); err != nil {
			return BankAccount{}, mapError(err, "Bank account")
		}
	} else {
		if err := tx.execVersioned("Bank account", `SELECT 1 FROM bank_accounts WHERE id = $1`, old.ID,
			`UPDATE bank_accounts SET account_name = $1, bank_name = $2, branch = $3, account_no = $4, updated_by = $5, updated_at = $6,
			version = version + 1 WHERE id = $7 AND version = $8`, b.AccountName, b.BankName, b.Branch, b.AccountNo, b.UpdatedBy, now,
			old.ID, in.Version); err != nil {
			return BankAccount{}, err
		}
		b.ID, b.Version = old.ID, old.Version+1
	}
	object, id := "organisation", orgID
	if kind == "person" {
		object, id = "person", personID
	}
	detail := map[string]any{"account": b.Masked(), "bank": b.BankName, "branch": b.Branch, "name": b.AccountName}
	if had {
		detail["from_account"], detail["from_branch"] = old.Masked(), old.Branch
	}
	return b, tx.Audit("bank_account.set", object, id, region, detail)
}
