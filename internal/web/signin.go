package web

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"time"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
)

type loginForm struct {
	Login    string `json:"login"`
	Password string `json:"password"`
	Next     string `json:"next"`
}

type loginData struct {
	Form      loginForm
	Expired   bool
	DemoUsers []demoUser
}

// demoUser is a demo account shown on the sign-in page of a demo database.
type demoUser struct {
	Login, Password, Role, Code string
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, s.msg.T(stateOf(r).lang, "login.title"), nil)
	d := loginData{Form: loginForm{Next: r.URL.Query().Get("next")}, Expired: r.URL.Query().Get("expired") == "1"}
	if p.Demo {
		d.DemoUsers = s.demoUsers(r)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "login", p)
}

// demoUsers lists the demo accounts with their passwords; the passwords are the documented demo
// passwords, shown only on a database seeded as a demo.
func (s *Server) demoUsers(r *http.Request) []demoUser {
	var out []demoUser
	for _, d := range seed.DemoAccounts {
		out = append(out, demoUser{Login: d.Login, Password: seed.DemoPassword, Role: s.msg.T(stateOf(r).lang, "role."+string(d.Role))})
	}
	return out
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var f loginForm
	err := bind(r, &f)
	if err == nil {
		err = s.signIn(w, r, f)
	}
	if err != nil {
		if st.api {
			s.fail(w, r, err)
			return
		}
		p := s.page(r, s.msg.T(st.lang, "login.title"), nil)
		p.Error = s.msg.Error(st.lang, err)
		f.Password = ""
		d := loginData{Form: f}
		if p.Demo {
			d.DemoUsers = s.demoUsers(r)
		}
		p.Data = d
		s.render(w, r, statusOf(err), "login", p)
		return
	}
	next := "/"
	if localPath(f.Next) {
		next = f.Next
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

var errBadCredentials = xiangpei.Errorf(xiangpei.Unauthorized, "auth.bad_credentials", "The account name or password is wrong.")

// errLocked tells how many minutes an account stays locked.
func errLocked(until, now time.Time) error {
	mins := int(until.Sub(now).Minutes()) + 1
	return xiangpei.Errorf(xiangpei.RateLimited, "auth.locked", "Too many wrong passwords: the account is locked for %v more minutes.", mins)
}

// signIn checks a password and starts a new session. Unknown accounts and wrong passwords get
// the same message and take the same time; repeated failures lock the account for a while.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, f loginForm) error {
	now := s.now()
	if !s.limits.allow("login-ip:"+clientIP(r), 30, time.Minute, now) {
		return xiangpei.Errorf(xiangpei.RateLimited, "auth.too_many", "Too many sign-in attempts. Wait a minute and try again.")
	}
	login := f.Login
	if m, err := xiangpei.ParseMobile(login); err == nil {
		login = m
	}
	a, err := s.db.AccountByLogin(r.Context(), login)
	if err != nil {
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			auth.SpendTime(f.Password)
			return errBadCredentials
		}
		return err
	}
	if a.LockedUntil.After(now) {
		return errLocked(a.LockedUntil, now)
	}
	if !auth.CheckPassword(a.PasswordHash, f.Password) {
		until, err := store.Do(r.Context(), s.db, a.Actor(), func(tx *store.Tx) (time.Time, error) {
			return tx.RecordLoginFailure(a.ID)
		})
		if err != nil {
			return err
		}
		if until.After(now) {
			return errLocked(until, now)
		}
		return errBadCredentials
	}
	if a.Disabled {
		return xiangpei.Errorf(xiangpei.Forbidden, "auth.disabled", "This account has been disabled. Ask your administrator.")
	}
	return s.startSession(w, r, a)
}

// startSession replaces any session the browser had with a new one (rotation at sign-in).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, a xiangpei.Account) error {
	st := stateOf(r)
	id := auth.Secret(32)
	sess := store.Session{IDHash: auth.Digest(id), AccountID: a.ID, CSRF: auth.Secret(24)}
	age := s.passwordProfile(r).MaxAge()
	expired := age > 0 && s.now().Sub(a.PasswordChangedAt) > age
	err := s.db.Tx(r.Context(), a.Actor(), func(tx *store.Tx) error {
		if st.session != nil {
			if err := tx.EndSession(st.session.IDHash); err != nil {
				return err
			}
		}
		if err := tx.CreateSession(sess); err != nil {
			return err
		}
		if expired && !a.MustChange {
			if err := tx.RequirePasswordChange(a.ID); err != nil {
				return err
			}
		}
		return tx.RecordLogin(a.ID)
	})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookie,
		SameSite: http.SameSiteLaxMode})
	actor := a.Actor()
	st.actor, st.account, st.session, st.sessionID, st.csrf = &actor, &a, &sess, id, sess.CSRF
	return nil
}

func (s *Server) endSession(r *http.Request, idHash string, a xiangpei.Account) error {
	return s.db.Tx(r.Context(), a.Actor(), func(tx *store.Tx) error {
		if err := tx.EndSession(idHash); err != nil {
			return err
		}
		return tx.Audit("account.logout", "account", a.ID, "", nil)
	})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if st.session != nil {
		if err := s.endSession(r, st.session.IDHash, *st.account); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearCookie(w, sessionCookie)
	redirect(w, r, "/login", "logged_out")
}

type totpData struct {
	Secret   string
	DemoCode string
}

func (s *Server) showTOTPCheck(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if !st.account.Role.NeedsSecondFactor() || (st.session != nil && st.session.SecondFactor) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if !st.account.TOTPEnrolled {
		http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
		return
	}
	p := s.page(r, s.msg.T(st.lang, "totp.check_title"), nil)
	p.Data = s.totpData(r, st.account)
	s.render(w, r, http.StatusOK, "totp_check", p)
}

// totpData shows the current code on a demo database only, so a newcomer can walk the demo
// without an authenticator app.
func (s *Server) totpData(r *http.Request, a *xiangpei.Account) totpData {
	d := totpData{}
	if s.Demo(r.Context()) && a.TOTPSecret != "" {
		d.DemoCode, _ = auth.TOTPCode(a.TOTPSecret, s.now())
	}
	return d
}

type codeForm struct {
	Code string `json:"code"`
}

func (s *Server) checkTOTP(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var f codeForm
	if err := bind(r, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	if st.session == nil || !st.account.TOTPEnrolled {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	err := s.verifyTOTP(r, st.account, f.Code)
	if err == nil {
		err = s.db.Tx(r.Context(), *st.actor, func(tx *store.Tx) error {
			if err := tx.MarkSecondFactor(st.session.IDHash); err != nil {
				return err
			}
			return tx.Audit("account.second_factor", "account", st.account.ID, "", nil)
		})
	}
	if err != nil {
		p := s.page(r, s.msg.T(st.lang, "totp.check_title"), s.totpData(r, st.account))
		p.Error = s.msg.Error(st.lang, err)
		s.render(w, r, statusOf(err), "totp_check", p)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// verifyTOTP checks a code with a limit of attempts per account.
func (s *Server) verifyTOTP(r *http.Request, a *xiangpei.Account, code string) error {
	if !s.limits.allow(fmt.Sprint("totp:", a.ID), 5, 5*time.Minute, s.now()) {
		return xiangpei.Errorf(xiangpei.RateLimited, "auth.too_many", "Too many attempts. Wait a few minutes and try again.")
	}
	if !auth.CheckTOTP(a.TOTPSecret, code, s.now()) {
		return xiangpei.Errorf(xiangpei.Invalid, "totp.wrong", "The code is wrong or has expired. Enter the current 6-digit code from your authenticator app.")
	}
	return nil
}

func (s *Server) showTOTPEnrol(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	a := st.account
	if a.TOTPEnrolled {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if a.TOTPSecret == "" {
		secret, err := auth.NewTOTP(a.Login)
		if err == nil {
			err = s.db.Tx(r.Context(), *st.actor, func(tx *store.Tx) error { return tx.SetTOTPSecret(a.ID, secret) })
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		a.TOTPSecret = secret
	}
	d := s.totpData(r, a)
	d.Secret = a.TOTPSecret
	s.render(w, r, http.StatusOK, "totp_enrol", s.page(r, s.msg.T(st.lang, "totp.enrol_title"), d))
}

func (s *Server) totpQR(w http.ResponseWriter, r *http.Request) {
	a := stateOf(r).account
	if a.TOTPEnrolled || a.TOTPSecret == "" {
		s.fail(w, r, xiangpei.ErrNotFound("QR code"))
		return
	}
	png, err := auth.TOTPQR(a.Login, a.TOTPSecret, 240)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(png)
}

func (s *Server) enrolTOTP(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var f codeForm
	if err := bind(r, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	a := st.account
	err := s.verifyTOTP(r, a, f.Code)
	if err == nil {
		err = s.db.Tx(r.Context(), *st.actor, func(tx *store.Tx) error {
			if err := tx.ConfirmTOTP(a.ID); err != nil {
				return err
			}
			if st.session != nil {
				return tx.MarkSecondFactor(st.session.IDHash)
			}
			return nil
		})
	}
	if err != nil {
		d := s.totpData(r, a)
		d.Secret = a.TOTPSecret
		p := s.page(r, s.msg.T(st.lang, "totp.enrol_title"), d)
		p.Error = s.msg.Error(st.lang, err)
		s.render(w, r, statusOf(err), "totp_enrol", p)
		return
	}
	redirect(w, r, "/", "totp_enrolled")
}

type passwordForm struct {
	Current string `json:"current"`
	New     string `json:"new"`
	Confirm string `json:"confirm"`
}

func (s *Server) showPassword(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	s.render(w, r, http.StatusOK, "password", s.page(r, s.msg.T(st.lang, "password.title"), nil))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var f passwordForm
	err := bind(r, &f)
	if err == nil {
		err = s.doChangePassword(r, f)
	}
	if err != nil {
		if st.api {
			s.fail(w, r, err)
			return
		}
		p := s.page(r, s.msg.T(st.lang, "password.title"), nil)
		p.Error = s.msg.Error(st.lang, err)
		s.render(w, r, statusOf(err), "password", p)
		return
	}
	redirect(w, r, "/", "password_changed")
}

func (s *Server) doChangePassword(r *http.Request, f passwordForm) error {
	st := stateOf(r)
	a := st.account
	if !auth.CheckPassword(a.PasswordHash, f.Current) {
		return xiangpei.Errorf(xiangpei.Invalid, "password.current_wrong", "Your current password is wrong.")
	}
	if f.New != f.Confirm {
		return xiangpei.Errorf(xiangpei.Invalid, "password.mismatch", "The two new passwords are not the same.")
	}
	if f.New == f.Current {
		return xiangpei.Errorf(xiangpei.Invalid, "password.same", "Choose a password different from the current one.")
	}
	if err := s.passwordProfile(r).CheckPassword(f.New, a.Login); err != nil {
		return err
	}
	keep := ""
	if st.session != nil {
		keep = st.session.IDHash
	}
	return s.db.Tx(r.Context(), *st.actor, func(tx *store.Tx) error {
		return tx.SetPassword(a.ID, auth.HashPassword(f.New, auth.DefaultParams), false, keep)
	})
}

func (s *Server) passwordProfile(r *http.Request) xiangpei.PasswordProfile {
	v, err := s.db.Setting(r.Context(), store.SettingPasswordProfile, string(xiangpei.ProfileASVS))
	if err != nil || !xiangpei.PasswordProfile(v).Valid() {
		return xiangpei.ProfileASVS
	}
	return xiangpei.PasswordProfile(v)
}

// clientIP is the address of the connection (no proxy headers are trusted by default).
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == ':' {
			return host[:i]
		}
	}
	return host
}

// randomDigits returns n random decimal digits, for one-time codes.
func randomDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b[i] = byte('0' + d.Int64())
	}
	return string(b)
}
