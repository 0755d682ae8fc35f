package web

import (
	"net/http"
	"strings"

	"xiangpei"
	"xiangpei/internal/store"
)

// A person's seeker profile (/me/profile): the preferences they edit, beside the verified
// credentials read from their record (valid certificates, completed classes, competition
// awards), each marked 已核验. Saving the preferences makes them a seeker employers can find.

type profileForm struct {
	Version       int      `json:"version"`
	Occupations   string   `json:"occupations"` // codes, separated by commas
	Counties      []string `json:"counties"`
	SalaryYuan    float64  `json:"salary_yuan"`
	SalaryUnit    string   `json:"salary_unit"`
	WorkTypes     []string `json:"work_types"`
	Skills        string   `json:"skills"` // separated by 、 or commas
	AvailableFrom string   `json:"available_from"`
	HasPlace      bool     `json:"has_place"`
	Lat           float64  `json:"lat"`
	Lng           float64  `json:"lng"`
}

func formOfPrefs(p store.SeekerPrefs) profileForm {
	f := profileForm{Version: p.Version, Occupations: strings.Join(p.Occupations, ", "), Counties: p.Counties,
		SalaryYuan: float64(p.WantFen) / 100, SalaryUnit: string(p.WantUnit), Skills: strings.Join(p.Skills, "、"), AvailableFrom: p.AvailableFrom, HasPlace: p.HasPlace,
		Lat: p.Lat, Lng: p.Lng}
	for _, w := range p.WorkTypes {
		f.WorkTypes = append(f.WorkTypes, string(w))
	}
	return f
}

func (f profileForm) prefs() store.SeekerPrefs {
	p := store.SeekerPrefs{Occupations: []string{f.Occupations}, Counties: f.Counties, Skills: []string{f.Skills}, WantFen: int64(f.SalaryYuan*100 + 0.5),
		WantUnit: xiangpei.SalaryUnit(f.SalaryUnit), AvailableFrom: strings.TrimSpace(f.AvailableFrom), HasPlace: f.HasPlace, Lat: f.Lat, Lng: f.Lng}
	if f.SalaryYuan < 0 {
		p.WantFen = -1
	}
	for _, w := range f.WorkTypes {
		if w != "" {
			p.WorkTypes = append(p.WorkTypes, xiangpei.WorkType(w))
		}
	}
	return p
}

type credentialView struct {
	store.VerifiedCredential
	KindName  string
	LevelName string
	AwardName string
}

type profileData struct {
	Form        profileForm
	Credentials []credentialView
	Counties    []countyOption
	WorkTypes   []countyOption // Code is the work type
	Units       []xiangpei.SalaryUnit
}

type countyOption struct {
	Code, Name string
	Checked    bool
}

func (s *Server) profilePage(r *http.Request, f *profileForm) *formPage {
	return &formPage{"profile", func() (*Page, error) {
		a := actorOf(r)
		ctx := r.Context()
		prefs, err := s.db.SeekerPrefsOf(ctx, a.PersonID)
		if err != nil {
			return nil, err
		}
		creds, err := s.db.VerifiedCredentials(ctx, a.PersonID)
		if err != nil {
			return nil, err
		}
		form := formOfPrefs(prefs)
		if f != nil {
			form = *f
			form.Version = prefs.Version
		}
		lang := stateOf(r).lang
		levels := s.levelNames(r)
		d := profileData{Form: form, Units: xiangpei.SalaryUnits}
		for _, wt := range xiangpei.WorkTypes {
			d.WorkTypes = append(d.WorkTypes, countyOption{Code: string(wt), Name: s.msg.T(lang, "job.work_type."+string(wt)),
				Checked: containsString(form.WorkTypes, string(wt))})
		}
		for _, c := range creds {
			v := credentialView{VerifiedCredential: c, KindName: s.msg.T(lang, "matches.cred."+c.Kind), LevelName: levels[c.Level]}
			if c.Award != "" {
				v.AwardName = s.msg.T(lang, "matches.award."+c.Award)
			}
			d.Credentials = append(d.Credentials, v)
		}
		pl := s.places(r)
		for _, c := range pl.Counties {
			d.Counties = append(d.Counties, countyOption{Code: c.Code, Name: pl.name(c.Code), Checked: containsString(form.Counties, c.Code)})
		}
		return s.page(r, s.msg.T(lang, "matches.profile_title"), d), nil
	}}
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func prefsJSON(p store.SeekerPrefs) map[string]any {
	wts := []string{}
	for _, w := range p.WorkTypes {
		wts = append(wts, string(w))
	}
	occ, counties := p.Occupations, p.Counties
	if occ == nil {
		occ = []string{}
	}
	if counties == nil {
		counties = []string{}
	}
	return map[string]any{"person_id": p.PersonID, "occupations": occ, "counties": counties, "salary_fen": p.WantFen,
		"salary_unit": p.WantUnit, "work_types": wts, "available_from": p.AvailableFrom, "has_place": p.HasPlace, "lat": p.Lat,
		"lng": p.Lng, "skills": nonNil(p.Skills), "version": p.Version}
}

func (s *Server) myProfile(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	// Opening the profile refreshes the person in the index: a certificate issued since shows.
	if _, err := s.matchIndex(r.Context()); err == nil {
		if _, err := s.matchProfile(r.Context(), a.PersonID); err != nil {
			s.log.ErrorContext(r.Context(), "match index: refreshing profile", "err", err.Error())
		}
	}
	if stateOf(r).api {
		prefs, err := s.db.SeekerPrefsOf(r.Context(), a.PersonID)
		var creds []store.VerifiedCredential
		if err == nil {
			creds, err = s.db.VerifiedCredentials(r.Context(), a.PersonID)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := prefsJSON(prefs)
		m["credentials"] = jsonList(creds, func(c store.VerifiedCredential) map[string]any {
			return map[string]any{"kind": c.Kind, "name": c.Name, "occupation": c.Occupation, "level": c.Level, "award": c.Award,
				"on": c.On, "verified": true}
		})
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.show(w, r, s.profilePage(r, nil))
}

func (s *Server) saveMyProfile(w http.ResponseWriter, r *http.Request) {
	var f profileForm
	err := bind(r, &f)
	var p store.SeekerPrefs
	if err == nil {
		p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.SeekerPrefs, error) {
			return tx.SaveSeekerPrefs(a.Scope(), f.prefs(), f.Version)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.profilePage(r, &f))
		return
	}
	if _, err := s.matchProfile(r.Context(), p.PersonID); err != nil {
		s.log.ErrorContext(r.Context(), "match index: updating profile", "err", err.Error())
	}
	answer(w, r, http.StatusOK, prefsJSON(p), "/me/matches", "profile_saved")
}
