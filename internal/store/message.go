package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"xiangpei"
)

// SMSCode is a one-time code sent to a phone to confirm it.
type SMSCode struct {
	ID        int64
	Phone     string
	Purpose   string
	CodeHash  string
	Attempts  int
	Used      bool
	CreatedAt time.Time
	ExpiresAt time.Time
}

// One-time code limits.
const (
	SMSCodeTTL      = 10 * time.Minute
	SMSCodeAttempts = 5
	SMSPerHour      = 5
	SMSResendGap    = time.Minute
)

// CreateSMSCode stores a new code's digest, refusing when the phone was sent a code less than a
// minute ago or too many in the last hour.
func (tx *Tx) CreateSMSCode(phone, purpose, codeHash string) (SMSCode, error) {
	var n, recent int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*), COUNT(CASE WHEN created_at > $3 THEN 1 END)
		FROM sms_codes WHERE phone = $1 AND created_at > $2`,
		phone, tx.Now.Add(-time.Hour), tx.Now.Add(-SMSResendGap)).Scan(&n, &recent); err != nil {
		return SMSCode{}, err
	}
	if n >= SMSPerHour || recent > 0 {
		return SMSCode{}, xiangpei.Errorf(xiangpei.RateLimited, "sms.too_often", "A code was sent to this phone a moment ago. Wait a minute before asking for another.")
	}
	c := SMSCode{ID: xiangpei.NewID(), Phone: phone, Purpose: purpose, CodeHash: codeHash, CreatedAt: tx.Now, ExpiresAt: tx.Now.Add(SMSCodeTTL)}
	if _, err := tx.exec(`INSERT INTO sms_codes (id, phone, purpose, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ID, phone, purpose, codeHash, tx.Now, c.ExpiresAt); err != nil {
		return c, err
	}
	return c, tx.Audit("sms.code", "phone", xiangpei.MaskPhone(phone), "", map[string]any{"purpose": purpose})
}

// UseSMSCode checks a code for a phone and purpose and, when right, uses it up. A wrong code
// counts an attempt; after five, the code is dead. The attempt count is kept even when the
// caller's transaction fails later, because it is written in a transaction of its own.
func (db *DB) UseSMSCode(ctx context.Context, phone, purpose string, check func(hash string) bool) error {
	wrong := false
	err := db.Tx(ctx, xiangpei.Actor{Name: "public"}, func(tx *Tx) error {
		var c SMSCode
		err := tx.tx.QueryRowContext(tx.ctx, `SELECT id, code_hash, attempts FROM sms_codes
			WHERE phone = $1 AND purpose = $2 AND NOT used AND expires_at > $3 ORDER BY created_at DESC LIMIT 1`,
			phone, purpose, tx.Now).Scan(&c.ID, &c.CodeHash, &c.Attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return xiangpei.Errorf(xiangpei.Invalid, "sms.no_code", "No valid code for this phone. Ask for a new code.")
		}
		if err != nil {
			return err
		}
		if c.Attempts >= SMSCodeAttempts {
			return xiangpei.Errorf(xiangpei.Invalid, "sms.no_code", "No valid code for this phone. Ask for a new code.")
		}
		if !check(c.CodeHash) {
			if _, err := tx.exec(`UPDATE sms_codes SET attempts = attempts + 1 WHERE id = $1`, c.ID); err != nil {
				return err
			}
			if err := tx.Audit("sms.wrong_code", "phone", xiangpei.MaskPhone(phone), "", nil); err != nil {
				return err
			}
			wrong = true
			return nil
		}
		if _, err := tx.exec(`UPDATE sms_codes SET used = TRUE WHERE id = $1`, c.ID); err != nil {
			return err
		}
		return tx.Audit("sms.code_used", "phone", xiangpei.MaskPhone(phone), "", map[string]any{"purpose": purpose})
	})
	if err == nil && wrong {
		return errWrongCode
	}
	return err
}

// errWrongCode is returned after the attempt was recorded; committing keeps the count.
var errWrongCode = xiangpei.Errorf(xiangpei.Invalid, "sms.wrong_code", "The code is wrong. Check the text message and try again.")

// Message is a message kept by the platform: an SMS sent, or an in-app message.
type Message struct {
	ID        int64
	Channel   string
	AccountID int64
	Recipient string
	Body      string
	CreatedAt time.Time
	ReadAt    time.Time
}

// KeepMessage records a message sent or to be shown; every message is kept (SPEC §12).
func (db *DB) KeepMessage(ctx context.Context, m Message) (Message, error) {
	m.ID = xiangpei.NewID()
	m.CreatedAt = db.Now()
	_, err := db.write.ExecContext(ctx, `INSERT INTO messages (id, channel, account_id, recipient, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, m.ID, m.Channel, nullID(m.AccountID), m.Recipient, m.Body, m.CreatedAt)
	return m, err
}

// Messages lists a recipient's messages, newest first (the in-app message centre).
func (db *DB) Messages(ctx context.Context, accountID int64, page Page) ([]Message, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, channel, COALESCE(account_id, 0), recipient, body, created_at, read_at
		FROM messages WHERE account_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3`, accountID, page.limit(), page.offset())
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Message, error) {
		var m Message
		var read sql.NullTime
		if err := r.Scan(&m.ID, &m.Channel, &m.AccountID, &m.Recipient, &m.Body, &m.CreatedAt, &read); err != nil {
			return m, err
		}
		m.ReadAt = read.Time
		return m, nil
	})
}

// LastSMS returns the newest SMS kept for a phone, for the demo page that shows what was "sent".
func (db *DB) LastSMS(ctx context.Context, phone string) (Message, error) {
	var m Message
	err := db.read.QueryRowContext(ctx, `SELECT id, body, created_at FROM messages WHERE channel = 'sms' AND recipient = $1
		ORDER BY created_at DESC LIMIT 1`, phone).Scan(&m.ID, &m.Body, &m.CreatedAt)
	return m, mapError(err, "message")
}

// NotifyPerson puts a message in the in-app message centre of every enabled account of a
// person and returns how many accounts it reached. A person with no account yet still has the
// message kept (addressed to the person), so that nothing said to them is lost. The caller's
// transaction audits the change that caused the message.
func (tx *Tx) NotifyPerson(personID int64, body string) (int, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT id, login FROM accounts WHERE person_id = $1 AND NOT disabled ORDER BY id`, personID)
	if err != nil {
		return 0, err
	}
	type account struct {
		id    int64
		login string
	}
	accounts, err := collect(rows, func(r scanner) (account, error) {
		var a account
		err := r.Scan(&a.id, &a.login)
		return a, err
	})
	if err != nil {
		return 0, err
	}
	to := accounts
	if len(to) == 0 {
		to = []account{{login: fmt.Sprintf("person:%d", personID)}}
	}
	for _, a := range to {
		if _, err := tx.exec(`INSERT INTO messages (id, channel, account_id, recipient, body, created_at) VALUES ($1, 'inbox', $2, $3, $4, $5)`,
			xiangpei.NewID(), nullID(a.id), a.login, body, tx.Now.Truncate(time.Microsecond)); err != nil {
			return 0, err
		}
	}
	return len(accounts), nil
}
