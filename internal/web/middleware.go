package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/i18n"
)

// Cookie names.
const (
	sessionCookie = "xp_session"
	csrfCookie    = "xp_csrf"
	langCookie    = "xp_lang"
	textCookie    = "xp_text" // "large" for the elderly-friendly large-text mode
)

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

var crossOrigin = http.NewCrossOriginProtection()

// serve is the middleware chain: recover, log, metrics, security headers, body limit,
// language, authentication, CSRF, then the route (which checks its access rule).
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	st := &state{api: isAPI(r)}
	r = withState(r, st)
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(r.Context(), "panic", "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if rec.status == 0 {
				s.fail(rec, r, errors.New("panic"))
			}
		}
		d := time.Since(start)
		s.metrics.observe(st.pattern, rec.status, d)
		lvl := "info"
		if rec.status >= 500 {
			lvl = "error"
		}
		attrs := []any{"method", r.Method, "route", st.pattern, "status", rec.status, "ms", d.Milliseconds()}
		if st.actor != nil {
			attrs = append(attrs, "account", st.actor.AccountID)
		}
		if lvl == "error" {
			s.log.ErrorContext(r.Context(), "request", attrs...)
		} else {
			s.log.DebugContext(r.Context(), "request", attrs...)
		}
	}()

	h := rec.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
		"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	if s.cfg.SecureCookie {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	limit := s.cfg.MaxBody
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		limit = s.cfg.MaxUpload // file uploads: each importer checks its own, smaller limit
	}
	if r.ContentLength > limit {
		s.fail(rec, r, errTooLarge)
		return
	}
	r.Body = http.MaxBytesReader(rec, r.Body, limit)

	st.lang = i18n.Lang(r.Header.Get("Accept-Language"))
	if c, err := r.Cookie(langCookie); err == nil {
		st.lang = i18n.Lang(c.Value)
	}

	if err := s.authenticate(rec, r, st); err != nil {
		s.fail(rec, r, err)
		return
	}
	if unsafeMethod(r.Method) && !st.bearer {
		if err := s.checkCSRF(r, st); err != nil {
			s.fail(rec, r, err)
			return
		}
	}
	if st.csrf == "" && !st.api {
		st.csrf = s.anonymousCSRF(rec, r)
	}
	s.mux.ServeHTTP(rec, r)
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// authenticate finds the account behind a Bearer token or a session cookie.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, st *state) error {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return xiangpei.Errorf(xiangpei.Unauthorized, "auth.bad_token", "The API token is missing or not valid.")
		}
		a, err := s.db.AccountByToken(r.Context(), auth.Digest(strings.TrimSpace(tok)))
		if err != nil || a.Disabled {
			return xiangpei.Errorf(xiangpei.Unauthorized, "auth.bad_token", "The API token is missing or not valid.")
		}
		actor := a.Actor()
		st.actor, st.account, st.bearer = &actor, &a, true
		return nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, a, err := s.db.SessionWithAccount(r.Context(), auth.Digest(c.Value))
	if err != nil {
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			st.expired = true
			s.clearCookie(w, sessionCookie)
			return nil
		}
		return err
	}
	now := s.now()
	if sess.Expired(now) || a.Disabled {
		st.expired = true
		_ = s.endSession(r, sess.IDHash, a)
		s.clearCookie(w, sessionCookie)
		return nil
	}
	_ = s.db.TouchSession(r.Context(), sess.IDHash, now)
	actor := a.Actor()
	st.actor, st.account, st.session, st.sessionID, st.csrf = &actor, &a, &sess, c.Value, sess.CSRF
	return nil
}

// checkCSRF refuses a state-changing request that another site could have sent: Go's
// cross-origin protection (Sec-Fetch-Site / Origin), then a token that only our pages know,
// because some government browsers send neither header.
func (s *Server) checkCSRF(r *http.Request, st *state) error {
	bad := xiangpei.Errorf(xiangpei.Forbidden, "error.csrf", "The form has expired or did not come from this site. Go back, reload the page and try again.")
	if err := crossOrigin.Check(r); err != nil {
		return bad
	}
	if st.api && st.session == nil {
		// No session, so no credential a forged request could borrow: the origin check above is
		// enough, and machines may call the public API without first loading a page.
		return nil
	}
	want := st.csrf
	if st.session == nil {
		c, err := r.Cookie(csrfCookie)
		if err != nil {
			return bad
		}
		want = c.Value
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && !st.api {
		got = r.PostFormValue("csrf")
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return bad
	}
	return nil
}

// anonymousCSRF gives a visitor without a session a token for the sign-in and registration
// forms, kept in a cookie (the double-submit pattern).
func (s *Server) anonymousCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	v := auth.Secret(24)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookie, SameSite: http.SameSiteLaxMode})
	return v
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.SecureCookie, SameSite: http.SameSiteLaxMode})
}

// handle registers a route with its access rule. A rule left out is a programming error that
// stops the server from starting.
func (s *Server) handle(pattern string, access Access, h http.HandlerFunc) {
	if !access.set {
		panic("web: route " + pattern + " has no access rule")
	}
	method, path, _ := strings.Cut(pattern, " ")
	s.routes = append(s.routes, Route{Pattern: pattern, Method: method, Path: path, Access: access, API: strings.HasPrefix(path, "/api/")})
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		st.pattern = pattern
		if !access.Allows(st.actor) {
			if st.actor == nil {
				s.needSignIn(w, r, st)
				return
			}
			s.fail(w, r, xiangpei.Errorf(xiangpei.Forbidden, "error.forbidden", "Your account may not do this."))
			return
		}
		if st.actor != nil && !st.bearer && !access.early {
			if next := s.pendingStep(st); next != "" {
				if st.api {
					s.fail(w, r, xiangpei.Errorf(xiangpei.Unauthorized, "auth.second_factor", "Finish signing in with your second factor first."))
					return
				}
				http.Redirect(w, r, next, http.StatusSeeOther)
				return
			}
		}
		if st.api && r.Method == http.MethodPost && r.Header.Get("Idempotency-Key") != "" {
			s.idempotent(w, r, h)
			return
		}
		h(w, r)
	})
}

// pendingStep names the page a signed-in account must visit before anything else: second
// factor enrolment or check, or a password change.
func (s *Server) pendingStep(st *state) string {
	a := st.account
	if a.Role.NeedsSecondFactor() {
		if !a.TOTPEnrolled {
			return "/account/totp"
		}
		if st.session != nil && !st.session.SecondFactor {
			return "/login/totp"
		}
	}
	if a.MustChange {
		return "/account/password"
	}
	return ""
}

func (s *Server) needSignIn(w http.ResponseWriter, r *http.Request, st *state) {
	if st.api || r.Method != http.MethodGet {
		key := "auth.required"
		if st.expired {
			key = "auth.expired"
		}
		s.fail(w, r, xiangpei.Errorf(xiangpei.Unauthorized, key, "Sign in first."))
		return
	}
	q := url.Values{"next": {r.URL.RequestURI()}}
	if st.expired {
		q.Set("expired", "1")
	}
	http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
}

// handleBoth registers a page route and its JSON twin under /api/v1 with one rule and one
// handler, so that a screen's action cannot exist without its API.
func (s *Server) handleBoth(pattern, apiPath string, access Access, h http.HandlerFunc) {
	method, _, _ := strings.Cut(pattern, " ")
	s.handle(pattern, access, h)
	s.handle(method+" "+apiPath, access, h)
}
