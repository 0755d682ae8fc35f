package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"xiangpei"
)

// captureWriter keeps a response so that it can be stored under its idempotency key.
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *captureWriter) Header() http.Header { return c.header }
func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}
func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}

// noReplayBody is what the idempotency record keeps instead of a response that carried a
// one-time secret (a new account's or a reset password): secrets are never stored.
const noReplayBody = "(no-replay: one-time secret)" // never a JSON body, and PostgreSQL text (no NUL)

// noReplay marks the response to this request as carrying a one-time secret.
func noReplay(r *http.Request) { stateOf(r).noReplay = true }

// idempotent runs an API create at most once per Idempotency-Key and account, with Stripe's
// semantics: a retry with the same body gets the first response again; the same key with a
// different body is refused; a key whose first request is still running is a conflict.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	key := r.Header.Get("Idempotency-Key")
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if len(key) > 255 {
		s.fail(w, r, xiangpei.Errorf(xiangpei.Invalid, "error.bad_request", "The request could not be read."))
		return
	}
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
	hash := hex.EncodeToString(sum[:])
	accountID := actorOf(r).AccountID
	rec, err := s.db.ReserveIdempotencyKey(r.Context(), accountID, key, hash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rec != nil {
		switch {
		case rec.RequestHash != hash:
			s.fail(w, r, xiangpei.Errorf(xiangpei.Invalid, "idempotency.mismatch", "This idempotency key was already used for a different request."))
		case rec.Status == 0:
			s.fail(w, r, xiangpei.Errorf(xiangpei.Conflict, "idempotency.busy", "This request is being handled; try again in a moment."))
		case rec.Body == noReplayBody:
			s.fail(w, r, xiangpei.Errorf(xiangpei.Conflict, "idempotency.secret", "This request was already carried out. Its one-time password is shown only once; reset the password again for a new one."))
		default:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(rec.Status)
			_, _ = w.Write([]byte(rec.Body))
		}
		return
	}
	c := &captureWriter{header: w.Header()}
	finished := false
	defer func() {
		if !finished {
			_ = s.db.FinishIdempotencyKey(r.Context(), accountID, key, 0, "")
		}
	}()
	h(c, r)
	kept := c.body.String()
	if stateOf(r).noReplay {
		kept = noReplayBody
	}
	if err := s.db.FinishIdempotencyKey(r.Context(), accountID, key, c.status, kept); err != nil {
		// Release the key rather than leave it "in progress" for ever; a retry then acts again.
		s.log.ErrorContext(r.Context(), "idempotency key not stored", "err", err.Error())
		_ = s.db.FinishIdempotencyKey(r.Context(), accountID, key, 0, "")
	}
	finished = true
	if c.status == 0 {
		c.status = http.StatusOK
	}
	w.WriteHeader(c.status)
	_, _ = w.Write(c.body.Bytes())
}
