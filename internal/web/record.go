package web

import (
	"net/http"

	"xiangpei"
)

// recordData is a person's lifelong skills record (SPEC §3): everything the platform knows
// about them. Sections for school, classes, certificates, awards, jobs and subsidies fill in
// as those capabilities arrive; each is listed so the person sees what the record will hold.
type recordData struct {
	Person     xiangpei.Person
	CountyName string
	KeyGroups  []xiangpei.KeyGroupMembership
	GroupName  map[string]string
	Classes    []recordClass    // the training section: classes, hours, completion, rating
	Evaluation recordEvaluation // certificates, assessments, competition entries
	Subsidies  []claimLineView  // every claim line about the person, with its state and trace
	Jobs       []employmentView // employment records (就业登记), newest first
	School     []recordStudent  // 教: student records (学籍) with diploma and dual certificate (student_registry.go)
	Sections   []string
}

func (s *Server) loadRecord(r *http.Request) (recordData, error) {
	a := actorOf(r)
	ctx := r.Context()
	p, err := s.db.Person(ctx, a.Scope(), a.PersonID)
	if err != nil {
		return recordData{}, err
	}
	groups, err := s.db.KeyGroups(ctx, a.Scope(), p.ID)
	if err != nil {
		return recordData{}, err
	}
	names := map[string]string{}
	if kgs, err := s.db.ListKeyGroups(ctx); err == nil {
		for _, g := range kgs {
			if stateOf(r).lang == "en" {
				names[g.Code] = g.NameEn
			} else {
				names[g.Code] = g.NameZh
			}
		}
	}
	classes, err := s.recordClasses(r, p.ID)
	if err != nil {
		return recordData{}, err
	}
	eval, err := s.recordEvaluation(r, p.ID)
	if err != nil {
		return recordData{}, err
	}
	lines, err := s.db.ClaimsOf(ctx, a.Scope(), p.ID)
	if err != nil {
		return recordData{}, err
	}
	subsidies, err := s.lineViewsOf(r, a.Scope(), lines)
	if err != nil {
		return recordData{}, err
	}
	jobs, err := s.employmentViews(r, p.ID)
	if err != nil {
		return recordData{}, err
	}
	school, err := s.recordSchool(r, p.ID)
	if err != nil {
		return recordData{}, err
	}
	return recordData{Person: p, CountyName: s.places(r).name(p.County), KeyGroups: groups, GroupName: names, Classes: classes,
		Evaluation: eval, Subsidies: subsidies, Jobs: jobs, School: school}, nil
}

func (s *Server) showRecord(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadRecord(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "record", s.page(r, s.msg.T(stateOf(r).lang, "record.title"), d))
}

func (s *Server) apiRecord(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadRecord(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lines := make([]xiangpei.ClaimLine, 0, len(d.Subsidies))
	for _, v := range d.Subsidies {
		lines = append(lines, v.ClaimLine)
	}
	subsidies, err := s.linesJSONOf(r, actorOf(r).Scope(), lines)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	groups := []map[string]any{}
	for _, g := range d.KeyGroups {
		groups = append(groups, map[string]any{"group": g.Group, "detail": g.Detail, "verified_at": g.VerifiedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"person": personJSON(d.Person, false), "key_groups": groups,
		"classes": jsonList(d.Classes, recordClassJSON), "certificates": jsonList(d.Evaluation.Certificates, certJSON),
		"assessments": jsonList(d.Evaluation.Candidacies, candidacyJSON), "competitions": jsonList(d.Evaluation.Entries, personEntryJSON),
		"jobs": jsonList(d.Jobs, employmentJSON), "subsidies": subsidies, "school": jsonList(d.School, recordStudentJSON)})
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	a := stateOf(r).account
	writeJSON(w, http.StatusOK, map[string]any{"id": a.ID, "login": maskLogin(*a), "display_name": a.DisplayName,
		"role": a.Role, "duties": a.Duties, "region": a.Region, "org_id": a.OrgID, "person_id": a.PersonID})
}

// maskLogin masks a person's login, which is their phone number.
func maskLogin(a xiangpei.Account) string {
	if a.Role == xiangpei.RolePerson {
		return xiangpei.MaskPhone(a.Login)
	}
	return a.Login
}

// personJSON is a person as the API shows them: masked unless unmasked on purpose.
func personJSON(p xiangpei.Person, full bool) map[string]any {
	id, phone := string(p.IDNumber.Masked()), xiangpei.MaskPhone(p.Phone)
	if full {
		id, phone = string(p.IDNumber), p.Phone
	}
	return map[string]any{"id": p.ID, "id_number": id, "name": p.Name, "sex": p.Sex, "birth_date": p.BirthDate,
		"phone": phone, "household": p.Household, "county": p.County, "employment": p.Employment, "version": p.Version}
}
