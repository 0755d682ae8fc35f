package web

import (
	"net/http"
	"time"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/store"
)

type registerForm struct {
	Name      string `json:"name"`
	IDNumber  string `json:"id_number"`
	Phone     string `json:"phone"`
	Household string `json:"household"`
	County    string `json:"county"`
	Password  string `json:"password"`
	Confirm   string `json:"confirm"`
	Code      string `json:"code"`
}

type registerData struct {
	Form     registerForm
	Counties []store.Region
	DemoSMS  string // the text "sent", shown on a demo database only
}

func (s *Server) registerPage(r *http.Request, f registerForm) *Page {
	st := stateOf(r)
	d := registerData{Form: f}
	d.Counties = s.places(r).Counties
	p := s.page(r, s.msg.T(st.lang, "register.title"), nil)
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

func (s *Server) showRegister(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).actor != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "register", s.registerPage(r, registerForm{Phone: r.URL.Query().Get("phone")}))
}

// sendPhoneCode sends a one-time code for purpose ("register", "employer") to a mobile phone:
// at most 10 codes an hour from one address, the code kept only as a digest, the text kept as
// a message and handed to the SMS sender. It returns the phone as parsed.
func (s *Server) sendPhoneCode(r *http.Request, purpose, raw string) (string, error) {
	phone, err := xiangpei.ParseMobile(raw)
	if err != nil {
		return "", err
	}
	if !s.limits.allow("sms-ip:"+clientIP(r), 10, time.Hour, s.now()) {
		return phone, xiangpei.Errorf(xiangpei.RateLimited, "sms.too_often", "A code was sent to this phone a moment ago. Wait a minute before asking for another.")
	}
	code := randomDigits(6)
	if err := s.db.Tx(r.Context(), xiangpei.Actor{Name: "public"}, func(tx *store.Tx) error {
		_, err := tx.CreateSMSCode(phone, purpose, auth.Digest(purpose+":"+phone+":"+code))
		return err
	}); err != nil {
		return phone, err
	}
	text := s.msg.T(stateOf(r).lang, "sms.register_code", code)
	if _, err := s.db.KeepMessage(r.Context(), store.Message{Channel: "sms", Recipient: phone, Body: text}); err != nil {
		return phone, err
	}
	return phone, s.cfg.SMS.Send(r.Context(), phone, text)
}

// sendRegisterCode sends a one-time code to confirm the phone a person registers with.
func (s *Server) sendRegisterCode(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var f registerForm
	err := bind(r, &f)
	var phone string
	if err == nil {
		phone, err = s.sendPhoneCode(r, "register", f.Phone)
	}
	if err != nil {
		if st.api {
			s.fail(w, r, err)
			return
		}
		p := s.registerPage(r, f)
		p.Error = s.msg.Error(st.lang, err)
		s.render(w, r, statusOf(err), "register", p)
		return
	}
	if st.api {
		writeJSON(w, http.StatusAccepted, map[string]any{"sent": true, "phone": xiangpei.MaskPhone(phone)})
		return
	}
	redirect(w, r, "/register?phone="+phone, "sms_sent")
}

// register creates a person's registry entry (or finds the existing one for the ID number) and
// their account, after the phone is confirmed by its one-time code, then signs them in.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var f registerForm
	err := bind(r, &f)
	var person xiangpei.Person
	if err == nil {
		person, err = s.doRegister(w, r, f)
	}
	if err != nil {
		if st.api {
			s.fail(w, r, err)
			return
		}
		f.Password, f.Confirm, f.Code = "", "", ""
		p := s.registerPage(r, f)
		p.Error = s.msg.Error(st.lang, err)
		s.render(w, r, statusOf(err), "register", p)
		return
	}
	if st.api {
		writeJSON(w, http.StatusCreated, personJSON(person, false))
		return
	}
	redirect(w, r, "/me", "registered")
}

func (s *Server) doRegister(w http.ResponseWriter, r *http.Request, f registerForm) (xiangpei.Person, error) {
	ctx := r.Context()
	in := xiangpei.PersonInput{IDNumber: f.IDNumber, Name: f.Name, Phone: f.Phone, Household: f.Household, County: f.County}
	p, err := in.Validate(s.now(), s.knownCounty(r))
	if err != nil {
		return p, err
	}
	if f.Password != f.Confirm {
		return p, xiangpei.Errorf(xiangpei.Invalid, "password.mismatch", "The two new passwords are not the same.")
	}
	if err := s.passwordProfile(r).CheckPassword(f.Password, p.Phone); err != nil {
		return p, err
	}
	existing, err := s.db.PersonByIDNumber(ctx, xiangpei.Scope{All: true}, p.IDNumber)
	switch {
	case err == nil:
		if existing.Name != p.Name {
			return p, xiangpei.Errorf(xiangpei.Invalid, "person.name_mismatch", "The name does not match the one registered for this ID number.")
		}
		if _, err := s.db.AccountByPerson(ctx, existing.ID); err == nil {
			return p, xiangpei.Errorf(xiangpei.Conflict, "person.has_account", "This ID number already has an account. Sign in, or ask the bureau to reset the password.")
		}
	case !xiangpei.IsKind(err, xiangpei.NotFound):
		return p, err
	}
	if _, err := s.db.AccountByLogin(ctx, p.Phone); err == nil {
		return p, xiangpei.Errorf(xiangpei.Conflict, "person.phone_taken", "This phone number is already used by another account.")
	}
	if err := s.db.UseSMSCode(ctx, p.Phone, "register", func(hash string) bool {
		return hash == auth.Digest("register:"+p.Phone+":"+f.Code)
	}); err != nil {
		return p, err
	}
	acct, err := store.Do(ctx, s.db, xiangpei.Actor{Name: "public"}, func(tx *store.Tx) (xiangpei.Account, error) {
		if existing.ID != 0 {
			p = existing
		} else {
			created, err := tx.CreatePerson(p)
			if err != nil {
				return xiangpei.Account{}, err
			}
			p = created
		}
		// From here the new person acts: the audit trail names them by their masked phone.
		tx.Actor = xiangpei.Actor{Name: xiangpei.MaskPhone(p.Phone), Role: xiangpei.RolePerson, PersonID: p.ID}
		return tx.CreateAccount(xiangpei.AccountInput{Login: p.Phone, DisplayName: p.Name, Role: xiangpei.RolePerson, PersonID: p.ID},
			auth.HashPassword(f.Password, auth.DefaultParams), false)
	})
	if err != nil {
		return p, err
	}
	return p, s.startSession(w, r, acct)
}

// knownCounty reports whether a code is a county in the reference data.
func (s *Server) knownCounty(r *http.Request) func(string) bool {
	return func(code string) bool {
		reg, err := s.db.Region(r.Context(), code)
		return err == nil && reg.Level == "county"
	}
}
