package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 培 — attendance terminals (考勤机): an institution registers a face terminal for one of its
// venues and gets its secret once; the terminal signs every push with it (xiangpei.SignTerminal).
//
// The secret must be kept in a form the server can use to check an HMAC, so it cannot be
// hashed like a password or an API token. It is sealed with AES-256-GCM under a platform key
// (the setting "terminal_key", made on the first registration and never shown), with the
// terminal's id as associated data, so that the terminals table alone — an export, a copied
// table, a query log — does not give the secrets away, and a sealed secret moved to another
// row does not open. Whoever holds the whole database holds the key too: docs/decisions.md
// names the next step (a key from the environment or a key service). The secret never appears
// in the audit trail, the log, a list or any later answer.

const terminalCols = `t.id, t.org_id, t.venue_id, v.name, t.name, t.status, t.created_at, t.last_seen_at`

const terminalFrom = ` FROM terminals t JOIN venues v ON v.id = t.venue_id JOIN organisations o ON o.id = t.org_id`

func scanTerminal(r scanner) (xiangpei.Terminal, error) {
	var t xiangpei.Terminal
	var status string
	var seen sql.NullTime
	err := r.Scan(&t.ID, &t.OrgID, &t.VenueID, &t.VenueName, &t.Name, &status, &t.CreatedAt, &seen)
	t.Status, t.CreatedAt = xiangpei.TerminalStatus(status), t.CreatedAt.UTC()
	if seen.Valid {
		t.LastSeenAt = seen.Time.UTC()
	}
	return t, err
}

// Terminals lists the terminals of the organisations within scope (staff: their own), active
// ones first, then by name.
func (db *DB) Terminals(ctx context.Context, s xiangpei.Scope) ([]xiangpei.Terminal, error) {
	sa := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT `+terminalCols+terminalFrom+` WHERE (CAST($1 AS BIGINT) = 0 OR t.venue_id = $1) AND `+orgScope+`
		ORDER BY CASE WHEN t.status = 'active' THEN 0 ELSE 1 END, t.name, t.id`, int64(0), sa.all, sa.region, sa.org, sa.person)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanTerminal)
}

func terminalByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.Terminal, error) {
	sa := scopeOf(s)
	t, err := scanTerminal(q.QueryRowContext(ctx, `SELECT `+terminalCols+terminalFrom+` WHERE t.id = $1 AND `+orgScope,
		id, sa.all, sa.region, sa.org, sa.person))
	return t, mapError(err, "Terminal")
}

// Terminal reads a terminal within scope; another organisation's is NotFound.
func (db *DB) Terminal(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.Terminal, error) {
	return terminalByID(ctx, db.read, s, id)
}

// newTerminalSecret is a terminal's key as shown once: "xpt_" and 43 characters (256 bits).
func newTerminalSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "xpt_" + base64.RawURLEncoding.EncodeToString(b)
}

// settingTerminalKey is the setting holding the key that seals terminal secrets.
const settingTerminalKey = "terminal_key"

// terminalKey reads the sealing key, making it when there is none yet.
func (tx *Tx) terminalKey() ([]byte, error) {
	var v string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT value FROM settings WHERE key = $1`, settingTerminalKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		v = hex.EncodeToString(b)
		if err := tx.SetSetting(settingTerminalKey, v, true); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) != 32 {
		return nil, errors.New("store: the terminal key setting is damaged")
	}
	return key, nil
}

func terminalAAD(id int64) []byte { return []byte("xiangpei terminal " + strconv.FormatInt(id, 10)) }

// sealSecret encrypts a terminal's secret for its row.
func sealSecret(key []byte, id int64, secret string) (string, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	_, _ = rand.Read(nonce)
	return "v1:" + base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(secret), terminalAAD(id))), nil
}

// openSecret decrypts a terminal's sealed secret.
func openSecret(key []byte, id int64, sealed string) (string, error) {
	raw, ok := strings.CutPrefix(sealed, "v1:")
	if !ok {
		return "", errors.New("store: unknown terminal secret format")
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	if len(b) < gcm.NonceSize() {
		return "", errors.New("store: terminal secret too short")
	}
	plain, err := gcm.Open(nil, b[:gcm.NonceSize()], b[gcm.NonceSize():], terminalAAD(id))
	return string(plain), err
}

// RegisterTerminal registers a terminal for a venue of an organisation within scope and
// returns it with its secret, which is shown this once and never again.
func (tx *Tx) RegisterTerminal(s xiangpei.Scope, venueID int64, name string) (xiangpei.Terminal, string, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > 50 {
		return xiangpei.Terminal{}, "", xiangpei.Errorf(xiangpei.Invalid, "terminal.name_invalid", "Give the terminal a name of 1 to 50 characters, such as where it stands.")
	}
	sa := scopeOf(s)
	var orgID int64
	var county string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT o.id, o.county FROM venues v JOIN organisations o ON o.id = v.org_id
		WHERE v.id = $1 AND `+orgScope, venueID, sa.all, sa.region, sa.org, sa.person).Scan(&orgID, &county)
	if errors.Is(err, sql.ErrNoRows) {
		return xiangpei.Terminal{}, "", xiangpei.Errorf(xiangpei.Invalid, "terminal.venue_invalid", "Choose one of your institution's venues.")
	}
	if err != nil {
		return xiangpei.Terminal{}, "", err
	}
	key, err := tx.terminalKey()
	if err != nil {
		return xiangpei.Terminal{}, "", err
	}
	secret := newTerminalSecret()
	id := xiangpei.NewID()
	sealed, err := sealSecret(key, id, secret)
	if err != nil {
		return xiangpei.Terminal{}, "", err
	}
	if _, err := tx.exec(`INSERT INTO terminals (id, org_id, venue_id, name, secret, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, orgID, venueID, name, sealed, string(xiangpei.TerminalActive),
		tx.Now.Truncate(time.Microsecond)); err != nil {
		return xiangpei.Terminal{}, "", mapError(err, "Terminal")
	}
	if err := tx.Audit("terminal.register", "terminal", id, county, map[string]any{"org": orgID, "venue": venueID, "name": name}); err != nil {
		return xiangpei.Terminal{}, "", err
	}
	t, err := terminalByID(tx.ctx, tx.tx, s, id)
	return t, secret, err
}

// RevokeTerminal revokes a terminal within scope for good: its pushes are refused from now on.
// Revoking a revoked terminal is a Conflict.
func (tx *Tx) RevokeTerminal(s xiangpei.Scope, id int64) (xiangpei.Terminal, error) {
	t, err := terminalByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return t, err
	}
	if t.Status == xiangpei.TerminalRevoked {
		return t, xiangpei.Errorf(xiangpei.Conflict, "terminal.revoked", "This terminal has already been revoked.")
	}
	if _, err := tx.exec(`UPDATE terminals SET status = $2 WHERE id = $1`, id, string(xiangpei.TerminalRevoked)); err != nil {
		return t, err
	}
	var county string
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT county FROM organisations WHERE id = $1`, t.OrgID).Scan(&county); err != nil {
		return t, err
	}
	if err := tx.Audit("terminal.revoke", "terminal", id, county, map[string]any{"org": t.OrgID, "name": t.Name}); err != nil {
		return t, err
	}
	return terminalByID(tx.ctx, tx.tx, s, id)
}

// ErrTerminalUnknown and ErrTerminalRevoked say, for the server's log only, why a push's
// terminal was refused; the terminal is told xiangpei.ErrTerminalSignature.
var (
	ErrTerminalUnknown = errors.New("unknown terminal")
	ErrTerminalRevoked = errors.New("revoked terminal")
)

// TerminalForPush reads a terminal and its secret to check a push's signature: a terminal
// authenticates by signature, not by scope. An unknown terminal is ErrTerminalUnknown, a
// revoked one ErrTerminalRevoked.
func (tx *Tx) TerminalForPush(id int64) (xiangpei.Terminal, string, error) {
	return terminalForPush(tx.ctx, tx.tx, id)
}

// TerminalForPush is the same read outside a transaction: a push's signature is checked on a
// reading connection, so that a flood of unsigned requests never queues for the writer.
func (db *DB) TerminalForPush(ctx context.Context, id int64) (xiangpei.Terminal, string, error) {
	return terminalForPush(ctx, db.read, id)
}

func terminalForPush(ctx context.Context, q querier, id int64) (xiangpei.Terminal, string, error) {
	t, err := terminalByID(ctx, q, xiangpei.Scope{All: true}, id)
	if xiangpei.IsKind(err, xiangpei.NotFound) {
		return t, "", ErrTerminalUnknown
	}
	if err != nil {
		return t, "", err
	}
	if t.Status != xiangpei.TerminalActive {
		return t, "", ErrTerminalRevoked
	}
	var sealed, hexKey string
	if err := q.QueryRowContext(ctx, `SELECT secret FROM terminals WHERE id = $1`, id).Scan(&sealed); err != nil {
		return t, "", err
	}
	if err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, settingTerminalKey).Scan(&hexKey); err != nil {
		return t, "", fmt.Errorf("terminal key: %w", err)
	}
	key, err := hex.DecodeString(hexKey)
	if err != nil || len(key) != 32 {
		return t, "", errors.New("store: the terminal key setting is damaged")
	}
	secret, err := openSecret(key, id, sealed)
	return t, secret, err
}

// ErrNonceReplayed is the answer to a push whose nonce the terminal has used before.
var ErrNonceReplayed = xiangpei.Errorf(xiangpei.Conflict, "terminal.replay", "This request was already received (its nonce has been used): a new request needs a new nonce.")

// UseNonce records a push's nonce for a terminal, refusing one seen before (ErrNonceReplayed),
// and forgets the terminal's nonces older than twice the allowed clock skew: a request that
// old is refused by its timestamp anyway. Nonces are bookkeeping of the signature check, not
// records of the platform, so they need no audit entry.
func (tx *Tx) UseNonce(terminalID int64, nonce string) error {
	now := tx.Now.Truncate(time.Microsecond)
	keep := time.Duration(2*tx.db.Rules().TerminalSkewSeconds) * time.Second
	if _, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM terminal_nonces WHERE terminal_id = $1 AND seen_at < $2`,
		terminalID, now.Add(-keep)); err != nil {
		return err
	}
	r, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO terminal_nonces (terminal_id, nonce, seen_at) VALUES ($1, $2, $3)
		ON CONFLICT (terminal_id, nonce) DO NOTHING`, terminalID, nonce, now)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return ErrNonceReplayed
	}
	return nil
}

// PushResult is what became of one event of a terminal's push.
type PushResult struct {
	EventID string
	Outcome EventOutcome
	Err     error // why it was refused
}

// PushTerminalEvents records the events of a verified push from an active terminal: persons
// are found by ID number (an unknown one is "not on the roster", so a push learns nothing about
// the registry), each event is keyed by the terminal and its own event id, and all go through
// IngestEvents for the terminal's institution, so a session of another institution's class is
// unknown. The terminal's last contact is noted.
func (tx *Tx) PushTerminalEvents(t xiangpei.Terminal, in []xiangpei.TerminalEvent) ([]PushResult, IngestResult, error) {
	out := make([]PushResult, len(in))
	today := tx.Now.In(xiangpei.ChinaTime)
	ids := map[xiangpei.IDNumber]int64{}
	parsed := make([]xiangpei.IDNumber, len(in))
	problem := make([]error, len(in))
	var want []string
	for i, e := range in {
		out[i].EventID, problem[i] = e.EventID, e.Problem
		if e.Problem != nil {
			continue
		}
		id, err := xiangpei.ParseIDNumber(e.IDNumber, today)
		if err != nil {
			problem[i] = err
			continue
		}
		parsed[i] = id
		if _, ok := ids[id]; !ok {
			ids[id] = 0
			want = append(want, string(id))
		}
	}
	for _, args := range inChunks(want, "") {
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT id, id_number FROM persons WHERE id_number IN (`+inList1+`)`, args...)
		if err != nil {
			return nil, IngestResult{}, err
		}
		for rows.Next() {
			var pid int64
			var num string
			if err := rows.Scan(&pid, &num); err != nil {
				rows.Close()
				return nil, IngestResult{}, err
			}
			ids[xiangpei.IDNumber(num)] = pid
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, IngestResult{}, err
		}
	}
	device := strconv.FormatInt(t.ID, 10)
	var evs []xiangpei.Event
	var where []int
	for i, e := range in {
		if problem[i] == nil && ids[parsed[i]] == 0 {
			problem[i] = errEventRefused("attendance.not_on_roster", "This person is not on the class's roster.")
		}
		if problem[i] != nil {
			out[i].Outcome, out[i].Err = EventRefused, problem[i]
			continue
		}
		evs = append(evs, xiangpei.Event{SessionID: e.SessionID, PersonID: ids[parsed[i]], Kind: e.Kind, At: e.At,
			Source: xiangpei.FromTerminal, Device: device, Terminal: true, Lat: e.Lat, Lng: e.Lng, HasPlace: e.HasPlace,
			Key: xiangpei.TerminalEventKey(t.ID, e.EventID)})
		where = append(where, i)
	}
	res, err := tx.IngestEvents(t.OrgID, evs)
	if err != nil {
		return nil, res, err
	}
	for k, o := range res.Outcomes {
		out[where[k]].Outcome = o
	}
	for _, r := range res.Refused {
		out[where[r.Index]].Err = r.Err
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE terminals SET last_seen_at = $2 WHERE id = $1`, t.ID,
		tx.Now.Truncate(time.Microsecond)); err != nil {
		return nil, res, err
	}
	return out, res, nil
}
