package web

import (
	"net/http"
	"strconv"

	"xiangpei"
	"xiangpei/internal/store"
)

// 补 — payee bank accounts (收款账户, docs/payments.md): a person's own account under /me, an
// institution's settlement account kept by its staff (/org/bank-account) or by a registry
// officer (/registry/orgs/{org}/bank-account). The number is shown in full to the owner and to
// finance officers (duty payment), masked to everyone else.

func (s *Server) registerBankAccountRoutes() {
	person := Roles(xiangpei.RolePerson)
	staff := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool)
	s.handleBoth("GET /me/bank-account", "/api/v1/me/bank-account", person, s.bankMine)
	s.handleBoth("POST /me/bank-account", "/api/v1/me/bank-account", person, s.bankSetMine)
	s.handleBoth("GET /org/bank-account", "/api/v1/org/bank-account", staff, s.bankOwnOrg)
	s.handleBoth("POST /org/bank-account", "/api/v1/org/bank-account", staff, s.bankSetOwnOrg)
	s.handleBoth("GET /registry/orgs/{org}/bank-account", "/api/v1/orgs/{org}/bank-account", registryReader(), s.bankRegOrg)
	s.handleBoth("POST /registry/orgs/{org}/bank-account", "/api/v1/orgs/{org}/bank-account", Duty(xiangpei.DutyRegistry, xiangpei.DutySysAdmin), s.bankSetRegOrg)
}

type bankForm struct {
	AccountName string `json:"account_name"`
	BankName    string `json:"bank_name"`
	Branch      string `json:"branch"`
	AccountNo   string `json:"account_no"`
	Version     int64  `json:"version"`
}

type bankData struct {
	Action  string // where the form posts
	Payee   string // the name the account must carry
	Has     bool
	Account store.BankAccount
	Number  string // as shown: full or masked
	Full    bool
	CanEdit bool
	Form    bankForm
}

func bankJSON(b store.BankAccount, has, full bool) map[string]any {
	if !has {
		return map[string]any{"account": nil}
	}
	no := b.AccountNo
	if !full {
		no = b.Masked()
	}
	return map[string]any{"account": map[string]any{"owner_kind": b.OwnerKind, "account_name": b.AccountName, "bank_name": b.BankName,
		"branch": b.Branch, "account_no": no, "masked": !full, "updated_by": b.UpdatedBy, "updated_at": b.UpdatedAt, "version": b.Version}}
}

// bankShow answers the account page or its JSON twin.
func (s *Server) bankShow(w http.ResponseWriter, r *http.Request, read func() (string, store.BankAccount, bool, error), action string, full, canEdit bool, form *bankForm, fail error) {
	payee, b, has, err := read()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, bankJSON(b, has, full))
		return
	}
	d := bankData{Action: action, Payee: payee, Has: has, Account: b, Full: full, CanEdit: canEdit}
	d.Number = b.AccountNo
	if !full {
		d.Number = b.Masked()
	}
	d.Form = bankForm{AccountName: payee, Version: b.Version}
	if has {
		d.Form = bankForm{AccountName: b.AccountName, BankName: b.BankName, Branch: b.Branch, Version: b.Version}
	}
	if form != nil {
		d.Form = *form
	}
	p := s.page(r, s.msg.T(stateOf(r).lang, "payment.bank_title"), d)
	status := http.StatusOK
	if fail != nil {
		p.Error = s.msg.Error(stateOf(r).lang, fail)
		status = statusOf(fail)
	}
	s.render(w, r, status, "bank_account", p)
}

func (s *Server) bankMine(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	s.bankShow(w, r, s.bankReadPerson(r, a.PersonID), "/me/bank-account", true, true, nil, nil)
}

func (s *Server) bankReadPerson(r *http.Request, personID int64) func() (string, store.BankAccount, bool, error) {
	return func() (string, store.BankAccount, bool, error) {
		sc := actorOf(r).Scope()
		p, err := s.db.Person(r.Context(), sc, personID)
		if err != nil {
			return "", store.BankAccount{}, false, err
		}
		b, has, err := s.db.PersonBankAccount(r.Context(), sc, personID)
		return p.Name, b, has, err
	}
}

func (s *Server) bankReadOrg(r *http.Request, orgID int64) func() (string, store.BankAccount, bool, error) {
	return func() (string, store.BankAccount, bool, error) {
		sc := actorOf(r).Scope()
		o, err := s.db.Org(r.Context(), sc, orgID)
		if err != nil {
			return "", store.BankAccount{}, false, err
		}
		b, has, err := s.db.OrgBankAccount(r.Context(), sc, orgID)
		return o.Name, b, has, err
	}
}

// bankSet records an account from the form and answers.
func (s *Server) bankSet(w http.ResponseWriter, r *http.Request, to string, set func(tx *store.Tx, a xiangpei.Actor, in store.BankAccountInput) (store.BankAccount, error),
	again func(f *bankForm, err error)) {
	var f bankForm
	err := bind(r, &f)
	var b store.BankAccount
	if err == nil {
		b, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.BankAccount, error) {
			return set(tx, a, store.BankAccountInput{AccountName: f.AccountName, BankName: f.BankName, Branch: f.Branch, AccountNo: f.AccountNo, Version: f.Version})
		})
	}
	if err != nil {
		k := xiangpei.ErrorKind(err)
		if stateOf(r).api || k == xiangpei.NotFound || k == xiangpei.Forbidden || k == xiangpei.Internal {
			s.formError(w, r, err, nil)
			return
		}
		f.AccountNo = "" // never echo the number back into the page
		again(&f, err)
		return
	}
	status := http.StatusOK
	if b.Version == 1 {
		status = http.StatusCreated
	}
	answer(w, r, status, bankJSON(b, true, true), to, "bank_account_set")
}

func (s *Server) bankSetMine(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	s.bankSet(w, r, "/me/bank-account", func(tx *store.Tx, a xiangpei.Actor, in store.BankAccountInput) (store.BankAccount, error) {
		return tx.SetPersonBankAccount(a.Scope(), a.PersonID, in)
	}, func(f *bankForm, err error) {
		s.bankShow(w, r, s.bankReadPerson(r, a.PersonID), "/me/bank-account", true, true, f, err)
	})
}

func (s *Server) bankOwnOrg(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	s.bankShow(w, r, s.bankReadOrg(r, a.OrgID), "/org/bank-account", true, true, nil, nil)
}

func (s *Server) bankSetOwnOrg(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	s.bankSet(w, r, "/org/bank-account", func(tx *store.Tx, a xiangpei.Actor, in store.BankAccountInput) (store.BankAccount, error) {
		return tx.SetOrgBankAccount(a.Scope(), a.OrgID, in)
	}, func(f *bankForm, err error) {
		s.bankShow(w, r, s.bankReadOrg(r, a.OrgID), "/org/bank-account", true, true, f, err)
	})
}

func (s *Server) bankRegOrg(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regOrgParam(w, r)
	if !ok {
		return
	}
	a := actorOf(r)
	s.bankShow(w, r, s.bankReadOrg(r, id), "/registry/orgs/"+strconv.FormatInt(id, 10)+"/bank-account", a.Can(xiangpei.DutyPayment),
		regCanEdit(a), nil, nil)
}

func (s *Server) bankSetRegOrg(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regOrgParam(w, r)
	if !ok {
		return
	}
	to := "/registry/orgs/" + strconv.FormatInt(id, 10) + "/bank-account"
	s.bankSet(w, r, to, func(tx *store.Tx, a xiangpei.Actor, in store.BankAccountInput) (store.BankAccount, error) {
		return tx.SetOrgBankAccount(a.Scope(), id, in)
	}, func(f *bankForm, err error) {
		a := actorOf(r)
		s.bankShow(w, r, s.bankReadOrg(r, id), to, a.Can(xiangpei.DutyPayment), regCanEdit(a), f, err)
	})
}
