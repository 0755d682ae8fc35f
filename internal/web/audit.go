package web

import (
	"net/http"
	"strconv"

	"xiangpei"
	"xiangpei/internal/store"
)

// registerAuditRoutes registers the audit trail: read-only for everyone, by design — there is
// no route that edits or deletes an entry. The auditor and administrators read all of it,
// officers the entries of their region.
func (s *Server) registerAuditRoutes() {
	read := Access{set: true, roles: []xiangpei.Role{xiangpei.RoleOfficer, xiangpei.RoleAdmin}, describe: "officer or admin"}
	s.handle("GET /audit", read, s.showAudit)
	s.handle("GET /api/v1/audit", read, s.apiAudit)
	s.handle("GET /api/v1/audit/verify", Duty(xiangpei.DutyAuditor, xiangpei.DutySecAdmin), s.apiVerifyAudit)
}

type auditData struct {
	Entries []store.AuditEntry
	Filter  store.AuditFilter
	Older   string
}

func auditFilter(r *http.Request) store.AuditFilter {
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	return store.AuditFilter{ObjectType: q.Get("type"), ObjectID: q.Get("object"), Action: q.Get("action"), Before: before, Limit: 50}
}

func (s *Server) showAudit(w http.ResponseWriter, r *http.Request) {
	f := auditFilter(r)
	entries, err := s.db.ListAudit(r.Context(), actorOf(r).Scope(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := auditData{Entries: entries, Filter: f}
	if len(entries) == f.Limit {
		q := r.URL.Query()
		q.Set("before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
		d.Older = "/audit?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, "audit", s.page(r, s.msg.T(stateOf(r).lang, "audit.title"), d))
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	entries, err := s.db.ListAudit(r.Context(), actorOf(r).Scope(), auditFilter(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": jsonList(entries, auditJSON)})
}

func (s *Server) apiVerifyAudit(w http.ResponseWriter, r *http.Request) {
	bad, reason, err := s.db.VerifyAudit(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"intact": bad == 0, "first_bad": bad, "reason": reason})
}

func auditJSON(e store.AuditEntry) map[string]any {
	return map[string]any{"seq": e.Seq, "at": e.At, "account_id": e.AccountID, "account": e.AccountName,
		"action": e.Action, "object_type": e.ObjectType, "object_id": e.ObjectID, "region": e.Region, "detail": e.Detail, "hash": e.Hash}
}
