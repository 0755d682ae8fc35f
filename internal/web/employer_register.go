package web

import (
	"net/http"
	"strings"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/store"
)

// Employer self-registration: an employer gives its unified social credit code, name, county,
// contact and phone, confirms the phone by a one-time code and chooses a password; the
// organisation is created with its code waiting for an officer (the existing queue at
// /registry/codes) and its first account is signed in. Until an officer confirms the code the
// employer writes drafts but cannot publish.

type employerRegisterForm struct {
	CreditCode string `json:"credit_code"`
	Name       string `json:"name"`
	County     string `json:"county"`
	Contact    string `json:"contact"`
	Phone      string `json:"phone"`
	Login      string `json:"login"`
	Password   string `json:"password"`
	Confirm    string `json:"confirm"`
	Code       string `json:"code"`
}

type employerRegisterData struct {
	Form     employerRegisterForm
	Counties []store.Region
	DemoSMS  string
}

func (s *Server) employerRegisterPage(r *http.Request, f employerRegisterForm) *Page {
	d := employerRegisterData{Form: f, Counties: s.places(r).Counties}
	p := s.page(r, s.msg.T(stateOf(r).lang, "job.register_title"), nil)
	if p.Demo && f.Phone != "" {
		if phone, err := xiangpei.ParseMobile(f.Phone); err == nil {
			if m, err := s.db.LastSMS(r.Context(), phone); err == nil {
				d.DemoSMS = m.Body
			}
		}
	}
	p.Data = d
	return p
}

func (s *Server) showEmployerRegister(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).actor != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "employer_register", s.employerRegisterPage(r, employerRegisterForm{Phone: r.URL.Query().Get("phone")}))
}

func (s *Server) employerRegisterFail(w http.ResponseWriter, r *http.Request, f employerRegisterForm, err error) {
	st := stateOf(r)
	if st.api {
		s.fail(w, r, err)
		return
	}
	f.Password, f.Confirm, f.Code = "", "", ""
	p := s.employerRegisterPage(r, f)
	p.Error = s.msg.Error(st.lang, err)
	s.render(w, r, statusOf(err), "employer_register", p)
}

// sendEmployerCode sends a one-time code to the phone an employer registers with.
func (s *Server) sendEmployerCode(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var f employerRegisterForm
	err := bind(r, &f)
	var phone string
	if err == nil {
		phone, err = s.sendPhoneCode(r, "employer", f.Phone)
	}
	if err != nil {
		s.employerRegisterFail(w, r, f, err)
		return
	}
	if st.api {
		writeJSON(w, http.StatusAccepted, map[string]any{"sent": true, "phone": xiangpei.MaskPhone(phone)})
		return
	}
	redirect(w, r, "/register/employer?phone="+phone, "sms_sent")
}

func (s *Server) registerEmployer(w http.ResponseWriter, r *http.Request) {
	var f employerRegisterForm
	err := bind(r, &f)
	var o xiangpei.Organisation
	if err == nil {
		o, err = s.doRegisterEmployer(w, r, f)
	}
	if err != nil {
		s.employerRegisterFail(w, r, f, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusCreated, map[string]any{"id": o.ID, "name": o.Name, "credit_code": o.CreditCode, "code_status": o.CodeStatus, "county": o.County})
		return
	}
	redirect(w, r, "/employer/postings", "employer_registered")
}

func (s *Server) doRegisterEmployer(w http.ResponseWriter, r *http.Request, f employerRegisterForm) (xiangpei.Organisation, error) {
	ctx := r.Context()
	phone, err := xiangpei.ParseMobile(f.Phone)
	if err != nil {
		return xiangpei.Organisation{}, err
	}
	in := xiangpei.OrgInput{Kind: string(xiangpei.OrgEmployer), Name: f.Name, CreditCode: strings.ToUpper(strings.TrimSpace(f.CreditCode)),
		County: f.County, Contact: f.Contact, Phone: phone}
	v, err := in.Validate(s.knownCounty(r))
	if err != nil {
		return xiangpei.Organisation{}, err
	}
	if f.Password != f.Confirm {
		return xiangpei.Organisation{}, xiangpei.Errorf(xiangpei.Invalid, "password.mismatch", "The two new passwords are not the same.")
	}
	if err := s.passwordProfile(r).CheckPassword(f.Password, f.Login); err != nil {
		return xiangpei.Organisation{}, err
	}
	login := strings.ToLower(strings.TrimSpace(f.Login))
	if _, err := s.db.AccountByLogin(ctx, login); err == nil {
		return xiangpei.Organisation{}, xiangpei.Errorf(xiangpei.Conflict, "job.login_taken", "This account name is taken; choose another.")
	}
	if err := s.db.UseSMSCode(ctx, phone, "employer", func(hash string) bool {
		return hash == auth.Digest("employer:"+phone+":"+f.Code)
	}); err != nil {
		return xiangpei.Organisation{}, err
	}
	var org xiangpei.Organisation
	acct, err := store.Do(ctx, s.db, xiangpei.Actor{Name: "public"}, func(tx *store.Tx) (xiangpei.Account, error) {
		o, err := tx.RegisterEmployer(xiangpei.Organisation{Name: v.Name, CreditCode: v.CreditCode, County: v.County, Contact: v.Contact, Phone: phone})
		if err != nil {
			return xiangpei.Account{}, err
		}
		org = o
		tx.Actor = xiangpei.Actor{Name: xiangpei.MaskPhone(phone), Role: xiangpei.RoleEmployer, OrgID: o.ID}
		return tx.CreateAccount(xiangpei.AccountInput{Login: login, DisplayName: v.Contact + "（" + v.Name + "）", Role: xiangpei.RoleEmployer, OrgID: o.ID},
			auth.HashPassword(f.Password, auth.DefaultParams), false)
	})
	if err != nil {
		return org, err
	}
	return org, s.startSession(w, r, acct)
}
