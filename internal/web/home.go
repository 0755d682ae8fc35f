package web

import (
	"net/http"

	"xiangpei"
	"xiangpei/internal/store"
)

type homeData struct {
	Org          *xiangpei.Organisation
	Scopes       []xiangpei.ScopeEntry
	Venues       []xiangpei.Venue
	Teachers     []xiangpei.Teacher
	Sanctions    []xiangpei.SanctionEntry
	RegionName   string
	CountyName   string // the organisation's county, named
	PendingCodes int
	AuditBad     int64
	AuditReason  string
	AuditCount   int64
	AuditChecked bool
}

// showHome shows the public front page, or the signed-in account's home for its role.
func (s *Server) showHome(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if st.actor == nil {
		s.render(w, r, http.StatusOK, "home_public", s.page(r, "", nil))
		return
	}
	if next := s.pendingStep(st); next != "" && !st.bearer {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	a := *st.actor
	ctx := r.Context()
	d := homeData{}
	switch a.Role {
	case xiangpei.RolePerson:
		http.Redirect(w, r, "/me", http.StatusSeeOther)
		return
	case xiangpei.RoleInstitution, xiangpei.RoleSchool, xiangpei.RoleAssessor, xiangpei.RoleEmployer:
		sc := a.Scope()
		if org, err := s.db.Org(ctx, sc, a.OrgID); err == nil {
			d.Org = &org
			d.CountyName = s.places(r).name(org.County)
			d.Scopes, _ = s.db.Scopes(ctx, sc, org.ID)
			d.Venues, _ = s.db.Venues(ctx, sc, org.ID)
			d.Teachers, _ = s.db.Teachers(ctx, sc, org.ID)
			d.Sanctions, _ = s.db.Sanctions(ctx, sc, org.ID)
		}
	case xiangpei.RoleOfficer:
		d.RegionName = s.places(r).name(a.Region)
		if _, n, err := s.db.PendingCodes(ctx, a.Scope(), store.Page{Limit: 1}); err == nil {
			d.PendingCodes = n
		}
	case xiangpei.RoleAdmin:
		if a.Can(xiangpei.DutyAuditor) {
			bad, reason, err := s.db.VerifyAudit(ctx)
			if err == nil {
				d.AuditChecked, d.AuditBad, d.AuditReason = true, bad, reason
				d.AuditCount, _ = s.db.AuditCount(ctx)
			}
		}
	}
	s.render(w, r, http.StatusOK, "home_"+string(a.Role), s.page(r, "", d))
}
