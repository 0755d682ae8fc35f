package web

import (
	"crypto/rand"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/store"
)

// registerAdminRoutes registers the administrators' routes: accounts, organisations,
// reference data and security settings. The three administrator duties stay apart (三员分立):
// the system administrator manages accounts, organisations and reference data, the security
// administrator the password policy, lock-outs and API tokens; the auditor only reads the
// audit trail (audit.go). Reading reference data through the API is open to every account.
func (s *Server) registerAdminRoutes() {
	sys := Duty(xiangpei.DutySysAdmin)
	sec := Duty(xiangpei.DutySecAdmin)

	// Accounts.
	s.handle("GET /admin/accounts", sys, s.adminShowAccounts)
	s.handle("GET /admin/accounts/new", sys, s.adminShowNewAccount)
	s.handleBoth("POST /admin/accounts", "/api/v1/accounts", sys, s.adminCreateAccount)
	s.handle("GET /admin/accounts/{account}", sys, s.adminShowAccount)
	s.handleBoth("POST /admin/accounts/{account}/duties", "/api/v1/accounts/{account}/duties", sys, s.adminSetDuties)
	s.handleBoth("POST /admin/accounts/{account}/password-reset", "/api/v1/accounts/{account}/password-reset", sys, s.adminResetPassword)
	s.handleBoth("POST /admin/accounts/{account}/disable", "/api/v1/accounts/{account}/disable", sys, s.adminDisable)
	s.handleBoth("POST /admin/accounts/{account}/enable", "/api/v1/accounts/{account}/enable", sys, s.adminEnable)
	s.handleBoth("POST /admin/accounts/{account}/totp-reset", "/api/v1/accounts/{account}/totp-reset", sys, s.adminResetTOTP)
	s.handle("GET /api/v1/accounts", sys, s.adminAPIAccounts)
	s.handle("GET /api/v1/accounts/{account}", sys, s.adminAPIAccount)

	// Organisations: created here, listed and shown under /registry/orgs.
	s.handle("GET /admin/orgs/new", sys, s.adminShowNewOrg)
	s.handleBoth("POST /admin/orgs", "/api/v1/orgs", sys, s.adminCreateOrg)

	// Reference data.
	s.handle("GET /admin/reference", sys, s.adminShowReference)
	s.handle("GET /admin/reference/regions", sys, s.adminShowRegions)
	s.handleBoth("POST /admin/reference/regions/{code}", "/api/v1/reference/regions/{code}", sys, s.adminRenameRegion)
	s.handle("GET /admin/reference/occupations", sys, s.adminShowOccupations)
	s.handleBoth("POST /admin/reference/occupations", "/api/v1/reference/occupations", sys, s.adminAddOccupation)
	s.handle("GET /admin/reference/occupations/{code}", sys, s.adminShowOccupation)
	s.handleBoth("POST /admin/reference/occupations/{code}", "/api/v1/reference/occupations/{code}", sys, s.adminUpdateOccupation)
	s.handleBoth("POST /admin/reference/occupations/{code}/deprecate", "/api/v1/reference/occupations/{code}/deprecate", sys, s.adminDeprecateOccupation)
	s.handle("GET /admin/reference/levels", sys, s.adminShowLevels)
	s.handleBoth("POST /admin/reference/levels/{code}", "/api/v1/reference/levels/{code}", sys, s.adminUpdateLevel)
	s.handle("GET /admin/reference/key-groups", sys, s.adminShowKeyGroups)
	s.handleBoth("POST /admin/reference/key-groups", "/api/v1/reference/key-groups", sys, s.adminSaveKeyGroup)
	s.handleBoth("POST /admin/reference/key-groups/{code}", "/api/v1/reference/key-groups/{code}", sys, s.adminSaveKeyGroup)
	s.handle("GET /admin/reference/sectors", sys, s.adminShowSectors)
	s.handleBoth("POST /admin/reference/sectors", "/api/v1/reference/sectors", sys, s.adminSaveSector)
	s.handleBoth("POST /admin/reference/sectors/{code}", "/api/v1/reference/sectors/{code}", sys, s.adminSaveSector)
	s.handle("GET /admin/reference/actions", sys, s.adminShowActions)
	s.handleBoth("POST /admin/reference/actions", "/api/v1/reference/actions", sys, s.adminAddAction)
	s.handleBoth("POST /admin/reference/actions/{id}", "/api/v1/reference/actions/{id}", sys, s.adminUpdateAction)
	s.handle("GET /admin/reference/calendar", sys, s.adminShowCalendar)
	s.handleBoth("POST /admin/reference/calendar", "/api/v1/reference/calendar", sys, s.adminSetDay)
	s.handleBoth("POST /admin/reference/calendar/{day}/delete", "/api/v1/reference/calendar/{day}/delete", sys, s.adminDeleteDay)

	s.handle("GET /api/v1/reference/regions", SignedIn(), s.adminAPIRegions)
	s.handle("GET /api/v1/reference/occupations", SignedIn(), s.adminAPIOccupations)
	s.handle("GET /api/v1/reference/occupations/{code}", SignedIn(), s.adminAPIOccupation)
	s.handle("GET /api/v1/reference/levels", SignedIn(), s.adminAPILevels)
	s.handle("GET /api/v1/reference/key-groups", SignedIn(), s.adminAPIKeyGroups)
	s.handle("GET /api/v1/reference/sectors", SignedIn(), s.adminAPISectors)
	s.handle("GET /api/v1/reference/actions", SignedIn(), s.adminAPIActions)
	s.handle("GET /api/v1/reference/calendar", SignedIn(), s.adminAPICalendar)

	// Security administration.
	s.handle("GET /admin/security", sec, s.adminShowSecurity)
	s.handleBoth("POST /admin/security/profile", "/api/v1/security/profile", sec, s.adminSetProfile)
	s.handleBoth("POST /admin/security/unlock/{account}", "/api/v1/security/unlock/{account}", sec, s.adminUnlock)
	s.handleBoth("POST /admin/security/accounts/{account}/tokens/{id}/revoke", "/api/v1/accounts/{account}/tokens/{id}/revoke", sec, s.adminRevokeToken)
	s.handle("GET /api/v1/security/profile", sec, s.adminAPIProfile)
	s.handle("GET /api/v1/security/locked", sec, s.adminAPILocked)
	s.handle("GET /api/v1/accounts/{account}/tokens", sec, s.adminAPITokens)
}

// ---- shared helpers ----

const adminPageSize = 50

func adminPage(r *http.Request) store.Page {
	_, pg := listPage(r, adminPageSize)
	return pg
}

func (s *Server) adminTitle(r *http.Request, key string) string {
	return s.msg.T(stateOf(r).lang, key)
}

func adminInvalid(key, text string, args ...any) error {
	return xiangpei.Errorf(xiangpei.Invalid, key, text, args...)
}

// adminReason checks the reason given for disabling or enabling an account.
func adminReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 4 || n > 500 {
		return reason, adminInvalid("admin.reason_invalid", "Give the reason (4 to 500 characters); it is recorded.")
	}
	return reason, nil
}

// adminPasswordAlphabet leaves out characters that are easily misread (0/O, 1/l/I).
const adminPasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"

// adminOneTimePassword makes an initial or reset password that satisfies both password
// profiles; its owner must replace it at the first sign-in.
func adminOneTimePassword(login string) string {
	n := big.NewInt(int64(len(adminPasswordAlphabet)))
	for {
		b := make([]byte, 14)
		for i := range b {
			k, err := rand.Int(rand.Reader, n)
			if err != nil {
				panic(err) // crypto/rand does not fail on supported platforms
			}
			b[i] = adminPasswordAlphabet[k.Int64()]
		}
		pw := string(b)
		if xiangpei.ProfileGov.CheckPassword(pw, login) == nil && xiangpei.ProfileASVS.CheckPassword(pw, login) == nil {
			return pw
		}
	}
}

func adminTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// ---- accounts ----

// adminState is the one word for an account's state: active, locked or disabled.
func adminState(a xiangpei.Account, now time.Time) string {
	switch {
	case a.Disabled:
		return "disabled"
	case a.LockedUntil.After(now):
		return "locked"
	}
	return "active"
}

func (s *Server) adminAccountJSON(a xiangpei.Account) map[string]any {
	duties := []string{}
	for _, d := range a.Duties {
		duties = append(duties, string(d))
	}
	now := s.now()
	return map[string]any{"id": a.ID, "login": maskLogin(a), "display_name": a.DisplayName, "role": a.Role,
		"duties": duties, "region": a.Region, "org_id": a.OrgID, "person_id": a.PersonID, "state": adminState(a, now),
		"disabled": a.Disabled, "locked": a.LockedUntil.After(now), "locked_until": adminTime(a.LockedUntil),
		"failed_logins": a.FailedLogins, "must_change": a.MustChange, "totp_enrolled": a.TOTPEnrolled,
		"last_login_at": adminTime(a.LastLoginAt), "created_at": adminTime(a.CreatedAt), "version": a.Version}
}

// adminAccountRow is an account as a line of the list.
type adminAccountRow struct {
	Account    xiangpei.Account
	Login      string
	State      string
	RegionName string
	OrgName    string
}

type adminAccountsData struct {
	Role     string
	Q        string
	Roles    []xiangpei.Role
	Accounts []adminAccountRow
	Pager    *pager
}

func (s *Server) adminRows(r *http.Request, list []xiangpei.Account) []adminAccountRow {
	names := s.places(r).Names
	orgs := map[int64]string{}
	now := s.now()
	var rows []adminAccountRow
	for _, a := range list {
		row := adminAccountRow{Account: a, Login: maskLogin(a), State: adminState(a, now), RegionName: names[a.Region]}
		if a.OrgID != 0 {
			name, ok := orgs[a.OrgID]
			if !ok {
				if o, err := s.db.Org(r.Context(), actorOf(r).Scope(), a.OrgID); err == nil {
					name = o.Name
				}
				orgs[a.OrgID] = name
			}
			row.OrgName = name
		}
		rows = append(rows, row)
	}
	return rows
}

func (s *Server) adminListAccounts(r *http.Request) ([]xiangpei.Account, int, string, string, error) {
	q := r.URL.Query()
	role, text := strings.TrimSpace(q.Get("role")), strings.TrimSpace(q.Get("q"))
	if role != "" && !xiangpei.Role(role).Valid() {
		role = ""
	}
	list, total, err := s.db.ListAccounts(r.Context(), role, text, adminPage(r))
	return list, total, role, text, err
}

func (s *Server) adminShowAccounts(w http.ResponseWriter, r *http.Request) {
	list, total, role, text, err := s.adminListAccounts(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := adminAccountsData{Role: role, Q: text, Roles: xiangpei.Roles, Accounts: s.adminRows(r, list), Pager: pagerOf(r, pageNumber(r), total, adminPageSize)}
	s.render(w, r, http.StatusOK, "admin_accounts", s.page(r, s.adminTitle(r, "admin.accounts_title"), d))
}

func (s *Server) adminAPIAccounts(w http.ResponseWriter, r *http.Request) {
	list, total, _, _, err := s.adminListAccounts(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := jsonList(list, s.adminAccountJSON)
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out, "total": total, "page": pageNumber(r), "page_size": adminPageSize})
}

type adminAccountForm struct {
	Login       string   `json:"login"`
	DisplayName string   `json:"display_name"`
	Role        string   `json:"role"`
	Duties      []string `json:"duties"`
	Region      string   `json:"region"`
	OrgID       int64    `json:"org_id"`
}

// adminDutyOption is a duty checkbox.
type adminDutyOption struct {
	Duty    string
	Checked bool
}

func adminDutyOptions(all []xiangpei.Duty, checked []string) []adminDutyOption {
	var out []adminDutyOption
	for _, d := range all {
		out = append(out, adminDutyOption{Duty: string(d), Checked: slices.Contains(checked, string(d))})
	}
	return out
}

type adminNewAccountData struct {
	Form          adminAccountForm
	Roles         []xiangpei.Role
	OfficerDuties []adminDutyOption
	AdminDuties   []adminDutyOption
	Regions       []store.Region
	OrgQ          string
	Orgs          []xiangpei.Organisation
}

// adminStaffRoles are the roles an administrator creates accounts for: every role except
// persons, who register themselves.
func adminStaffRoles() []xiangpei.Role {
	var out []xiangpei.Role
	for _, role := range xiangpei.Roles {
		if role != xiangpei.RolePerson {
			out = append(out, role)
		}
	}
	return out
}

func (s *Server) adminNewAccountPage(r *http.Request, f adminAccountForm) *Page {
	ctx := r.Context()
	regions := s.places(r).Regions
	d := adminNewAccountData{Form: f, Roles: adminStaffRoles(), Regions: regions, OrgQ: strings.TrimSpace(r.URL.Query().Get("org_q")),
		OfficerDuties: adminDutyOptions(xiangpei.OfficerDuties, f.Duties), AdminDuties: adminDutyOptions(xiangpei.AdminDuties, f.Duties)}
	sc := actorOf(r).Scope()
	if list, _, err := s.db.SearchOrgs(ctx, sc, "", d.OrgQ, "", store.Page{Limit: adminPageSize}); err == nil {
		d.Orgs = list
	}
	if f.OrgID != 0 && !slices.ContainsFunc(d.Orgs, func(o xiangpei.Organisation) bool { return o.ID == f.OrgID }) {
		if o, err := s.db.Org(ctx, sc, f.OrgID); err == nil {
			d.Orgs = append([]xiangpei.Organisation{o}, d.Orgs...)
		}
	}
	return s.page(r, s.adminTitle(r, "admin.new_account_title"), d)
}

func (s *Server) adminShowNewAccount(w http.ResponseWriter, r *http.Request) {
	f := adminAccountForm{}
	if id, err := strconv.ParseInt(r.URL.Query().Get("org"), 10, 64); err == nil && id > 0 {
		if o, err := s.db.Org(r.Context(), actorOf(r).Scope(), id); err == nil {
			f.OrgID, f.Role = o.ID, string(o.Kind.StaffRole())
		}
	}
	s.render(w, r, http.StatusOK, "admin_account_new", s.adminNewAccountPage(r, f))
}

// adminCheckRegion checks that a region code is in the reference data.
func (s *Server) adminCheckRegion(r *http.Request, code string) error {
	if _, err := s.db.Region(r.Context(), code); err != nil {
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			return adminInvalid("admin.region_unknown", "Choose the officer's region from the list.")
		}
		return err
	}
	return nil
}

// adminAccountInput turns the form into an account to create, checking what the domain
// cannot: that the region and the organisation exist and fit the role.
func (s *Server) adminAccountInput(r *http.Request, f adminAccountForm) (xiangpei.AccountInput, error) {
	role := xiangpei.Role(strings.TrimSpace(f.Role))
	if role == xiangpei.RolePerson {
		return xiangpei.AccountInput{}, adminInvalid("admin.no_person", "Persons register themselves with their ID number and phone; an administrator does not create their accounts.")
	}
	duties, err := xiangpei.ParseDuties(strings.Join(f.Duties, ","))
	if err != nil {
		return xiangpei.AccountInput{}, err
	}
	in := xiangpei.AccountInput{Login: strings.ToLower(strings.TrimSpace(f.Login)), DisplayName: strings.TrimSpace(f.DisplayName),
		Role: role, Duties: duties, Region: strings.TrimSpace(f.Region), OrgID: f.OrgID}
	if role != xiangpei.RoleOfficer {
		in.Region = ""
	}
	if role.OrgKind() == "" {
		in.OrgID = 0
	}
	if err := in.Validate(); err != nil {
		return in, err
	}
	if role == xiangpei.RoleOfficer {
		if err := s.adminCheckRegion(r, in.Region); err != nil {
			return in, err
		}
	}
	if kind := role.OrgKind(); kind != "" {
		o, err := s.db.Org(r.Context(), actorOf(r).Scope(), in.OrgID)
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			return in, adminInvalid("admin.org_unknown", "There is no organisation with this number; search for it and choose it from the list.")
		}
		if err != nil {
			return in, err
		}
		if o.Kind != kind {
			return in, adminInvalid("admin.org_wrong_kind", "%v is not an organisation of the kind this role works for.", o.Name)
		}
	}
	return in, nil
}

type adminSecretData struct {
	Account  xiangpei.Account
	Login    string
	Password string
	Created  bool
}

func (s *Server) adminCreateAccount(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var f adminAccountForm
	err := bind(r, &f)
	var a xiangpei.Account
	var pw string
	if err == nil {
		var in xiangpei.AccountInput
		if in, err = s.adminAccountInput(r, f); err == nil {
			pw = adminOneTimePassword(in.Login)
			a, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (xiangpei.Account, error) {
				return tx.CreateAccount(in, auth.HashPassword(pw, auth.DefaultParams), true)
			})
		}
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_account_new", func() (*Page, error) { return s.adminNewAccountPage(r, f), nil }})
		return
	}
	if st.api {
		noReplay(r)
		writeJSON(w, http.StatusCreated, map[string]any{"account": s.adminAccountJSON(a), "initial_password": pw, "must_change": true})
		return
	}
	// The password is shown on this response only: it is never stored in clear, so the page is
	// rendered here instead of after a redirect.
	d := adminSecretData{Account: a, Login: maskLogin(a), Password: pw, Created: true}
	s.render(w, r, http.StatusCreated, "admin_account_secret", s.page(r, s.adminTitle(r, "admin.created_title"), d))
}

type adminAccountData struct {
	Account    xiangpei.Account
	Login      string
	State      string
	RegionName string
	Org        *xiangpei.Organisation
	Self       bool
	Duties     []adminDutyOption
	HasDuties  bool
	Officer    bool
	Regions    []store.Region
	Form       adminDutiesForm
	Reason     string
	Tokens     []store.APIToken
}

type adminDutiesForm struct {
	Duties  []string `json:"duties"`
	Region  string   `json:"region"`
	Version int64    `json:"version"`
}

type adminReasonForm struct {
	Reason  string `json:"reason"`
	Version int64  `json:"version"`
}

// adminAccountPage builds an account's page; form, when given, keeps what the user typed
// into the duties form.
func (s *Server) adminAccountPage(r *http.Request, id int64, form *adminDutiesForm, reason string) (*Page, error) {
	a, err := s.db.Account(r.Context(), id)
	if err != nil {
		return nil, err
	}
	pl := s.places(r)
	names, regions := pl.Names, pl.Regions
	d := adminAccountData{Account: a, Login: maskLogin(a), State: adminState(a, s.now()), RegionName: names[a.Region],
		Self: a.ID == actorOf(r).AccountID, Officer: a.Role == xiangpei.RoleOfficer, Regions: regions, Reason: reason}
	if a.OrgID != 0 {
		if o, err := s.db.Org(r.Context(), actorOf(r).Scope(), a.OrgID); err == nil {
			d.Org = &o
		}
	}
	d.Form = adminDutiesForm{Region: a.Region, Version: a.Version}
	for _, x := range a.Duties {
		d.Form.Duties = append(d.Form.Duties, string(x))
	}
	if form != nil {
		d.Form = *form
	}
	switch a.Role {
	case xiangpei.RoleOfficer:
		d.Duties, d.HasDuties = adminDutyOptions(xiangpei.OfficerDuties, d.Form.Duties), true
	case xiangpei.RoleAdmin:
		d.Duties, d.HasDuties = adminDutyOptions(xiangpei.AdminDuties, d.Form.Duties), true
	}
	d.Tokens, _ = s.db.Tokens(r.Context(), a.ID)
	return s.page(r, a.DisplayName, d), nil
}

func (s *Server) adminShowAccount(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, &formPage{"admin_account", func() (*Page, error) { return s.adminAccountPage(r, id, nil, "") }})
}

func (s *Server) adminAPIAccount(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.db.Account(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.adminAccountJSON(a))
}

func adminAccountPath(id int64) string { return "/admin/accounts/" + strconv.FormatInt(id, 10) }

func (s *Server) adminSetDuties(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f adminDutiesForm
	err = bind(r, &f)
	var a xiangpei.Account
	if err == nil && id == actorOf(r).AccountID {
		err = xiangpei.Errorf(xiangpei.Forbidden, "account.own_duties", "You cannot change your own duties; another administrator must do it.")
	}
	var duties xiangpei.Duties
	if err == nil {
		duties, err = xiangpei.ParseDuties(strings.Join(f.Duties, ","))
	}
	if err == nil {
		var cur xiangpei.Account
		if cur, err = s.db.Account(r.Context(), id); err == nil && cur.Role == xiangpei.RoleOfficer {
			err = s.adminCheckRegion(r, strings.TrimSpace(f.Region))
		}
	}
	if err == nil {
		a, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (xiangpei.Account, error) {
			return tx.SetAccountDuties(id, f.Version, duties, strings.TrimSpace(f.Region))
		})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_account", func() (*Page, error) { return s.adminAccountPage(r, id, &f, "") }})
		return
	}
	answer(w, r, http.StatusOK, s.adminAccountJSON(a), adminAccountPath(id), "admin_duties_saved")
}

// adminNotSelf refuses an administrator's action on their own account where another
// administrator must act (resetting one's own password or second factor).
func adminNotSelf(r *http.Request, id int64) error {
	if id == actorOf(r).AccountID {
		return xiangpei.Errorf(xiangpei.Forbidden, "admin.self", "You cannot do this to your own account; another administrator must do it.")
	}
	return nil
}

func (s *Server) adminResetPassword(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	id, err := pathID(r, "account")
	if err == nil {
		err = adminNotSelf(r, id)
	}
	var a xiangpei.Account
	if err == nil {
		a, err = s.db.Account(r.Context(), id)
	}
	var pw string
	if err == nil {
		pw = adminOneTimePassword(a.Login)
		a, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (xiangpei.Account, error) {
			if err := tx.SetPassword(id, auth.HashPassword(pw, auth.DefaultParams), true, ""); err != nil {
				return xiangpei.Account{}, err
			}
			return tx.Account(id)
		})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_account", func() (*Page, error) { return s.adminAccountPage(r, id, nil, "") }})
		return
	}
	if st.api {
		noReplay(r)
		writeJSON(w, http.StatusOK, map[string]any{"account": s.adminAccountJSON(a), "one_time_password": pw, "must_change": true})
		return
	}
	d := adminSecretData{Account: a, Login: maskLogin(a), Password: pw}
	s.render(w, r, http.StatusOK, "admin_account_secret", s.page(r, s.adminTitle(r, "admin.reset_title"), d))
}

func (s *Server) adminSetDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	id, err := pathID(r, "account")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f adminReasonForm
	err = bind(r, &f)
	var reason string
	if err == nil {
		reason, err = adminReason(f.Reason)
	}
	var a xiangpei.Account
	if err == nil {
		a, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (xiangpei.Account, error) {
			if err := tx.SetAccountDisabled(id, f.Version, disabled, reason); err != nil {
				return xiangpei.Account{}, err
			}
			return tx.Account(id)
		})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_account", func() (*Page, error) { return s.adminAccountPage(r, id, nil, f.Reason) }})
		return
	}
	done := "admin_enabled"
	if disabled {
		done = "admin_disabled"
	}
	answer(w, r, http.StatusOK, s.adminAccountJSON(a), adminAccountPath(id), done)
}

func (s *Server) adminDisable(w http.ResponseWriter, r *http.Request) { s.adminSetDisabled(w, r, true) }
func (s *Server) adminEnable(w http.ResponseWriter, r *http.Request)  { s.adminSetDisabled(w, r, false) }

func (s *Server) adminResetTOTP(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if err == nil {
		err = adminNotSelf(r, id)
	}
	var a xiangpei.Account
	if err == nil {
		a, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (xiangpei.Account, error) {
			if err := tx.ResetTOTP(id); err != nil {
				return xiangpei.Account{}, err
			}
			return tx.Account(id)
		})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_account", func() (*Page, error) { return s.adminAccountPage(r, id, nil, "") }})
		return
	}
	answer(w, r, http.StatusOK, s.adminAccountJSON(a), adminAccountPath(id), "admin_totp_reset")
}

// ---- organisations ----

type adminOrgForm struct {
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	CreditCode string `json:"credit_code"`
	County     string `json:"county"`
	Address    string `json:"address"`
	Contact    string `json:"contact"`
	Phone      string `json:"phone"`
	Capacity   int    `json:"capacity"`
}

type adminOrgData struct {
	Form     adminOrgForm
	Kinds    []xiangpei.OrgKind
	Counties []store.Region
}

func (s *Server) adminOrgPage(r *http.Request, f adminOrgForm) *Page {
	d := adminOrgData{Form: f, Kinds: xiangpei.OrgKinds, Counties: s.places(r).Counties}
	return s.page(r, s.adminTitle(r, "admin.new_org_title"), d)
}

func (s *Server) adminShowNewOrg(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "admin_org_new", s.adminOrgPage(r, adminOrgForm{Kind: r.URL.Query().Get("kind")}))
}

func adminOrgJSON(o xiangpei.Organisation) map[string]any {
	return map[string]any{"id": o.ID, "kind": o.Kind, "name": o.Name, "credit_code": o.CreditCode, "code_status": o.CodeStatus,
		"county": o.County, "address": o.Address, "contact": o.Contact, "phone": xiangpei.MaskPhone(o.Phone),
		"capacity": o.Capacity, "created_at": o.CreatedAt, "version": o.Version}
}

// adminCreateOrg registers an organisation. A credit code whose only fault is its check
// character is accepted as pending, for an officer to confirm by hand; a malformed one is refused.
func (s *Server) adminCreateOrg(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var f adminOrgForm
	err := bind(r, &f)
	var o xiangpei.Organisation
	if err == nil {
		in := xiangpei.OrgInput{Kind: f.Kind, Name: f.Name, CreditCode: f.CreditCode, County: f.County, Address: f.Address,
			Contact: f.Contact, Phone: f.Phone, Capacity: f.Capacity}
		if o, err = in.Validate(s.knownCounty(r)); err == nil {
			o, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (xiangpei.Organisation, error) {
				return tx.CreateOrg(o)
			})
		}
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_org_new", func() (*Page, error) { return s.adminOrgPage(r, f), nil }})
		return
	}
	done := "admin_org_created"
	if o.CodeStatus == xiangpei.CodePending {
		done = "admin_org_pending"
	}
	if st.api {
		out := adminOrgJSON(o)
		if o.CodeStatus == xiangpei.CodePending {
			out["notice"] = s.msg.T(st.lang, "done."+done)
		}
		writeJSON(w, http.StatusCreated, out)
		return
	}
	redirect(w, r, "/registry/orgs/"+strconv.FormatInt(o.ID, 10), done)
}

// ---- reference data: index and regions ----

type adminRefIndex struct {
	Regions, Occupations, Levels, KeyGroups, Sectors, Actions, CalendarDays int
	Year                                                                    int
	HasSchedule                                                             bool
}

func (s *Server) adminShowReference(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	year := adminThisYear(s.now())
	d := adminRefIndex{Year: year}
	if v, err := s.db.ListRegions(ctx); err == nil {
		d.Regions = len(v)
	}
	if _, n, err := s.db.ListOccupations(ctx, "", "", store.Page{Limit: 1}); err == nil {
		d.Occupations = n
	}
	if v, err := s.db.ListSkillLevels(ctx); err == nil {
		d.Levels = len(v)
	}
	if v, err := s.db.ListKeyGroups(ctx); err == nil {
		d.KeyGroups = len(v)
	}
	if v, err := s.db.ListSectors(ctx); err == nil {
		d.Sectors = len(v)
	}
	if v, err := s.db.ListSpecialActions(ctx, year); err == nil {
		d.Actions = len(v)
	}
	if v, err := s.db.ListCalendar(ctx, year); err == nil {
		d.CalendarDays = len(v)
	}
	if cal, err := s.db.CalendarYear(ctx, year); err == nil {
		d.HasSchedule = cal.HasSchedule(year)
	}
	s.render(w, r, http.StatusOK, "admin_reference", s.page(r, s.adminTitle(r, "admin.ref_title"), d))
}

type adminRegionsData struct {
	Regions []store.Region
	// Edited keeps what was typed into one region's form after an error.
	Edited     string
	EditedName string
	EditedVer  int64
}

func (s *Server) adminRegionsPage(r *http.Request, edited string, name string, version int64) (*Page, error) {
	regions, err := s.db.ListRegions(r.Context())
	if err != nil {
		return nil, err
	}
	d := adminRegionsData{Regions: regions, Edited: edited, EditedName: name, EditedVer: version}
	return s.page(r, s.adminTitle(r, "admin.ref_regions"), d), nil
}

func (s *Server) adminShowRegions(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_regions", func() (*Page, error) { return s.adminRegionsPage(r, "", "", 0) }})
}

func adminRegionJSON(reg store.Region) map[string]any {
	return map[string]any{"code": reg.Code, "name": reg.Name, "level": reg.Level, "parent": reg.Parent, "version": reg.Version}
}

func (s *Server) adminAPIRegions(w http.ResponseWriter, r *http.Request) {
	answerList(s, w, r, "regions", s.db.ListRegions, adminRegionJSON)
}

type adminNameForm struct {
	Name    string `json:"name"`
	Version int64  `json:"version"`
}

func (s *Server) adminRenameRegion(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminNameForm
	err := bind(r, &f)
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.UpdateRegionName(code, f.Name, f.Version) })
	}
	var reg store.Region
	if err == nil {
		reg, err = s.db.Region(r.Context(), code)
	}
	if err != nil {
		build := func() (*Page, error) { return s.adminRegionsPage(r, code, f.Name, f.Version) }
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			build = nil
		}
		s.formError(w, r, err, &formPage{"admin_ref_regions", build})
		return
	}
	answer(w, r, http.StatusOK, adminRegionJSON(reg), "/admin/reference/regions", "saved")
}

// ---- reference data: occupations ----

type adminOccAncestor struct {
	Code, Name string
}

type adminOccupationsData struct {
	Q           string
	Parent      string
	ParentOcc   *store.Occupation
	Ancestors   []adminOccAncestor
	Occupations []store.Occupation
	Pager       *pager
	Levels      []adminLevelOption
	Add         adminAddOccForm
	CanAdd      bool
}

type adminLevelOption struct {
	Code, Name string
	Checked    bool
}

func (s *Server) adminLevelOptions(r *http.Request, checked []string) []adminLevelOption {
	levels, _ := s.db.ListSkillLevels(r.Context())
	var out []adminLevelOption
	en := stateOf(r).lang == "en"
	for _, l := range levels {
		name := l.NameZh
		if en {
			name = l.NameEn
		}
		out = append(out, adminLevelOption{Code: l.Code, Name: name, Checked: slices.Contains(checked, l.Code)})
	}
	return out
}

// adminAncestors names the entries above an occupation code, from the 大类 down.
func (s *Server) adminAncestors(r *http.Request, code string) []adminOccAncestor {
	parts := strings.Split(code, "-")
	var out []adminOccAncestor
	for i := 1; i <= len(parts); i++ {
		c := strings.Join(parts[:i], "-")
		a := adminOccAncestor{Code: c}
		if o, err := s.db.Occupation(r.Context(), c); err == nil {
			a.Name = o.Name
		}
		out = append(out, a)
	}
	return out
}

type adminAddOccForm struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	GBM     string   `json:"gbm"`
	Levels  []string `json:"levels"`
	Edition string   `json:"edition"`
}

func (s *Server) adminOccupationsPage(r *http.Request, add *adminAddOccForm) (*Page, error) {
	q := r.URL.Query()
	d := adminOccupationsData{Q: strings.TrimSpace(q.Get("q")), Parent: strings.TrimSpace(q.Get("parent"))}
	if add != nil && d.Parent == "" {
		if i := strings.LastIndex(add.Code, "-"); i > 0 {
			d.Parent = add.Code[:i]
		}
	}
	parent := d.Parent
	if parent == "" && d.Q == "" {
		parent = store.OccupationsTop
	}
	if d.Parent != "" {
		o, err := s.db.Occupation(r.Context(), d.Parent)
		if err != nil {
			return nil, err
		}
		d.ParentOcc = &o
		d.Ancestors = s.adminAncestors(r, d.Parent)
		d.CanAdd = o.Depth == 3 && !o.Deprecated
	}
	list, total, err := s.db.ListOccupations(r.Context(), d.Q, parent, adminPage(r))
	if err != nil {
		return nil, err
	}
	d.Occupations, d.Pager = list, pagerOf(r, pageNumber(r), total, adminPageSize)
	if add != nil {
		d.Add = *add
	} else if d.CanAdd {
		d.Add = adminAddOccForm{Code: d.Parent + "-", Levels: strings.Split(store.DefaultOccupationLevels, ",")}
	}
	d.Levels = s.adminLevelOptions(r, d.Add.Levels)
	return s.page(r, s.adminTitle(r, "admin.ref_occupations"), d), nil
}

func (s *Server) adminShowOccupations(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_occupations", func() (*Page, error) { return s.adminOccupationsPage(r, nil) }})
}

func adminOccupationJSON(o store.Occupation) map[string]any {
	levels := []string{}
	if o.Levels != "" {
		levels = strings.Split(o.Levels, ",")
	}
	return map[string]any{"id": o.ID, "code": o.Code, "gbm": o.GBM, "name": o.Name, "depth": o.Depth, "parent": o.Parent,
		"levels": levels, "deprecated": o.Deprecated, "replaced_by": o.ReplacedBy, "edition": o.Edition, "version": o.Version}
}

func (s *Server) adminAPIOccupations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	list, total, err := s.db.ListOccupations(r.Context(), q.Get("q"), q.Get("parent"), adminPage(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := jsonList(list, adminOccupationJSON)
	writeJSON(w, http.StatusOK, map[string]any{"occupations": out, "total": total, "page": pageNumber(r), "page_size": adminPageSize})
}

func (s *Server) adminAPIOccupation(w http.ResponseWriter, r *http.Request) {
	o, err := s.db.Occupation(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, adminOccupationJSON(o))
}

func adminOccupationPath(code string) string { return "/admin/reference/occupations/" + code }

func (s *Server) adminAddOccupation(w http.ResponseWriter, r *http.Request) {
	var f adminAddOccForm
	err := bind(r, &f)
	var o store.Occupation
	if err == nil {
		o, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (store.Occupation, error) {
			return tx.AddOccupation(store.Occupation{Code: f.Code, Name: f.Name, GBM: f.GBM,
				Levels: strings.Join(f.Levels, ","), Edition: f.Edition})
		})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_ref_occupations", func() (*Page, error) { return s.adminOccupationsPage(r, &f) }})
		return
	}
	answer(w, r, http.StatusCreated, adminOccupationJSON(o), adminOccupationPath(o.Code), "admin_occupation_added")
}

type adminOccupationData struct {
	Occ         store.Occupation
	Ancestors   []adminOccAncestor
	Children    int
	Levels      []adminLevelOption
	Form        adminOccForm
	Deprecate   adminDeprecateForm
	Replacement *store.Occupation
}

type adminOccForm struct {
	Name    string   `json:"name"`
	Levels  []string `json:"levels"`
	Version int64    `json:"version"`
}

type adminDeprecateForm struct {
	ReplacedBy string `json:"replaced_by"`
	Version    int64  `json:"version"`
}

func (s *Server) adminOccupationPage(r *http.Request, code string, form *adminOccForm, dep *adminDeprecateForm) (*Page, error) {
	o, err := s.db.Occupation(r.Context(), code)
	if err != nil {
		return nil, err
	}
	d := adminOccupationData{Occ: o}
	if a := s.adminAncestors(r, code); len(a) > 1 {
		d.Ancestors = a[:len(a)-1]
	}
	if o.Depth < 4 {
		_, d.Children, _ = s.db.ListOccupations(r.Context(), "", o.Code, store.Page{Limit: 1})
	}
	d.Form = adminOccForm{Name: o.Name, Version: o.Version}
	if o.Levels != "" {
		d.Form.Levels = strings.Split(o.Levels, ",")
	}
	if form != nil {
		d.Form = *form
	}
	d.Deprecate = adminDeprecateForm{ReplacedBy: o.ReplacedBy, Version: o.Version}
	if dep != nil {
		d.Deprecate = *dep
	}
	if o.ReplacedBy != "" {
		if rep, err := s.db.Occupation(r.Context(), o.ReplacedBy); err == nil {
			d.Replacement = &rep
		}
	}
	d.Levels = s.adminLevelOptions(r, d.Form.Levels)
	return s.page(r, o.Code+" "+o.Name, d), nil
}

func (s *Server) adminShowOccupation(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_occupation", func() (*Page, error) { return s.adminOccupationPage(r, r.PathValue("code"), nil, nil) }})
}

// adminUpdateOccupation corrects an entry's name and skill levels. On the API, leaving out
// "levels" keeps the levels the entry has; the browser form always sends them.
func (s *Server) adminUpdateOccupation(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminOccForm
	err := bind(r, &f)
	var o store.Occupation
	if err == nil {
		o, err = s.db.Occupation(r.Context(), code)
	}
	if err == nil {
		levels := o.Levels
		if f.Levels != nil {
			levels = strings.Join(f.Levels, ",")
		}
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.UpdateOccupation(code, f.Name, levels, f.Version) })
	}
	if err == nil {
		o, err = s.db.Occupation(r.Context(), code)
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_ref_occupation", func() (*Page, error) { return s.adminOccupationPage(r, code, &f, nil) }})
		return
	}
	answer(w, r, http.StatusOK, adminOccupationJSON(o), adminOccupationPath(code), "saved")
}

func (s *Server) adminDeprecateOccupation(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminDeprecateForm
	err := bind(r, &f)
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.DeprecateOccupation(code, f.ReplacedBy, f.Version) })
	}
	var o store.Occupation
	if err == nil {
		o, err = s.db.Occupation(r.Context(), code)
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_ref_occupation", func() (*Page, error) { return s.adminOccupationPage(r, code, nil, &f) }})
		return
	}
	answer(w, r, http.StatusOK, adminOccupationJSON(o), adminOccupationPath(code), "admin_occupation_deprecated")
}

// ---- reference data: skill levels, key groups, sectors ----

// adminEdit keeps what was typed into one item's form after an error, by the item's code.
type adminEdit[T any] struct {
	Code string
	Form T
}

type adminLevelForm struct {
	NameZh  string `json:"name_zh"`
	NameEn  string `json:"name_en"`
	Rank    int    `json:"rank"`
	Version int64  `json:"version"`
}

type adminLevelsData struct {
	Levels []store.SkillLevel
	Edit   adminEdit[adminLevelForm]
}

func (s *Server) adminLevelsPage(r *http.Request, edit adminEdit[adminLevelForm]) (*Page, error) {
	levels, err := s.db.ListSkillLevels(r.Context())
	if err != nil {
		return nil, err
	}
	for i, l := range levels {
		if l.Code == edit.Code {
			levels[i] = store.SkillLevel{Code: l.Code, NameZh: edit.Form.NameZh, NameEn: edit.Form.NameEn, Rank: edit.Form.Rank, Version: edit.Form.Version}
		}
	}
	return s.page(r, s.adminTitle(r, "admin.ref_levels"), adminLevelsData{Levels: levels, Edit: edit}), nil
}

func (s *Server) adminShowLevels(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_levels", func() (*Page, error) { return s.adminLevelsPage(r, adminEdit[adminLevelForm]{}) }})
}

func adminLevelJSON(l store.SkillLevel) map[string]any {
	return map[string]any{"code": l.Code, "name_zh": l.NameZh, "name_en": l.NameEn, "rank": l.Rank, "version": l.Version}
}

func (s *Server) adminAPILevels(w http.ResponseWriter, r *http.Request) {
	answerList(s, w, r, "levels", s.db.ListSkillLevels, adminLevelJSON)
}

func (s *Server) adminUpdateLevel(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminLevelForm
	err := bind(r, &f)
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error {
			return tx.UpdateSkillLevel(store.SkillLevel{Code: code, NameZh: f.NameZh, NameEn: f.NameEn, Rank: f.Rank, Version: f.Version})
		})
	}
	var out store.SkillLevel
	if err == nil {
		out, err = s.db.SkillLevel(r.Context(), code)
	}
	if err != nil {
		build := func() (*Page, error) { return s.adminLevelsPage(r, adminEdit[adminLevelForm]{Code: code, Form: f}) }
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			build = nil
		}
		s.formError(w, r, err, &formPage{"admin_ref_levels", build})
		return
	}
	answer(w, r, http.StatusOK, adminLevelJSON(out), "/admin/reference/levels", "saved")
}

type adminKeyGroupForm struct {
	Code      string `json:"code"`
	NameZh    string `json:"name_zh"`
	NameEn    string `json:"name_en"`
	DetailZh  string `json:"detail_zh"`
	DetailEn  string `json:"detail_en"`
	Sensitive bool   `json:"sensitive"`
	Version   int64  `json:"version"`
}

type adminKeyGroupsData struct {
	Groups []store.KeyGroup
	Add    adminKeyGroupForm
	Edit   string
}

func (s *Server) adminKeyGroupsPage(r *http.Request, edit string, f adminKeyGroupForm) (*Page, error) {
	groups, err := s.db.ListKeyGroups(r.Context())
	if err != nil {
		return nil, err
	}
	d := adminKeyGroupsData{Groups: groups, Edit: edit}
	if edit == "" {
		d.Add = f
	}
	for i, g := range groups {
		if g.Code == edit {
			groups[i] = store.KeyGroup{Code: g.Code, NameZh: f.NameZh, NameEn: f.NameEn, DetailZh: f.DetailZh, DetailEn: f.DetailEn,
				Sensitive: f.Sensitive, Version: f.Version}
		}
	}
	return s.page(r, s.adminTitle(r, "admin.ref_key_groups"), d), nil
}

func (s *Server) adminShowKeyGroups(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_key_groups", func() (*Page, error) { return s.adminKeyGroupsPage(r, "", adminKeyGroupForm{}) }})
}

func adminKeyGroupJSON(g store.KeyGroup) map[string]any {
	return map[string]any{"code": g.Code, "name_zh": g.NameZh, "name_en": g.NameEn, "detail_zh": g.DetailZh,
		"detail_en": g.DetailEn, "sensitive": g.Sensitive, "version": g.Version}
}

func (s *Server) adminAPIKeyGroups(w http.ResponseWriter, r *http.Request) {
	answerList(s, w, r, "key_groups", s.db.ListKeyGroups, adminKeyGroupJSON)
}

// adminSaveKeyGroup adds a key group (POST to the collection) or corrects one (POST to its code,
// with the version edited).
func (s *Server) adminSaveKeyGroup(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminKeyGroupForm
	err := bind(r, &f)
	adding := code == ""
	if adding {
		f.Version = 0
	} else {
		f.Code = code
		if f.Version == 0 && err == nil {
			err = xiangpei.StaleVersion()
		}
	}
	if err == nil && (strings.TrimSpace(f.DetailZh) == "") != (strings.TrimSpace(f.DetailEn) == "") {
		err = adminInvalid("admin.key_group_detail_pair", "Name the detail in both Chinese and English, or in neither.")
	}
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error {
			return tx.UpsertKeyGroup(store.KeyGroup{Code: f.Code, NameZh: f.NameZh, NameEn: f.NameEn, DetailZh: f.DetailZh,
				DetailEn: f.DetailEn, Sensitive: f.Sensitive, Version: f.Version})
		})
	}
	var g store.KeyGroup
	if err == nil {
		g, err = s.db.KeyGroup(r.Context(), strings.TrimSpace(f.Code))
	}
	if err != nil {
		build := func() (*Page, error) { return s.adminKeyGroupsPage(r, code, f) }
		if !adding && xiangpei.IsKind(err, xiangpei.NotFound) {
			build = nil
		}
		s.formError(w, r, err, &formPage{"admin_ref_key_groups", build})
		return
	}
	status, done := http.StatusOK, "saved"
	if adding {
		status, done = http.StatusCreated, "admin_added"
	}
	answer(w, r, status, adminKeyGroupJSON(g), "/admin/reference/key-groups", done)
}

type adminSectorForm struct {
	Code    string `json:"code"`
	NameZh  string `json:"name_zh"`
	NameEn  string `json:"name_en"`
	Version int64  `json:"version"`
}

type adminSectorsData struct {
	Sectors []store.Sector
	Add     adminSectorForm
	Edit    string
}

func (s *Server) adminSectorsPage(r *http.Request, edit string, f adminSectorForm) (*Page, error) {
	sectors, err := s.db.ListSectors(r.Context())
	if err != nil {
		return nil, err
	}
	d := adminSectorsData{Sectors: sectors, Edit: edit}
	if edit == "" {
		d.Add = f
	}
	for i, x := range sectors {
		if x.Code == edit {
			sectors[i] = store.Sector{Code: x.Code, NameZh: f.NameZh, NameEn: f.NameEn, Version: f.Version}
		}
	}
	return s.page(r, s.adminTitle(r, "admin.ref_sectors"), d), nil
}

func (s *Server) adminShowSectors(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_sectors", func() (*Page, error) { return s.adminSectorsPage(r, "", adminSectorForm{}) }})
}

func adminSectorJSON(x store.Sector) map[string]any {
	return map[string]any{"code": x.Code, "name_zh": x.NameZh, "name_en": x.NameEn, "version": x.Version}
}

func (s *Server) adminAPISectors(w http.ResponseWriter, r *http.Request) {
	answerList(s, w, r, "sectors", s.db.ListSectors, adminSectorJSON)
}

func (s *Server) adminSaveSector(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var f adminSectorForm
	err := bind(r, &f)
	adding := code == ""
	if adding {
		f.Version = 0
	} else {
		f.Code = code
		if f.Version == 0 && err == nil {
			err = xiangpei.StaleVersion()
		}
	}
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error {
			return tx.UpsertSector(store.Sector{Code: f.Code, NameZh: f.NameZh, NameEn: f.NameEn, Version: f.Version})
		})
	}
	var out store.Sector
	if err == nil {
		out, err = s.db.Sector(r.Context(), strings.TrimSpace(f.Code))
	}
	if err != nil {
		build := func() (*Page, error) { return s.adminSectorsPage(r, code, f) }
		if !adding && xiangpei.IsKind(err, xiangpei.NotFound) {
			build = nil
		}
		s.formError(w, r, err, &formPage{"admin_ref_sectors", build})
		return
	}
	status, done := http.StatusOK, "saved"
	if adding {
		status, done = http.StatusCreated, "admin_added"
	}
	answer(w, r, status, adminSectorJSON(out), "/admin/reference/sectors", done)
}

// ---- reference data: special actions and the calendar ----

// adminThisYear is the current year in China.
func adminThisYear(now time.Time) int { return now.In(shanghai).Year() }

// adminYear reads ?year=, defaulting to def when it is missing or out of range.
func adminYear(r *http.Request, def int) int {
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || y < 2000 || y > 2100 {
		return def
	}
	return y
}

type adminActionForm struct {
	Year    int    `json:"year"`
	Code    string `json:"code"`
	NameZh  string `json:"name_zh"`
	NameEn  string `json:"name_en"`
	Version int64  `json:"version"`
}

type adminActionsData struct {
	Year    int
	Prev    int
	Next    int
	Actions []store.SpecialAction
	Add     adminActionForm
	Edit    int64
}

func (s *Server) adminActionsPage(r *http.Request, year int, edit int64, f adminActionForm) (*Page, error) {
	actions, err := s.db.ListSpecialActions(r.Context(), year)
	if err != nil {
		return nil, err
	}
	d := adminActionsData{Year: year, Prev: year - 1, Next: year + 1, Actions: actions, Edit: edit, Add: adminActionForm{Year: year}}
	if edit == 0 && (f.Code != "" || f.NameZh != "" || f.NameEn != "") {
		d.Add = f
	}
	for i, a := range actions {
		if a.ID == edit {
			actions[i].NameZh, actions[i].NameEn, actions[i].Version = f.NameZh, f.NameEn, f.Version
		}
	}
	return s.page(r, s.adminTitle(r, "admin.ref_actions"), d), nil
}

func (s *Server) adminShowActions(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_actions", func() (*Page, error) {
		return s.adminActionsPage(r, adminYear(r, adminThisYear(s.now())), 0, adminActionForm{})
	}})
}

func adminActionJSON(a store.SpecialAction) map[string]any {
	return map[string]any{"id": a.ID, "year": a.Year, "code": a.Code, "name_zh": a.NameZh, "name_en": a.NameEn, "version": a.Version}
}

// adminAPIActions lists the special actions of ?year=, or of every year without it.
func (s *Server) adminAPIActions(w http.ResponseWriter, r *http.Request) {
	actions, err := s.db.ListSpecialActions(r.Context(), adminYear(r, 0))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := jsonList(actions, adminActionJSON)
	writeJSON(w, http.StatusOK, map[string]any{"actions": out})
}

func adminActionsPath(year int) string { return "/admin/reference/actions?year=" + strconv.Itoa(year) }

func (s *Server) adminAddAction(w http.ResponseWriter, r *http.Request) {
	var f adminActionForm
	err := bind(r, &f)
	var a store.SpecialAction
	if err == nil {
		a, err = change(s, r, func(tx *store.Tx, _ xiangpei.Actor) (store.SpecialAction, error) {
			return tx.AddSpecialAction(f.Year, f.Code, f.NameZh, f.NameEn)
		})
	}
	if err != nil {
		year := f.Year
		if year < 2000 || year > 2100 {
			year = adminThisYear(s.now())
		}
		s.formError(w, r, err, &formPage{"admin_ref_actions", func() (*Page, error) { return s.adminActionsPage(r, year, 0, f) }})
		return
	}
	answer(w, r, http.StatusCreated, adminActionJSON(a), adminActionsPath(a.Year), "admin_added")
}

func (s *Server) adminUpdateAction(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	old, err := s.db.SpecialAction(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f adminActionForm
	err = bind(r, &f)
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.UpdateSpecialAction(id, f.NameZh, f.NameEn, f.Version) })
	}
	var a store.SpecialAction
	if err == nil {
		a, err = s.db.SpecialAction(r.Context(), id)
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_ref_actions", func() (*Page, error) { return s.adminActionsPage(r, old.Year, id, f) }})
		return
	}
	answer(w, r, http.StatusOK, adminActionJSON(a), adminActionsPath(a.Year), "saved")
}

type adminDayForm struct {
	Day  string `json:"day"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

type adminCalendarData struct {
	Year        int
	Prev, Next  int
	HasSchedule bool
	Years       []int
	Days        []adminDayRow
	Form        adminDayForm
}

type adminDayRow struct {
	store.CalendarDay
	Weekday int
}

func (s *Server) adminCalendarPage(r *http.Request, year int, f adminDayForm) (*Page, error) {
	ctx := r.Context()
	days, err := s.db.ListCalendar(ctx, year)
	if err != nil {
		return nil, err
	}
	cal, err := s.db.CalendarYear(ctx, year)
	if err != nil {
		return nil, err
	}
	all, err := s.db.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	d := adminCalendarData{Year: year, Prev: year - 1, Next: year + 1, HasSchedule: cal.HasSchedule(year), Years: all.Years(), Form: f}
	for _, day := range days {
		row := adminDayRow{CalendarDay: day}
		if t, err := time.Parse(time.DateOnly, day.Day); err == nil {
			row.Weekday = int(t.Weekday())
		}
		d.Days = append(d.Days, row)
	}
	return s.page(r, s.adminTitle(r, "admin.ref_calendar"), d), nil
}

func (s *Server) adminShowCalendar(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, &formPage{"admin_ref_calendar", func() (*Page, error) {
		return s.adminCalendarPage(r, adminYear(r, adminThisYear(s.now())), adminDayForm{Kind: xiangpei.DayHoliday})
	}})
}

func adminDayJSON(d store.CalendarDay) map[string]any {
	return map[string]any{"day": d.Day, "kind": d.Kind, "name": d.Name, "version": d.Version}
}

// adminAPICalendar lists the listed days of ?year= (this year without it) and says whether
// the year has a published schedule; without one, deadlines follow the weekday rule.
func (s *Server) adminAPICalendar(w http.ResponseWriter, r *http.Request) {
	year := adminYear(r, adminThisYear(s.now()))
	days, err := s.db.ListCalendar(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cal, err := s.db.CalendarYear(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := jsonList(days, adminDayJSON)
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "has_schedule": cal.HasSchedule(year), "days": out})
}

func adminDayYear(day string, def int) int {
	if t, err := time.Parse(time.DateOnly, strings.TrimSpace(day)); err == nil && t.Year() >= 2000 && t.Year() <= 2100 {
		return t.Year()
	}
	return def
}

func (s *Server) adminSetDay(w http.ResponseWriter, r *http.Request) {
	var f adminDayForm
	err := bind(r, &f)
	if err == nil {
		err = s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.SetCalendarDay(f.Day, f.Kind, f.Name) })
	}
	year := adminDayYear(f.Day, adminYear(r, adminThisYear(s.now())))
	var out store.CalendarDay
	if err == nil {
		err = xiangpei.ErrNotFound("calendar day")
		days, lerr := s.db.ListCalendar(r.Context(), year)
		if lerr != nil {
			err = lerr
		}
		for _, d := range days {
			if d.Day == strings.TrimSpace(f.Day) {
				out, err = d, nil
			}
		}
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_ref_calendar", func() (*Page, error) { return s.adminCalendarPage(r, year, f) }})
		return
	}
	answer(w, r, http.StatusOK, adminDayJSON(out), "/admin/reference/calendar?year="+strconv.Itoa(year), "saved")
}

func (s *Server) adminDeleteDay(w http.ResponseWriter, r *http.Request) {
	day := r.PathValue("day")
	err := s.db.Tx(r.Context(), actorOf(r), func(tx *store.Tx) error { return tx.DeleteCalendarDay(day) })
	year := adminDayYear(day, adminThisYear(s.now()))
	if err != nil {
		build := func() (*Page, error) { return s.adminCalendarPage(r, year, adminDayForm{Kind: xiangpei.DayHoliday}) }
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			build = nil
		}
		s.formError(w, r, err, &formPage{"admin_ref_calendar", build})
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"deleted": day}, "/admin/reference/calendar?year="+strconv.Itoa(year), "admin_day_deleted")
}

// ---- security administration ----

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
