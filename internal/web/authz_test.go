package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestRouteWithoutRuleCannotBeRegistered: a route registered without an access rule stops the
// server from starting.
func TestRouteWithoutRuleCannotBeRegistered(t *testing.T) {
	s := &Server{mux: http.NewServeMux()}
	defer func() {
		if recover() == nil {
			t.Fatal("a route without an access rule was registered")
		}
	}()
	s.handle("GET /nowhere", Access{}, func(http.ResponseWriter, *http.Request) {})
}

// matrixWorld is the fixture of the authorisation matrix: one actor per role, and for every
// kind of path parameter an object the actor may reach ("own") and one it may not ("foreign").
type matrixWorld struct {
	tokens  map[string]string // role label → bearer token ("" for the public)
	actors  map[string]xiangpei.Actor
	own     map[string]map[string]string // role label → param → value
	foreign map[string]map[string]string
}

func person(t *testing.T, tx *store.Tx, id17, name, phone, county string) xiangpei.Person {
	t.Helper()
	p, err := xiangpei.PersonInput{IDNumber: validID(id17), Name: name, Phone: phone, Household: "rural", County: county}.
		Validate(tx.Now, func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	p, err = tx.CreatePerson(p)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func orgIn(t *testing.T, tx *store.Tx, kind xiangpei.OrgKind, name, code17, county string) xiangpei.Organisation {
	t.Helper()
	o, err := tx.CreateOrg(xiangpei.Organisation{Kind: kind, Name: name, County: county,
		CreditCode: xiangpei.CreditCode(creditCode(code17, false))})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func buildMatrixWorld(t *testing.T, db *store.DB) matrixWorld {
	w := matrixWorld{tokens: map[string]string{"public": ""}, actors: map[string]xiangpei.Actor{},
		own: map[string]map[string]string{}, foreign: map[string]map[string]string{}}
	var graduates [2]int64
	err := db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
		pOwn := person(t, tx, "43021119900101123", "本县人员", "13900000001", "430211")
		pForeign := person(t, tx, "43020219900101123", "外县人员", "13900000002", "430202")
		orgs := map[xiangpei.OrgKind][2]xiangpei.Organisation{}
		for i, k := range xiangpei.OrgKinds {
			orgs[k] = [2]xiangpei.Organisation{
				orgIn(t, tx, k, "本县单位"+string(k), fmt.Sprintf("5243021100000%04d", i), "430211"),
				orgIn(t, tx, k, "外县单位"+string(k), fmt.Sprintf("5243020200000%04d", i), "430202"),
			}
		}
		inputs := map[string]xiangpei.AccountInput{
			"person":       {Login: "13900000001", DisplayName: "本县人员", Role: xiangpei.RolePerson, PersonID: pOwn.ID},
			"institution":  {Login: "m_inst", DisplayName: "机构", Role: xiangpei.RoleInstitution, OrgID: orgs[xiangpei.OrgInstitution][0].ID},
			"school":       {Login: "m_school", DisplayName: "学校", Role: xiangpei.RoleSchool, OrgID: orgs[xiangpei.OrgSchool][0].ID},
			"assessor":     {Login: "m_assess", DisplayName: "评价", Role: xiangpei.RoleAssessor, OrgID: orgs[xiangpei.OrgAssessor][0].ID},
			"employer":     {Login: "m_employer", DisplayName: "企业", Role: xiangpei.RoleEmployer, OrgID: orgs[xiangpei.OrgEmployer][0].ID},
			"officer":      {Login: "m_officer", DisplayName: "县经办", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.OfficerDuties},
			"officer-none": {Login: "m_officer0", DisplayName: "无职责经办", Role: xiangpei.RoleOfficer, Region: "430211"},
			"sysadmin":     {Login: "m_sys", DisplayName: "系统管理员", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}},
			"secadmin":     {Login: "m_sec", DisplayName: "安全管理员", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySecAdmin}},
			"auditor":      {Login: "m_audit", DisplayName: "审计员", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutyAuditor}},
		}
		hash := auth.HashPassword(testPassword, auth.Params{Memory: 1024, Time: 1, Threads: 1})
		for label, in := range inputs {
			a, err := tx.CreateAccount(in, hash, false)
			if err != nil {
				return fmt.Errorf("%s: %w", label, err)
			}
			secret := "tok_" + label + "_" + auth.Secret(12)
			if _, err := tx.CreateToken(a.ID, "matrix", auth.Digest(secret)); err != nil {
				return err
			}
			w.tokens[label] = secret
			w.actors[label] = a.Actor()
			ownOrg, foreignOrg := orgs[xiangpei.OrgInstitution][0].ID, orgs[xiangpei.OrgInstitution][1].ID
			if k := in.Role.OrgKind(); k != "" {
				ownOrg, foreignOrg = orgs[k][0].ID, orgs[k][1].ID
			}
			w.own[label] = map[string]string{"person": fmt.Sprint(pOwn.ID), "org": fmt.Sprint(ownOrg)}
			w.foreign[label] = map[string]string{"person": fmt.Sprint(pForeign.ID), "org": fmt.Sprint(foreignOrg)}
		}
		// 培: a class of each institution, the own one with the matrix person on its roster.
		ownClass := matrixClass(t, tx, orgs[xiangpei.OrgInstitution][0], "43021119800101111")
		foreignClass := matrixClass(t, tx, orgs[xiangpei.OrgInstitution][1], "43020219800101111")
		trainee, err := tx.AddTrainee(xiangpei.Scope{All: true}, ownClass.ID, pOwn.ID, xiangpei.SourceManual)
		if err != nil {
			return err
		}
		matrixTerminals(t, tx, &w, ownClass, foreignClass)
		matrixAmendments(t, tx, &w, ownClass, foreignClass)
		matrixChanges(t, tx, &w, ownClass, foreignClass)
		matrixShortage(t, tx, &w, ownClass, foreignClass)
		matrixAssessments(t, tx, &w, orgs, pOwn, pForeign)
		matrixCertificates(t, tx, &w, orgs, pOwn, pForeign)
		matrixCompetitions(t, tx, &w, orgs, pOwn, pForeign)
		matrixSubsidy(t, tx, &w)
		matrixClaims(t, tx, &w, ownClass, foreignClass)
		matrixClaimAudit(t, tx, &w)
		matrixPayments(t, tx, &w)
		matrixHistory(t, tx, &w)
		matrixJobs(t, tx, &w, orgs[xiangpei.OrgEmployer], pOwn, pForeign)
		matrixPolicies(t, tx, &w)
		matrixMatches(t, tx, pOwn, pForeign)
		matrixComplaints(t, tx, &w, orgs[xiangpei.OrgEmployer], pOwn, pForeign)
		matrixFollowUp(t, tx, &w, pOwn, pForeign)
		matrixFairs(t, tx, &w)
		matrixGigs(t, tx, &w, orgs[xiangpei.OrgEmployer], pOwn, pForeign)
		matrixSearches(t, tx, &w, pOwn, pForeign)
		matrixSchoolRoster(t, tx, &w, orgs[xiangpei.OrgSchool])
		matrixStudentRegistry(t, tx, &w, orgs[xiangpei.OrgSchool])
		matrixAdmissions(t, tx, &w, orgs[xiangpei.OrgSchool], pOwn, pForeign)
		graduates = matrixGraduates(t, tx, orgs[xiangpei.OrgSchool])
		for label := range inputs {
			for k, v := range map[string][2]string{
				"class":   {fmt.Sprint(ownClass.ID), fmt.Sprint(foreignClass.ID)},
				"session": {fmt.Sprint(ownClass.Sessions[0].ID), fmt.Sprint(foreignClass.Sessions[0].ID)},
				"trainee": {fmt.Sprint(trainee.ID), "1"},
			} {
				w.own[label][k], w.foreign[label][k] = v[0], v[1]
			}
		}
		// Account routes act on another account than the caller's own (nobody may change their
		// own duties), so every role's {account} is the duty-less officer.
		for label := range inputs {
			w.own[label]["account"] = fmt.Sprint(w.actors["officer-none"].AccountID)
			w.foreign[label]["account"] = fmt.Sprint(w.actors["officer-none"].AccountID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	matrixDiplomas(t, db, &w, graduates)
	return w
}

// tenantParams are the path parameters that name an object belonging to a person, an
// organisation or a region: another tenant's is a 404.
var tenantParams = []string{"{person}", "{org}", "{posting}", "{application}", "{report}", "{class}", "{session}", "{trainee}", "{change}", "{amendment}", "{terminal}",
	"{plan}", "{candidate}", "{cert}", "{competition}", "{event}", "{entry}", "{claim}", "{auditrun}", "{batch}", "{complaint}", "{record}", "{fair}", "{search}", "{gig}", "{signup}", "{rosterimport}", "{student}", "{studentchange}", "{major}", "{enrolplan}", "{schoolapp}", "{diploma}"}

func tenantPath(path string) bool {
	for _, p := range tenantParams {
		if strings.Contains(path, p) {
			return true
		}
	}
	return false
}

// matrixClass gives an institution an approved scope, a venue and a teacher, and files a class
// that the county approves: 养老护理员 level 5, three sessions a fortnight from the clock.
func matrixClass(t *testing.T, tx *store.Tx, o xiangpei.Organisation, teacher17 string) xiangpei.Class {
	t.Helper()
	all := xiangpei.Scope{All: true}
	if _, err := tx.AddScope(all, xiangpei.ScopeEntry{OrgID: o.ID, OccupationCode: "4-10-01-05", Level: "5"}); err != nil {
		t.Fatal(err)
	}
	v, err := tx.AddVenue(all, xiangpei.Venue{OrgID: o.ID, Name: "实训楼", Address: "株洲市实训路1号", County: o.County, Lat: 27.8, Lng: 113.1})
	if err != nil {
		t.Fatal(err)
	}
	tc, err := tx.AddTeacher(all, xiangpei.Teacher{OrgID: o.ID, Name: "周老师", IDNumber: xiangpei.IDNumber(validID(teacher17)), Qualification: "讲师"})
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	d := tx.Now.In(cst).AddDate(0, 0, 14)
	var sessions []xiangpei.Session
	for len(sessions) < 3 {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			st := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, cst)
			sessions = append(sessions, xiangpei.Session{Starts: st, Ends: st.Add(3 * time.Hour), Kind: xiangpei.SessionTheory, TeacherID: tc.ID})
		}
		d = d.AddDate(0, 0, 1)
	}
	c, err := tx.CreateClass(all, o.ID, xiangpei.ClassInput{Name: "养老护理员培训班", OccupationCode: "4-10-01-05", Level: "5",
		Funding: xiangpei.FundingSubsidised, TheoryHours: 9, VenueID: v.ID, TeacherIDs: []int64{tc.ID}, Capacity: 30,
		SelfEnrol: true, Sessions: sessions})
	if err != nil {
		t.Fatal(err)
	}
	officer := xiangpei.Scope{Region: xiangpei.RegionPrefix(o.County)}
	if c, err = tx.MoveClass(xiangpei.Scope{OrgID: o.ID}, c.ID, c.Version, xiangpei.ClassSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if c, err = tx.MoveClass(officer, c.ID, c.Version, xiangpei.ClassApprove, ""); err != nil {
		t.Fatal(err)
	}
	return c
}

// fill substitutes path parameters.
func fill(path string, params map[string]string) string {
	defaults := map[string]string{"code": "4-10-01-05", "id": "1", "kind": "institution", "day": "2026-10-01", "year": "2026"}
	for {
		i := strings.Index(path, "{")
		if i < 0 {
			return path
		}
		j := strings.Index(path[i:], "}") + i
		name := strings.TrimSuffix(path[i+1:j], "...")
		v, ok := params[name]
		if !ok {
			v = defaults[name]
		}
		if v == "" {
			v = "1"
		}
		path = path[:i] + v + path[j+1:]
	}
}

// TestAuthorisationMatrix walks every registered route with every role, on the role's own
// objects and on another region's or organisation's objects. A route that lets in a role its
// rule does not name, shows another tenant's object, or fails with a 5xx, fails the test.
func TestAuthorisationMatrix(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			w := buildMatrixWorld(t, db)
			anon := e.browser()
			anon.get("/login")
			anonCSRF := anon.csrf
			labels := []string{"public", "person", "institution", "school", "assessor", "employer", "officer", "officer-none", "sysadmin", "secadmin", "auditor"}
			routes := e.srv.Routes()
			if len(routes) < 30 {
				t.Fatalf("only %d routes registered", len(routes))
			}
			for _, rt := range routes {
				if rt.Path == "/logout" || rt.Path == "/static/" {
					continue
				}
				for _, label := range labels {
					var actor *xiangpei.Actor
					if a, ok := w.actors[label]; ok {
						actor = &a
					}
					allowed := rt.Access.Allows(actor)
					for _, which := range []string{"own", "foreign"} {
						params := w.own[label]
						if which == "foreign" {
							params = w.foreign[label]
						}
						path := fill(rt.Path, params)
						if which == "foreign" && path == fill(rt.Path, w.own[label]) {
							continue // no object parameter: nothing foreign to try
						}
						status := e.call(rt, path, w.tokens[label], anon, anonCSRF)
						name := fmt.Sprintf("%s %s as %s (%s object)", rt.Method, path, label, which)
						switch {
						case status >= 500:
							t.Errorf("%s: %d", name, status)
						case !allowed && label == "public":
							if status != http.StatusUnauthorized && status != http.StatusSeeOther {
								t.Errorf("%s: the public got %d, want 401 or a redirect to sign in (rule: %s)", name, status, rt.Access)
							}
						case !allowed:
							if status != http.StatusForbidden {
								t.Errorf("%s: got %d, want 403 (rule: %s)", name, status, rt.Access)
							}
						case which == "foreign" && tenantPath(rt.Path) && label != "sysadmin":
							if status != http.StatusNotFound {
								t.Errorf("%s: another region's or organisation's object answered %d, want 404", name, status)
							}
						case rt.Access.IsPublic():
							// Public routes may refuse bad input (a sign-in with no password is 401).
						default:
							if status == http.StatusForbidden || status == http.StatusUnauthorized {
								t.Errorf("%s: allowed by its rule (%s) but answered %d", name, rt.Access, status)
							}
						}
					}
				}
			}
		})
	}
}

// call makes one request of the matrix and returns its status. Signed-in roles use a Bearer
// token; the public sends the anonymous CSRF token so that it reaches the access check.
func (e *env) call(rt Route, path, token string, anon *browser, anonCSRF string) int {
	var body io.Reader
	ctype := ""
	if rt.Method == http.MethodPost {
		if rt.API {
			body, ctype = strings.NewReader(`{}`), "application/json"
		} else {
			body, ctype = strings.NewReader(url.Values{"csrf": {anonCSRF}}.Encode()), "application/x-www-form-urlencoded"
		}
	}
	req, _ := http.NewRequest(rt.Method, e.ts.URL+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	client := anon.c
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	} else if rt.API && rt.Method == http.MethodPost {
		req.Header.Set("X-CSRF-Token", anonCSRF)
	}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
