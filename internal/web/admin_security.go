package web

import (
	"net/http"
	"net/url"
	"strings"

	"xiangpei"
	"xiangpei/internal/store"
)

// The security administrator's page: the password profile, lock-outs and API tokens.

type adminSecurityData struct {
	Profile      string
	Profiles     []xiangpei.PasswordProfile
	Locked       []adminAccountRow
	Pager        *pager
	Login        string
	TokenAccount *xiangpei.Account
	TokenLogin   string
	Tokens       []store.APIToken
	LookupFailed bool
}

func (s *Server) adminSecurityPage(r *http.Request, profile string) (*Page, error) {
	ctx := r.Context()
	locked, total, err := s.db.ListLockedAccounts(ctx, s.now(), adminPage(r))
	if err != nil {
		return nil, err
	}
	d := adminSecurityData{Profile: profile, Profiles: []xiangpei.PasswordProfile{xiangpei.ProfileASVS, xiangpei.ProfileGov},
		Locked: s.adminRows(r, locked), Pager: pagerOf(r, pageNumber(r), total, adminPageSize), Login: strings.TrimSpace(r.URL.Query().Get("login"))}
	if d.Profile == "" {
		d.Profile = string(s.passwordProfile(r))
	}
	if d.Login != "" {
		login := d.Login
		if m, err := xiangpei.ParseMobile(login); err == nil {
			login = m
		}
		a, err := s.db.AccountByLogin(ctx, login)
		if err == nil {
			d.TokenAccount, d.TokenLogin = &a, maskLogin(a)
			d.Tokens, _ = s.db.Tokens(ctx, a.ID)
		} else {
			d.LookupFailed = true
		}
	}
	return s.page(r, s.adminTitle(r, "admin.security_title"), d), nil
}

func (s *Server) adminShowSecurity(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_security", func() (*Page, error) { return s.adminSecurityPage(r, "") }})
}

type adminProfileForm struct {
	Profile string `json:"profile"`
}

func (s *Server) adminAPIProfile(w http.ResponseWriter, r *http.Request) {
	p := s.passwordProfile(r)
	writeJSON(w, http.StatusOK, map[string]any{"profile": p, "max_age_days": int(p.MaxAge().Hours() / 24),
		"min_length": xiangpei.MinPasswordLength})
}

func (s *Server) adminSetProfile(w http.ResponseWriter, r *http.Request) {
	var f adminProfileForm
	err := bind(r, &f)
	p := xiangpei.PasswordProfile(strings.TrimSpace(f.Profile))
	if err == nil && !p.Valid() {
		err = adminInvalid("admin.profile_unknown", "Choose the ASVS profile or the government profile.")
	}
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.SetSetting(store.SettingPasswordProfile, string(p), false) })
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_security", func() (*Page, error) { return s.adminSecurityPage(r, f.Profile) }})
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"profile": p, "max_age_days": int(p.MaxAge().Hours() / 24),
		"min_length": xiangpei.MinPasswordLength}, "/admin/security", "admin_profile_saved")
}

func (s *Server) adminAPILocked(w http.ResponseWriter, r *http.Request) {
	locked, total, err := s.db.ListLockedAccounts(r.Context(), s.now(), adminPage(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := jsonList(locked, s.adminAccountJSON)
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out, "total": total, "page": pageNumber(r), "page_size": adminPageSize})
}

func (s *Server) adminUnlock(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	var a xiangpei.Account
	if err == nil {
		a, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (xiangpei.Account, error) {
			if err := tx.Unlock(id); err != nil {
				return xiangpei.Account{}, err
			}
			return tx.Account(id)
		})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answer(w, r, http.StatusOK, s.adminAccountJSON(a), "/admin/security", "admin_unlocked")
}

func adminTokenJSON(t store.APIToken) map[string]any {
	return map[string]any{"id": t.ID, "account_id": t.AccountID, "name": t.Name, "created_at": adminTime(t.CreatedAt),
		"revoked_at": adminTime(t.RevokedAt), "last_used_at": adminTime(t.LastUsedAt), "revoked": !t.RevokedAt.IsZero()}
}

func (s *Server) adminAPITokens(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if err == nil {
		_, err = s.db.Account(r.Context(), id)
	}
	var tokens []store.APIToken
	if err == nil {
		tokens, err = s.db.Tokens(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := jsonList(tokens, adminTokenJSON)
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	var tokenID int64
	if err == nil {
		tokenID, err = pathID(r, "id")
	}
	var a xiangpei.Account
	if err == nil {
		a, err = s.db.Account(r.Context(), id)
	}
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.RevokeToken(id, tokenID) })
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"revoked": tokenID, "account_id": id},
		adminSecurityPath(a), "admin_token_revoked")
}

// adminSecurityPath returns to the security page showing an account's tokens. A person's login
// is their phone number, which is not put in a URL; the page then asks for it again.
func adminSecurityPath(a xiangpei.Account) string {
	if a.Role == xiangpei.RolePerson {
		return "/admin/security"
	}
	return "/admin/security?" + url.Values{"login": {a.Login}}.Encode()
}
