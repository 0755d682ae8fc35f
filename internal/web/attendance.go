package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 培 — attendance terminals and attendance files (SPEC §4.4): an institution registers its
// venues' face terminals (the secret is shown once) and revokes them; a terminal pushes signed
// check-ins to POST /api/v1/terminal/events; a terminal's export file is imported into a class
// in two steps, a dry run that names every refused row and a commit of the good ones. The
// dynamic QR check-in, the class's attendance report and amendments live in checkin.go,
// class_attendance.go and amendments.go.

func (s *Server) registerAttendanceRoutes() {
	staff := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool)
	s.handleBoth("GET /terminals", "/api/v1/terminals", staff, s.terminalList)
	s.handleBoth("POST /terminals", "/api/v1/terminals", staff, s.terminalRegister)
	s.handleBoth("GET /terminals/{terminal}", "/api/v1/terminals/{terminal}", staff, s.terminalShow)
	s.handleBoth("POST /terminals/{terminal}/revoke", "/api/v1/terminals/{terminal}/revoke", staff, s.terminalRevoke)
	// The terminal authenticates by its signature, not by a session or token.
	s.handle("POST "+xiangpei.TerminalEventsPath, Public(), s.terminalEvents)

	s.handleBoth("GET /classes/{class}/attendance/import", "/api/v1/classes/{class}/attendance/import", staff, s.attendanceImportPage)
	s.handleBoth("POST /classes/{class}/attendance/import", "/api/v1/classes/{class}/attendance/import", staff, s.attendanceImportCheck)
	s.handleBoth("POST /classes/{class}/attendance/import/commit", "/api/v1/classes/{class}/attendance/import/commit", staff, s.attendanceImportCommit)
	s.handleBoth("GET /classes/{class}/attendance/import/template.xlsx", "/api/v1/classes/{class}/attendance/import/template.xlsx", staff, s.attendanceTemplate)
}

// ---- terminals ----

type terminalForm struct {
	Name    string `json:"name"`
	VenueID int64  `json:"venue_id"`
}

type terminalsData struct {
	Terminals []xiangpei.Terminal
	Venues    []xiangpei.Venue
	Form      terminalForm
}

type terminalSecretData struct {
	Terminal xiangpei.Terminal
	Secret   string
	Path     string
	Skew     int
}

type terminalData struct {
	Terminal xiangpei.Terminal
	Path     string
	Skew     int
}

func terminalJSON(t xiangpei.Terminal) map[string]any {
	var seen any
	if !t.LastSeenAt.IsZero() {
		seen = t.LastSeenAt
	}
	return map[string]any{"id": t.ID, "org_id": t.OrgID, "venue_id": t.VenueID, "venue": t.VenueName, "name": t.Name,
		"status": t.Status, "created_at": t.CreatedAt, "last_seen_at": seen}
}

func (s *Server) terminalsPage(r *http.Request, f terminalForm) (*Page, error) {
	a := actorOf(r)
	ts, err := s.db.Terminals(r.Context(), a.Scope())
	if err != nil {
		return nil, err
	}
	vs, err := s.db.Venues(r.Context(), a.Scope(), a.OrgID)
	if err != nil {
		return nil, err
	}
	return s.page(r, s.msg.T(stateOf(r).lang, "terminal.title"), terminalsData{Terminals: ts, Venues: vs, Form: f}), nil
}

func (s *Server) terminalList(w http.ResponseWriter, r *http.Request) {
	if wantsXLSX(r) {
		list, err := s.db.Terminals(r.Context(), actorOf(r).Scope())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
		rows := make([][]any, 0, len(list))
		for _, t := range list {
			rows = append(rows, []any{strconv.FormatInt(t.ID, 10), t.Name, t.VenueName, T("terminal.status." + string(t.Status)), t.CreatedAt, t.LastSeenAt})
		}
		s.download(w, r, "terminals.xlsx", T("terminal.title")+".xlsx", T("terminal.title"),
			[]string{T("terminal.id"), T("terminal.name"), T("terminal.venue"), T("terminal.status"), T("terminal.created_at"), T("terminal.last_seen")},
			rows, sheet.Options{TextCols: []int{1}})
		return
	}
	if stateOf(r).api {
		answerList(s, w, r, "terminals", func(ctx context.Context) ([]xiangpei.Terminal, error) {
			return s.db.Terminals(ctx, actorOf(r).Scope())
		}, terminalJSON)
		return
	}
	s.show(w, r, &formPage{"terminals", func() (*Page, error) { return s.terminalsPage(r, terminalForm{}) }})
}

func (s *Server) terminalRegister(w http.ResponseWriter, r *http.Request) {
	var f terminalForm
	err := bind(r, &f)
	type made struct {
		t      xiangpei.Terminal
		secret string
	}
	var m made
	if err == nil {
		m, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (made, error) {
			t, secret, err := tx.RegisterTerminal(a.Scope(), f.VenueID, f.Name)
			return made{t, secret}, err
		})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"terminals", func() (*Page, error) { return s.terminalsPage(r, f) }})
		return
	}
	if stateOf(r).api {
		noReplay(r)
		out := terminalJSON(m.t)
		out["secret"] = m.secret
		writeJSON(w, http.StatusCreated, out)
		return
	}
	// The secret is on this response only (it is stored sealed and never shown again), so the
	// page is rendered here instead of after a redirect.
	d := terminalSecretData{Terminal: m.t, Secret: m.secret, Path: xiangpei.TerminalEventsPath, Skew: s.db.Rules().TerminalSkewSeconds}
	s.render(w, r, http.StatusCreated, "terminal_secret", s.page(r, s.msg.T(stateOf(r).lang, "terminal.created_title"), d))
}

func (s *Server) terminalShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "terminal")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.db.Terminal(r.Context(), actorOf(r).Scope(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, terminalJSON(t))
		return
	}
	d := terminalData{Terminal: t, Path: xiangpei.TerminalEventsPath, Skew: s.db.Rules().TerminalSkewSeconds}
	s.render(w, r, http.StatusOK, "terminal", s.page(r, s.msg.T(stateOf(r).lang, "terminal.show_title", t.Name), d))
}

func (s *Server) terminalRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "terminal")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Terminal, error) {
		return tx.RevokeTerminal(a.Scope(), id)
	})
	if err != nil {
		s.formError(w, r, err, &formPage{"terminals", func() (*Page, error) { return s.terminalsPage(r, terminalForm{}) }})
		return
	}
	answer(w, r, http.StatusOK, terminalJSON(t), "/terminals", "terminal_revoked")
}

// ---- the terminal API ----

// terminalRefused logs why a push was refused — the terminal, the reason, the address; never
// the body, whose ID numbers stay out of the log, nor any secret — and answers the error.
func (s *Server) terminalRefused(w http.ResponseWriter, r *http.Request, terminal int64, reason string, err error) {
	s.log.WarnContext(r.Context(), "terminal push refused", "terminal", terminal, "reason", reason, "remote", r.RemoteAddr)
	s.fail(w, r, err)
}

// pushAuthError tells an unknown or revoked terminal apart for the log and gives the answer
// the terminal gets, the same for both; bad is nil for any other error.
func pushAuthError(err error) (reason string, bad error) {
	if errors.Is(err, store.ErrTerminalUnknown) || errors.Is(err, store.ErrTerminalRevoked) {
		return err.Error(), xiangpei.ErrTerminalSignature
	}
	return "", nil
}

// errTerminalTooLarge is the answer to a push over xiangpei.TerminalMaxBody.
var errTerminalTooLarge = xiangpei.Errorf(xiangpei.TooLarge, "terminal.too_large", "A push may hold at most %v bytes: send fewer events at a time.", xiangpei.TerminalMaxBody)

// terminalEvents takes a terminal's push: the body within its limit, the four headers, the
// timestamp within the allowed skew, an active terminal, its signature over the request, a
// nonce it has not used, then the events, each answered accepted, duplicate or refused.
func (s *Server) terminalEvents(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, xiangpei.TerminalMaxBody+1))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || len(body) > xiangpei.TerminalMaxBody {
		s.terminalRefused(w, r, 0, "oversized body", errTerminalTooLarge)
		return
	}
	if err != nil {
		s.terminalRefused(w, r, 0, "body not readable", xiangpei.Errorf(xiangpei.Invalid, "error.bad_request", "The request could not be read."))
		return
	}
	auth, err := xiangpei.ParseTerminalHeaders(r.Header.Get)
	if err != nil {
		s.terminalRefused(w, r, auth.TerminalID, "missing or malformed headers", err)
		return
	}
	rules := s.db.Rules()
	if err := auth.CheckTime(s.now(), rules.TerminalSkewSeconds); err != nil {
		s.terminalRefused(w, r, auth.TerminalID, "timestamp outside the allowed skew", err)
		return
	}
	// The signature is checked on a reading connection first, so that unsigned requests never
	// queue for the writer; the transaction then checks the terminal again (it may have been
	// revoked meanwhile) and spends the nonce.
	t, secret, err := s.db.TerminalForPush(r.Context(), auth.TerminalID)
	if reason, bad := pushAuthError(err); bad != nil {
		s.terminalRefused(w, r, auth.TerminalID, reason, bad)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if !auth.Verify(secret, r.Method, r.URL.Path, body) {
		s.terminalRefused(w, r, auth.TerminalID, "bad signature", xiangpei.ErrTerminalSignature)
		return
	}
	var results []store.PushResult
	var res store.IngestResult
	reason := ""
	actor := xiangpei.Actor{Name: "terminal " + strconv.FormatInt(t.ID, 10), OrgID: t.OrgID}
	err = s.db.Tx(r.Context(), actor, func(tx *store.Tx) error {
		t, again, err := tx.TerminalForPush(auth.TerminalID)
		if why, bad := pushAuthError(err); bad != nil {
			reason = why
			return bad
		} else if err != nil {
			return err
		}
		if again != secret {
			reason = "secret changed"
			return xiangpei.ErrTerminalSignature
		}
		if err := tx.UseNonce(t.ID, auth.Nonce); err != nil {
			reason = "replayed nonce"
			return err
		}
		evs, err := xiangpei.ParseTerminalEvents(body)
		if err != nil {
			reason = "body not a list of events"
			return err
		}
		results, res, err = tx.PushTerminalEvents(t, evs)
		return err
	})
	if err != nil {
		if reason == "" {
			s.fail(w, r, err)
			return
		}
		s.terminalRefused(w, r, auth.TerminalID, reason, err)
		return
	}
	lang := stateOf(r).lang
	out := make([]map[string]any, len(results))
	refused := 0
	for i, p := range results {
		m := map[string]any{"event_id": p.EventID, "status": p.Outcome.String()}
		if p.Outcome == store.EventRefused {
			refused++
			var de *xiangpei.Error
			if errors.As(p.Err, &de) {
				m["reason"] = de.Key
			}
			m["message"] = s.msg.Error(lang, p.Err)
		}
		out[i] = m
	}
	s.log.InfoContext(r.Context(), "terminal push", "terminal", auth.TerminalID, "accepted", res.Accepted,
		"duplicates", res.Duplicates, "refused", refused)
	writeJSON(w, http.StatusOK, map[string]any{"accepted": res.Accepted, "duplicates": res.Duplicates, "refused": refused,
		"results": out})
}

// ---- attendance files ----

type importData struct {
	Class   xiangpei.Class
	Columns []string
	Window  int
	Report  *store.AttendanceImport
	Refused []importLine
	Upload  int64
	Name    string
	Done    bool
}

type importLine struct {
	Line    int
	Message string
}

func (s *Server) importClass(r *http.Request) (xiangpei.Class, error) {
	id, err := pathID(r, "class")
	if err != nil {
		return xiangpei.Class{}, err
	}
	return s.db.Class(r.Context(), actorOf(r).Scope(), id)
}

func (s *Server) importPage(r *http.Request, c xiangpei.Class, d importData) *Page {
	d.Class, d.Columns, d.Window = c, store.AttendanceHeader, 60
	return s.page(r, s.msg.T(stateOf(r).lang, "attendance.import_title", c.Name), d)
}

func (s *Server) attendanceImportPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.importClass(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"class_id": c.ID, "columns": store.AttendanceHeader,
			"required": store.AttendanceHeader[:4], "template": "/classes/" + strconv.FormatInt(c.ID, 10) + "/attendance/import/template.xlsx"})
		return
	}
	s.render(w, r, http.StatusOK, "attendance_import", s.importPage(r, c, importData{}))
}

func importJSON(s *Server, r *http.Request, rep store.AttendanceImport, upload int64) map[string]any {
	lang := stateOf(r).lang
	refused := make([]map[string]any, len(rep.Refused))
	for i, x := range rep.Refused {
		m := map[string]any{"line": x.Line, "message": s.msg.Error(lang, x.Err)}
		var de *xiangpei.Error
		if errors.As(x.Err, &de) {
			m["reason"] = de.Key
		}
		refused[i] = m
	}
	out := map[string]any{"class_id": rep.ClassID, "rows": rep.Rows, "good": rep.Good, "refused": refused}
	if upload != 0 {
		out["upload"] = upload
	}
	return out
}

func (s *Server) importLines(r *http.Request, rep store.AttendanceImport) []importLine {
	lang := stateOf(r).lang
	out := make([]importLine, len(rep.Refused))
	for i, x := range rep.Refused {
		out[i] = importLine{Line: x.Line, Message: s.msg.Error(lang, x.Err)}
	}
	return out
}

// attendanceImportCheck is the dry run: the file is read and every row checked against the
// class; nothing is recorded, the file is kept for the commit, and the answer names every row
// that would be refused.
func (s *Server) attendanceImportCheck(w http.ResponseWriter, r *http.Request) {
	c, err := s.importClass(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	again := &formPage{"attendance_import", func() (*Page, error) { return s.importPage(r, c, importData{}), nil }}
	rep, u, err := dryRun(s, r, store.AttendanceFileLimits().MaxBytes,
		xiangpei.Errorf(xiangpei.Invalid, "attendance.import_no_file", "Choose the attendance file (.xlsx or .csv) to upload."),
		func(data []byte, name string) ([]store.AttendanceRow, error) {
			return store.ReadAttendanceFile(bytes.NewReader(data), name, store.AttendanceFileLimits())
		}, store.Upload{Purpose: store.UploadAttendance, ClassID: c.ID, OrgID: c.OrgID},
		func(tx *store.Tx, a xiangpei.Actor, u store.Upload, rows []store.AttendanceRow) (store.AttendanceImport, error) {
			return tx.CheckAttendanceFile(a.Scope(), c.ID, rows)
		})
	if err != nil {
		s.formError(w, r, err, again)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, importJSON(s, r, rep, u.ID))
		return
	}
	d := importData{Report: &rep, Refused: s.importLines(r, rep), Upload: u.ID, Name: u.Name}
	s.render(w, r, http.StatusOK, "attendance_import_check", s.importPage(r, c, d))
}

type importCommitForm struct {
	Upload int64 `json:"upload"`
}

// attendanceImportCommit imports the good rows of a file kept by its dry run, in one
// transaction; a second commit of the same file is refused.
func (s *Server) attendanceImportCommit(w http.ResponseWriter, r *http.Request) {
	c, err := s.importClass(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f importCommitForm
	err = bind(r, &f)
	var rep store.AttendanceImport
	if err == nil {
		a := actorOf(r)
		rep, err = s.db.CommitAttendanceUpload(r.Context(), a, a.Scope(), c.ID, f.Upload)
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"attendance_import", func() (*Page, error) { return s.importPage(r, c, importData{}), nil }})
		return
	}
	if stateOf(r).api {
		out := importJSON(s, r, rep, f.Upload)
		out["accepted"], out["duplicates"] = rep.Accepted, rep.Duplicates
		writeJSON(w, http.StatusOK, out)
		return
	}
	d := importData{Report: &rep, Refused: s.importLines(r, rep), Upload: f.Upload, Done: true}
	s.render(w, r, http.StatusOK, "attendance_import_done", s.importPage(r, c, d))
}

// attendanceTemplate is the template of an attendance file: the header and example rows for
// the class's first session (a check-in and a check-out with made-up ID numbers).
func (s *Server) attendanceTemplate(w http.ResponseWriter, r *http.Request) {
	c, err := s.importClass(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, xiangpei.ChinaTime)
	if len(c.Sessions) > 0 {
		at = c.Sessions[0].Starts
	}
	rows := [][]any{
		{"11010519491231002X", "张三", at.Add(-10 * time.Minute).In(xiangpei.ChinaTime).Format(time.DateTime), "签到", "FACE-01", 1},
		{"11010519491231002X", "张三", at.Add(3 * time.Hour).In(xiangpei.ChinaTime).Format(time.DateTime), "签退", "FACE-01", 1},
	}
	s.download(w, r, "attendance-template.xlsx", "考勤导入模板.xlsx", "考勤", store.AttendanceHeader, rows, sheet.Options{TextCols: []int{1, 3},
		Widths: map[int]float64{1: 22, 2: 10, 3: 20, 4: 8, 5: 12, 6: 6}})
}
