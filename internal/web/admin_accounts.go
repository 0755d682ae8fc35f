package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/store"
)

// The system administrator's accounts: list, create (with a one-time password shown once),
// duties and region, password reset, disable and enable, second-factor reset.

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
