package xiangpei

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// 培 — attendance terminals (考勤机, SPEC §4.4 and QUALITY §3 "Machines"): a face-recognition
// terminal registered for a venue pushes check-ins signed with its key. The signature covers
// the method, the path, a timestamp, a nonce and the body, so that a captured request can be
// neither altered nor replayed.

// TerminalStatus is the state of a registered terminal.
type TerminalStatus string

// The states of a terminal: active terminals may push; a revoked one never again.
const (
	TerminalActive  TerminalStatus = "active"
	TerminalRevoked TerminalStatus = "revoked"
)

// Terminal is an attendance terminal registered by an institution for one of its venues.
type Terminal struct {
	ID         int64
	OrgID      int64
	VenueID    int64
	VenueName  string
	Name       string
	Status     TerminalStatus
	CreatedAt  time.Time
	LastSeenAt time.Time // zero until its first accepted push
}

// The headers of a terminal push.
const (
	HeaderTerminalID = "X-Terminal-Id"
	HeaderTimestamp  = "X-Timestamp"
	HeaderNonce      = "X-Nonce"
	HeaderSignature  = "X-Signature"
)

// Limits of a terminal push.
const (
	TerminalEventsPath = "/api/v1/terminal/events"
	TerminalMaxBody    = 256 << 10 // bytes of one push
	TerminalMaxEvents  = 500       // events in one push
	NonceMinLen        = 8
	NonceMaxLen        = 64
	EventIDMaxLen      = 64
)

// TerminalSigningString is the text a terminal signs: the method, the path, the timestamp
// (unix seconds, as sent), the nonce and the hex SHA-256 of the body, each on its own line.
func TerminalSigningString(method, path, timestamp, nonce string, body []byte) string {
	sum := sha256.Sum256(body)
	return strings.ToUpper(method) + "\n" + path + "\n" + timestamp + "\n" + nonce + "\n" + hex.EncodeToString(sum[:])
}

// SignTerminal returns the hex HMAC-SHA256 of the signing string under the terminal's secret
// (the secret's text, as shown once at registration, is the key).
func SignTerminal(secret, method, path, timestamp, nonce string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(TerminalSigningString(method, path, timestamp, nonce, body)))
	return hex.EncodeToString(m.Sum(nil))
}

// TerminalAuth is what the headers of a push say about who sends it and when.
type TerminalAuth struct {
	TerminalID int64
	Timestamp  string // as sent: it is part of the signed text
	At         time.Time
	Nonce      string
	Signature  []byte // 32 bytes
}

func errTerminalHeaders(text string) error {
	return Errorf(Unauthorized, "terminal.headers", "The terminal request is not signed correctly: %v.", text)
}

// ParseTerminalHeaders reads the four headers of a push through get (such as
// http.Header.Get). Every header must be present and well formed; nothing is trusted yet.
func ParseTerminalHeaders(get func(string) string) (TerminalAuth, error) {
	var a TerminalAuth
	id := strings.TrimSpace(get(HeaderTerminalID))
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || !digits(id) {
		return a, errTerminalHeaders(HeaderTerminalID)
	}
	a.TerminalID = n
	ts := strings.TrimSpace(get(HeaderTimestamp))
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(ts) > 12 || !digits(ts) {
		return a, errTerminalHeaders(HeaderTimestamp)
	}
	a.Timestamp, a.At = ts, time.Unix(secs, 0).UTC()
	a.Nonce = strings.TrimSpace(get(HeaderNonce))
	if !ValidNonce(a.Nonce) {
		return a, errTerminalHeaders(HeaderNonce)
	}
	sig := strings.TrimSpace(get(HeaderSignature))
	if len(sig) != 64 {
		return a, errTerminalHeaders(HeaderSignature)
	}
	if a.Signature, err = hex.DecodeString(sig); err != nil {
		return a, errTerminalHeaders(HeaderSignature)
	}
	return a, nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidNonce reports whether a nonce has 8 to 64 characters from A–Z, a–z, 0–9 and "-_.~".
func ValidNonce(s string) bool {
	if len(s) < NonceMinLen || len(s) > NonceMaxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}

// CheckTime refuses a push whose timestamp lies further than skewSeconds from now, either way:
// an old request cannot be replayed once its nonce has been forgotten.
func (a TerminalAuth) CheckTime(now time.Time, skewSeconds int) error {
	d := now.Sub(a.At)
	if d < 0 {
		d = -d
	}
	if d > time.Duration(skewSeconds)*time.Second {
		return Errorf(Unauthorized, "terminal.stale", "The terminal's clock is more than %v seconds off: set its time and send again.", skewSeconds)
	}
	return nil
}

// Verify reports whether the signature is the secret's signature of this request; the
// comparison takes the same time whatever the signature.
func (a TerminalAuth) Verify(secret, method, path string, body []byte) bool {
	want, _ := hex.DecodeString(SignTerminal(secret, method, path, a.Timestamp, a.Nonce, body))
	return hmac.Equal(want, a.Signature)
}

// ErrTerminalSignature is the answer to a push whose terminal is unknown, revoked, or whose
// signature does not match: the three are told apart only in the server's log.
var ErrTerminalSignature = Errorf(Unauthorized, "terminal.signature", "The terminal is not registered, has been revoked, or signed this request with another key.")

// TerminalEvent is one check-in or check-out as a terminal sends it. The person is named by
// their ID number (never logged); the event id is the terminal's own, unique on that terminal,
// so that sending the same event again is harmless.
type TerminalEvent struct {
	EventID   string
	SessionID int64
	IDNumber  string
	Kind      string
	At        time.Time
	Lat, Lng  float64
	HasPlace  bool
	Problem   error // why this event cannot be taken, as found by the parser; nil when well formed
}

// terminalEventJSON is the wire form: session_id may be a string (ids are 63-bit) or a number.
type terminalEventJSON struct {
	EventID   string          `json:"event_id"`
	SessionID json.RawMessage `json:"session_id"`
	IDNumber  string          `json:"id_number"`
	Kind      string          `json:"kind"`
	At        string          `json:"at"`
	Lat       *float64        `json:"lat"`
	Lng       *float64        `json:"lng"`
}

// ParseTerminalEvents reads the body of a push: {"events":[…]} with 1 to TerminalMaxEvents
// events. A body that is not that shape is refused as a whole; an event with a bad field keeps
// its place in the list with Problem set, so the answer can say which one and why.
func ParseTerminalEvents(body []byte) ([]TerminalEvent, error) {
	bad := Errorf(Invalid, "terminal.body", "The body must be JSON of the form {\"events\":[…]} with 1 to %v events.", TerminalMaxEvents)
	if len(body) > TerminalMaxBody {
		return nil, Errorf(TooLarge, "terminal.too_large", "A push may hold at most %v bytes: send fewer events at a time.", TerminalMaxBody)
	}
	var in struct {
		Events []json.RawMessage `json:"events"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.More() {
		return nil, bad
	}
	if len(in.Events) == 0 || len(in.Events) > TerminalMaxEvents {
		return nil, bad
	}
	out := make([]TerminalEvent, len(in.Events))
	for i, raw := range in.Events {
		out[i] = parseTerminalEvent(raw)
	}
	return out, nil
}

func parseTerminalEvent(raw json.RawMessage) TerminalEvent {
	var j terminalEventJSON
	var e TerminalEvent
	if err := json.Unmarshal(raw, &j); err != nil {
		e.Problem = Errorf(Invalid, "terminal.event_shape", "This event is not an object with event_id, session_id, id_number, kind and at.")
		return e
	}
	e.EventID, e.IDNumber, e.Kind = strings.TrimSpace(j.EventID), strings.TrimSpace(j.IDNumber), strings.TrimSpace(j.Kind)
	if e.EventID == "" || len(e.EventID) > EventIDMaxLen || !printableASCII(e.EventID) {
		e.EventID = ""
		e.Problem = Errorf(Invalid, "terminal.event_id", "Each event needs an event_id of 1 to %v visible characters, unique on the terminal.", EventIDMaxLen)
		return e
	}
	e.SessionID = parseFlexID(j.SessionID)
	switch {
	case e.SessionID <= 0:
		e.Problem = Errorf(Invalid, "attendance.unknown_session", "There is no such session.")
	case e.Kind != CheckIn && e.Kind != CheckOut:
		e.Problem = Errorf(Invalid, "attendance.kind", "Say whether this is a check-in or a check-out.")
	case e.IDNumber == "" || len(e.IDNumber) > 32:
		e.Problem = Errorf(Invalid, "attendance.not_on_roster", "This person is not on the class's roster.")
	}
	if e.Problem != nil {
		return e
	}
	at, err := time.Parse(time.RFC3339, strings.TrimSpace(j.At))
	if err != nil {
		e.Problem = Errorf(Invalid, "attendance.time", "The time of this check-in is missing or in the future.")
		return e
	}
	e.At = at.UTC()
	if j.Lat != nil || j.Lng != nil {
		if j.Lat == nil || j.Lng == nil || math.IsNaN(*j.Lat) || math.IsNaN(*j.Lng) || *j.Lat < -90 || *j.Lat > 90 || *j.Lng < -180 || *j.Lng > 180 {
			e.Problem = Errorf(Invalid, "terminal.place", "lat and lng must come together, as degrees.")
			return e
		}
		e.Lat, e.Lng, e.HasPlace = *j.Lat, *j.Lng, true
	}
	return e
}

// parseFlexID reads an id sent as a JSON string or a JSON number; 0 when it is neither.
func parseFlexID(raw json.RawMessage) int64 {
	s := strings.TrimSpace(string(raw))
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	if !digits(s) || len(s) > 19 {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// TerminalEventKey is the key that makes a terminal's event unique: the terminal and its own
// event id.
func TerminalEventKey(terminalID int64, eventID string) string {
	return "t:" + strconv.FormatInt(terminalID, 10) + ":" + eventID
}
