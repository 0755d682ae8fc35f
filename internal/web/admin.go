package web

import (
	"crypto/rand"
	"math/big"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
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
	redirect(w, r, regOrgPath(o.ID), done)
}
