package xiangpei

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
	"time"
)

// 培 — the dynamic QR code of a session (SPEC §4.4, way 2): the teacher's screen shows a code
// that changes every Rules.QRSeconds seconds; a signed-in trainee's phone scans it. The code is
// an HMAC, under the session's own secret key, of the session's id and the number of the time
// window, so it is bound to the session and expires on its own; nothing is stored per code.

// QRCodeLength is how many characters of the HMAC a code keeps (base32, 50 bits).
const QRCodeLength = 10

// QRLookback is how far back a code is still recognised as this session's, to tell a trainee
// that their code has expired rather than that it is not valid at all.
const QRLookback = 12 * time.Hour

// QROpenBefore and QROpenAfter bound when a session's code is shown and accepted: from an hour
// before the session starts until an hour after it ends.
const (
	QROpenBefore = time.Hour
	QROpenAfter  = time.Hour
)

// QRWindow is the number of the time window of `seconds` seconds that t falls in.
func QRWindow(t time.Time, seconds int) int64 {
	if seconds <= 0 {
		seconds = 30
	}
	return t.Unix() / int64(seconds)
}

// QRWindowEnds is the moment the window of t ends, when the next code takes over.
func QRWindowEnds(t time.Time, seconds int) time.Time {
	if seconds <= 0 {
		seconds = 30
	}
	return time.Unix((QRWindow(t, seconds)+1)*int64(seconds), 0).UTC()
}

// QRCode is the code of a session for one time window.
func QRCode(key string, sessionID, window int64) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(strconv.FormatInt(sessionID, 10) + ":" + strconv.FormatInt(window, 10)))
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil))
	return s[:QRCodeLength]
}

// QROpen reports whether a session's code is shown and accepted at `now`.
func QROpen(s Session, now time.Time) bool {
	return !now.Before(s.Starts.Add(-QROpenBefore)) && !now.After(s.Ends.Add(QROpenAfter))
}

// CheckQRCode accepts a code of the session for the current or the previous time window (a
// trainee who scans at the last second still gets in). A code of an earlier window of the same
// session has expired; anything else is not this session's code.
func CheckQRCode(key string, sessionID int64, code string, now time.Time, seconds int) error {
	if seconds <= 0 {
		seconds = 30
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	w := QRWindow(now, seconds)
	if len(code) == QRCodeLength && key != "" {
		for i := int64(0); i < 2; i++ {
			if hmac.Equal([]byte(code), []byte(QRCode(key, sessionID, w-i))) {
				return nil
			}
		}
		back := int64(QRLookback / time.Second / time.Duration(seconds))
		for i := int64(2); i <= back; i++ {
			if code == QRCode(key, sessionID, w-i) {
				return Errorf(Invalid, "checkin.code_expired", "This code has expired: scan the code on the teacher's screen again.")
			}
		}
	}
	return Errorf(Invalid, "checkin.code_wrong", "This code is not the code of this session. Scan the code on your own class's screen.")
}
