package web

import (
	"io/fs"
	"net/http"

	"xiangpei"
)

// registerRoutes lists every route with its access rule. Routes of a feature live in the file
// named for it; this list is the map of the whole site.
func (s *Server) registerRoutes() {
	static, _ := fs.Sub(assets, "static")
	fileServer := http.StripPrefix("/static/", http.FileServerFS(static))
	s.handle("GET /static/", Public(), func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
	})
	s.handle("GET /healthz", Public(), s.healthz)
	s.handle("GET /readyz", Public(), s.readyz)
	s.handle("GET /metrics", Public(), s.metrics.handler().ServeHTTP)
	s.handle("GET /{$}", Public(), s.showHome)
	s.handle("POST /lang", Public(), s.setLanguage)
	s.handle("POST /text-size", Public(), s.setTextSize)

	// Signing in, the second factor, passwords, registration.
	s.handle("GET /login", Public(), s.showLogin)
	s.handle("POST /login", Public(), s.login)
	s.handle("GET /login/totp", Early(), s.showTOTPCheck)
	s.handle("POST /login/totp", Early(), s.checkTOTP)
	s.handle("POST /logout", Early(), s.logout)
	s.handle("GET /account/totp", Early(), s.showTOTPEnrol)
	s.handle("GET /account/totp/qr.png", Early(), s.totpQR)
	s.handle("POST /account/totp", Early(), s.enrolTOTP)
	s.handle("GET /account/password", Early(), s.showPassword)
	s.handle("POST /account/password", Early(), s.changePassword)
	s.handle("GET /register", Public(), s.showRegister)
	s.handleBoth("POST /register/code", "/api/v1/register/code", Public(), s.sendRegisterCode)
	s.handleBoth("POST /register", "/api/v1/register", Public(), s.register)
	s.handle("GET /api/v1/me", SignedIn(), s.apiMe)

	// A person's lifelong record.
	s.handle("GET /me", Roles(xiangpei.RolePerson), s.showRecord)
	s.handle("GET /api/v1/me/record", Roles(xiangpei.RolePerson), s.apiRecord)

	s.registerAdminRoutes()
	s.registerRegistryRoutes()
	s.registerAuditRoutes()

	// 培 — training: shortage lists, class filings, rosters (and the public catalogue),
	// attendance (terminals, imports, QR check-in), the attendance report, amendments,
	// completion and rating.
	s.registerShortageRoutes()
	s.registerClassRoutes()
	s.registerRosterRoutes()
	s.registerAttendanceRoutes()
	s.registerCheckinRoutes()
	s.registerClassAttendanceRoutes()
	s.registerAmendmentRoutes()
	s.registerCompletionRoutes()

	// 评 and 赛 — assessment plans and results, certificates with public verification, the
	// oversight of assessment bodies, skills competitions.
	s.registerAssessmentRoutes()
	s.registerCertificateRoutes()
	s.registerOversightRoutes()
	s.registerCompetitionRoutes()
	s.registerClaimRoutes()
	s.registerClaimAuditRoutes()
	s.registerClaimReviewRoutes()
	s.registerPaymentRoutes()
	s.registerSubsidyRoutes()
	s.registerPersonSanctionRoutes()
	s.registerBankAccountRoutes()
	s.registerPaymentStageRoutes()
	s.registerHistoryImportRoutes()
	s.registerJobRoutes()
	s.registerMatchRoutes()
	s.registerPolicyRoutes()
	s.registerComplaintRoutes()
	s.registerFairRoutes()
	s.registerSavedSearchRoutes()
	s.registerGigRoutes()
	s.registerFollowUpRoutes()
	s.registerStudentRegistryRoutes()
	s.registerSchoolRosterImportRoutes()
	s.registerSchoolOverviewRoutes()
	s.registerAdmissionRoutes()
	s.handle("GET /api/v1/openapi.json", Public(), s.openAPI)
}

// Routes lists every registered route with its rule, for the authorisation matrix test and
// the OpenAPI description.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.ErrorContext(r.Context(), "database not reachable", "err", err.Error())
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database not reachable\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		Secure: s.cfg.SecureCookie, SameSite: http.SameSiteLaxMode})
	back(w, r)
}

func (s *Server) setTextSize(w http.ResponseWriter, r *http.Request) {
	v := "normal"
	if r.PostFormValue("size") == "large" {
		v = "large"
	}
	http.SetCookie(w, &http.Cookie{Name: textCookie, Value: v, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		Secure: s.cfg.SecureCookie, SameSite: http.SameSiteLaxMode})
	back(w, r)
}

// back returns to the page named in the form's "back" field, if it is a local path.
func back(w http.ResponseWriter, r *http.Request) {
	to := r.PostFormValue("back")
	if !localPath(to) {
		to = "/"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// localPath accepts only paths on this site, so that no form can send a browser elsewhere.
func localPath(p string) bool {
	return len(p) > 0 && p[0] == '/' && (len(p) == 1 || (p[1] != '/' && p[1] != '\\'))
}
