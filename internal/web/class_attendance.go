package web

import (
	"net/http"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// registerClassAttendanceRoutes: a class's attendance report and its exports.
func (s *Server) registerClassAttendanceRoutes() {
	readers := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool, xiangpei.RoleOfficer)
	s.handleBoth("GET /classes/{class}/attendance", "/api/v1/classes/{class}/attendance", readers, s.classAttendancePage)
	s.handle("GET /classes/{class}/attendance.xlsx", readers, s.classAttendanceXLSX)
	s.handle("GET /classes/{class}/anomalies.xlsx", readers, s.classAnomaliesXLSX)
}

// The attendance report of a class (SPEC §4.4, §9): the class's institution and the officers of
// its region read each trainee's hours against the plan and the completion threshold, who came
// to which session, the anomalies the rules see and the late amendments, on the page, over the
// API and as Excel files.

type attCell struct {
	Seen  bool
	Hours string
	In    string
	Out   string
}

type attRow struct {
	store.TraineeAttendance
	MaskedID string
	Attended string
	Cells    []attCell
}

type attSession struct {
	store.SessionAttendance
	Starts string
	Ends   string
}

type attAnomaly struct {
	xiangpei.Anomaly
	Reason string
	Names  string
	Seq    int
}

type classAttData struct {
	Report     store.AttendanceReport
	Planned    string
	Rows       []attRow
	Sessions   []attSession
	Anomalies  []attAnomaly
	Amendments []amendLine
	Average    string
	OrgRating  store.RatingSummary // the institution's rating over all its classes
	OrgAverage string
	Staff      bool // the class's own institution: QR screens, amendments, closing
	CanAmend   bool
	CanClose   bool
	Amend      amendForm
	Kinds      []string
}

func (s *Server) anomalyLines(r *http.Request, rep store.AttendanceReport) []attAnomaly {
	lang := stateOf(r).lang
	seq := map[int64]int{}
	for _, x := range rep.Class.Sessions {
		seq[x.ID] = x.Seq
	}
	out := make([]attAnomaly, 0, len(rep.Anomalies))
	for _, a := range rep.Anomalies {
		var names []string
		for _, p := range a.PersonIDs {
			if n, ok := rep.Names[p]; ok {
				names = append(names, n)
			}
		}
		out = append(out, attAnomaly{Anomaly: a, Reason: s.msg.T(lang, a.Key, a.Args...), Names: strings.Join(names, "、"), Seq: seq[a.SessionID]})
	}
	return out
}

func (s *Server) classAttData(r *http.Request, id int64) (classAttData, error) {
	a := actorOf(r)
	rep, err := s.db.ClassAttendance(r.Context(), a.Scope(), id)
	if err != nil {
		return classAttData{}, err
	}
	c := rep.Class
	d := classAttData{Report: rep, Planned: xiangpei.FormatHours(rep.PlannedMinutes), Average: complRating(rep.Rating),
		Staff: a.OrgID != 0 && a.OrgID == c.OrgID, Kinds: []string{xiangpei.CheckIn, xiangpei.CheckOut}}
	d.CanAmend = d.Staff && (c.Status == xiangpei.ClassInProgress || c.Status == xiangpei.ClassClosed)
	d.CanClose = d.Staff && c.Status == xiangpei.ClassInProgress && !s.now().Before(c.LastSession)
	for _, x := range rep.Sessions {
		d.Sessions = append(d.Sessions, attSession{SessionAttendance: x, Starts: complTime(x.Session.Starts, "01-02 15:04"),
			Ends: complTime(x.Session.Ends, "15:04")})
	}
	for _, t := range rep.Trainees {
		row := attRow{TraineeAttendance: t, MaskedID: t.Trainee.IDNumber.Masked(), Attended: xiangpei.FormatHours(t.Trainee.AttendedMinutes)}
		for _, c := range t.Cells {
			row.Cells = append(row.Cells, attCell{Seen: c.Seen, Hours: xiangpei.FormatHours(c.Minutes), In: complTime(c.FirstIn, "15:04"), Out: complTime(c.LastOut, "15:04")})
		}
		d.Rows = append(d.Rows, row)
	}
	if d.OrgRating, err = s.db.OrgRatingSummary(r.Context(), c.OrgID); err != nil {
		return d, err
	}
	d.OrgAverage = complRating(d.OrgRating)
	d.Anomalies = s.anomalyLines(r, rep)
	for _, am := range rep.Amendments {
		d.Amendments = append(d.Amendments, amendLineOf(am))
	}
	return d, nil
}

func (s *Server) classAttAgain(r *http.Request, id int64, f *amendForm) *formPage {
	return &formPage{"class_attendance", func() (*Page, error) {
		d, err := s.classAttData(r, id)
		if err != nil {
			return nil, err
		}
		if f != nil {
			d.Amend = *f
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "completion.attendance_title", d.Report.Class.Name), d), nil
	}}
}

func anomalyJSON(a xiangpei.Anomaly, reason string) map[string]any {
	return map[string]any{"code": a.Code, "severity": a.Severity, "session": a.SessionID, "persons": a.PersonIDs,
		"events": a.EventIDs, "at": a.At, "device": a.Device, "metres": a.Metres, "minutes": a.Minutes,
		"km_per_hour": a.KmPerHour, "other_class": a.OtherClassID, "reason": reason}
}

func (s *Server) classAttendancePage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !stateOf(r).api {
		s.show(w, r, s.classAttAgain(r, id, nil))
		return
	}
	d, err := s.classAttData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep := d.Report
	sessions := jsonList(rep.Sessions, func(x store.SessionAttendance) map[string]any {
		return map[string]any{"id": x.Session.ID, "seq": x.Session.Seq, "starts": x.Session.Starts, "ends": x.Session.Ends,
			"kind": x.Session.Kind, "venue": x.Venue, "make_up": x.Session.MakeUp, "attended": x.Seen}
	})
	trainees := jsonList(rep.Trainees, func(t store.TraineeAttendance) map[string]any {
		cells := make([]map[string]any, len(t.Cells))
		for i, c := range t.Cells {
			cells[i] = map[string]any{"session": rep.Sessions[i].Session.ID, "minutes": c.Minutes, "first_in": complNullTime(c.FirstIn),
				"last_out": complNullTime(c.LastOut), "attended": c.Seen}
		}
		return map[string]any{"trainee": t.Trainee.ID, "person": t.Trainee.PersonID, "name": t.Trainee.Name,
			"id_number": t.Trainee.IDNumber.Masked(), "status": t.Trainee.Status, "attended_minutes": t.Trainee.AttendedMinutes,
			"rate_pct": t.RatePct, "meets_threshold": t.Meets, "sessions": cells}
	})
	anomalies := make([]map[string]any, 0, len(d.Anomalies))
	for _, a := range d.Anomalies {
		anomalies = append(anomalies, anomalyJSON(a.Anomaly, a.Reason))
	}
	writeJSON(w, http.StatusOK, map[string]any{"class": rep.Class.ID, "name": rep.Class.Name, "status": rep.Class.Status,
		"version": rep.Class.Version, "org_name": rep.OrgName, "planned_minutes": rep.PlannedMinutes, "threshold_pct": rep.ThresholdPct,
		"below_threshold": rep.Below, "sessions": sessions, "trainees": trainees, "anomalies": anomalies,
		"amendments": jsonList(rep.Amendments, amendmentJSON), "rating": complRatingJSON(rep.Rating),
		"org_rating": complRatingJSON(d.OrgRating)})
}

// complNullTime is null for the zero time in JSON.
func complNullTime(t interface{ IsZero() bool }) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func (s *Server) classAttendanceXLSX(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.classAttData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	t := func(k string, args ...any) string { return s.msg.T(lang, k, args...) }
	header := []string{t("completion.col_name"), t("completion.col_id"), t("completion.col_status"), t("completion.col_attended"),
		t("completion.col_planned"), t("completion.col_rate"), t("completion.col_threshold")}
	for _, x := range d.Sessions {
		header = append(header, t("completion.col_session", x.Session.Seq, x.Starts))
	}
	var rows [][]any
	for _, row := range d.Rows {
		meets := t("completion.below")
		if row.Meets {
			meets = t("completion.meets")
		}
		line := []any{row.Trainee.Name, row.MaskedID, t("completion.trainee." + string(row.Trainee.Status)),
			float64(row.Trainee.AttendedMinutes) / 60, float64(d.Report.PlannedMinutes) / 60, row.RatePct, meets}
		for _, c := range row.Cells {
			if c.Seen {
				line = append(line, c.Hours)
			} else {
				line = append(line, "")
			}
		}
		rows = append(rows, line)
	}
	s.download(w, r, "attendance.xlsx", t("completion.export_attendance", d.Report.Class.Name)+".xlsx", t("completion.sheet_attendance"), header, rows, sheet.Options{})
}

func (s *Server) classAnomaliesXLSX(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.classAttData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	t := func(k string, args ...any) string { return s.msg.T(lang, k, args...) }
	header := []string{t("anomaly.col_severity"), t("anomaly.col_code"), t("anomaly.col_session"), t("anomaly.col_trainees"),
		t("anomaly.col_at"), t("anomaly.col_reason")}
	var rows [][]any
	for _, a := range d.Anomalies {
		rows = append(rows, []any{t("anomaly.severity." + a.Severity), t("anomaly.code." + a.Code), a.Seq, a.Names, a.At, a.Reason})
	}
	s.download(w, r, "anomalies.xlsx", t("completion.export_anomalies", d.Report.Class.Name)+".xlsx", t("anomaly.sheet"), header, rows, sheet.Options{})
}
