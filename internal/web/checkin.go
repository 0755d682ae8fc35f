package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/store"
)

// registerCheckinRoutes: the teacher's dynamic QR screen and the trainee's scan.
func (s *Server) registerCheckinRoutes() {
	staff := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool)
	person := Roles(xiangpei.RolePerson)
	s.handleBoth("GET /sessions/{session}/qr", "/api/v1/sessions/{session}/qr", staff, s.qrPage)
	s.handle("GET /sessions/{session}/qr.png", staff, s.qrPNG)
	s.handleBoth("GET /checkin", "/api/v1/checkin", person, s.checkinPage)
	s.handleBoth("POST /checkin", "/api/v1/checkin", person, s.checkinPost)
}

// The dynamic QR check-in (SPEC §4.4, way 2). The teacher's screen shows a code that changes
// every Rules.QRSeconds seconds and refreshes itself (an HTTP Refresh header and a meta refresh:
// no script). A trainee's phone opens the code's link while signed in, sees the class and a big
// button, and the button records a check-in, or a check-out when they are checked in already.
// The phone is recognised by a long-lived random cookie; its hash is the event's device, so that
// one phone checking in several people shows up as an anomaly.

// deviceCookie holds a phone's random device id.
const deviceCookie = "xp_device"

// devicePrint is the fingerprint of a device id kept with an event: a hash, so the id itself
// (which would let anyone pose as the phone) is never stored.
func devicePrint(id string) string {
	sum := sha256.Sum256([]byte("xiangpei-device:" + id))
	return "phone-" + hex.EncodeToString(sum[:8])
}

// deviceID returns the browser's device id, giving it one (for 400 days) when it has none.
func (s *Server) deviceID(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(deviceCookie); err == nil && len(c.Value) >= 20 && len(c.Value) <= 64 {
		return c.Value
	}
	id := auth.Secret(24)
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: id, Path: "/", MaxAge: 400 * 24 * 3600, HttpOnly: true,
		Secure: s.cfg.SecureCookie, SameSite: http.SameSiteLaxMode})
	return id
}

// siteURL is the address of this site as the request reached it, for links on other devices.
func (s *Server) siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookie {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// checkinLink is the link a session's code stands for.
func checkinLink(site string, sessionID int64, code string) string {
	return site + "/checkin?" + url.Values{"s": {strconv.FormatInt(sessionID, 10)}, "c": {code}}.Encode()
}

// ---- the teacher's screen ----

type qrData struct {
	QR       store.QRSession
	Open     bool
	Code     string
	Link     string
	Window   int64
	Left     int // seconds until the code changes
	Changes  string
	Refresh  int // seconds until the page reloads itself
	Starts   string
	Ends     string
	OpensAt  string
	ClosesAt string
}

func (s *Server) qrData(r *http.Request) (qrData, error) {
	id, err := pathID(r, "session")
	if err != nil {
		return qrData{}, err
	}
	q, err := s.db.SessionQR(r.Context(), actorOf(r).Scope(), id)
	if err != nil {
		return qrData{}, err
	}
	now, secs := s.now(), s.db.Rules().QRSeconds
	taking := q.Class.Status == xiangpei.ClassApproved || q.Class.Status == xiangpei.ClassInProgress
	d := qrData{QR: q, Open: taking && xiangpei.QROpen(q.Session, now), Starts: complTime(q.Session.Starts, "2006-01-02 15:04"),
		Ends: complTime(q.Session.Ends, "15:04"), OpensAt: complTime(q.Session.Starts.Add(-xiangpei.QROpenBefore), "2006-01-02 15:04"),
		ClosesAt: complTime(q.Session.Ends.Add(xiangpei.QROpenAfter), "2006-01-02 15:04")}
	if d.Open {
		d.Window = xiangpei.QRWindow(now, secs)
		d.Code = xiangpei.QRCode(q.Key, id, d.Window)
		d.Link = checkinLink(s.siteURL(r), id, d.Code)
		ends := xiangpei.QRWindowEnds(now, secs)
		d.Left = max(1, int(ends.Sub(now).Round(time.Second)/time.Second))
		d.Changes = complTime(ends, "15:04:05")
		d.Refresh = d.Left
	} else {
		d.Refresh = 60 // the page shows the code by itself once the session opens
	}
	return d, nil
}

func (s *Server) qrPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.qrData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		out := map[string]any{"session": d.QR.Session.ID, "class": d.QR.Class.ID, "seq": d.QR.Session.Seq,
			"starts": d.QR.Session.Starts, "ends": d.QR.Session.Ends, "open": d.Open, "checked_in": d.QR.CheckedIn,
			"roster": d.QR.Roster, "code": nil, "link": nil, "changes_at": nil}
		if d.Open {
			out["code"], out["link"] = d.Code, d.Link
			out["changes_at"] = xiangpei.QRWindowEnds(s.now(), s.db.Rules().QRSeconds)
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	w.Header().Set("Refresh", strconv.Itoa(d.Refresh))
	lang := stateOf(r).lang
	s.render(w, r, http.StatusOK, "session_qr", s.page(r, s.msg.T(lang, "checkin.qr_title", d.QR.Class.Name, d.QR.Session.Seq), d))
}

// qrPNG draws the session's current code as a QR image of its check-in link.
func (s *Server) qrPNG(w http.ResponseWriter, r *http.Request) {
	d, err := s.qrData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !d.Open {
		s.fail(w, r, xiangpei.Errorf(xiangpei.Conflict, "checkin.not_open",
			"Session %v can be checked in to from an hour before it starts until an hour after it ends.", d.QR.Session.Seq))
		return
	}
	img, err := qr.Encode(d.Link, qr.M, qr.Auto)
	if err == nil {
		img, err = barcode.Scale(img, 360, 360)
	}
	var buf bytes.Buffer
	if err == nil {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// ---- the trainee's phone ----

type checkinEvent struct {
	Kind string
	At   string
}

type checkinData struct {
	View    store.CheckinView
	Problem bool // the scan was refused: the page shows the message and no button
	Code    string
	Starts  string
	Ends    string
	Events  []checkinEvent
}

func (s *Server) checkinData(v store.CheckinView, code string) checkinData {
	d := checkinData{View: v, Code: code, Starts: complTime(v.Session.Starts, "2006-01-02 15:04"), Ends: complTime(v.Session.Ends, "15:04")}
	for _, e := range v.Events {
		d.Events = append(d.Events, checkinEvent{Kind: e.Kind, At: complTime(e.At, "15:04:05")})
	}
	return d
}

func checkinViewJSON(v store.CheckinView) map[string]any {
	events := make([]map[string]any, 0, len(v.Events))
	for _, e := range v.Events {
		events = append(events, map[string]any{"kind": e.Kind, "at": e.At, "source": e.Source})
	}
	return map[string]any{"session": v.Session.ID, "seq": v.Session.Seq, "starts": v.Session.Starts, "ends": v.Session.Ends,
		"class": v.Class.ID, "class_name": v.Class.Name, "org_name": v.OrgName, "venue": v.Venue, "next": v.Next, "events": events}
}

// checkinProblem shows a refused scan: on the API an error; in the browser the check-in page
// with the message, what to do, and no button.
func (s *Server) checkinProblem(w http.ResponseWriter, r *http.Request, err error) {
	st := stateOf(r)
	switch xiangpei.ErrorKind(err) {
	case xiangpei.Internal, xiangpei.Unauthorized, xiangpei.TooLarge, xiangpei.NotFound:
		s.fail(w, r, err)
		return
	}
	if st.api {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, s.msg.T(st.lang, "checkin.title"), checkinData{Problem: true})
	p.Error = s.msg.Error(st.lang, err)
	s.render(w, r, statusOf(err), "checkin", p)
}

func (s *Server) checkinPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id, err := strconv.ParseInt(q.Get("s"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, xiangpei.ErrNotFound("Session"))
		return
	}
	if !stateOf(r).api {
		s.deviceID(w, r) // give the phone its id before it scans
	}
	code := strings.TrimSpace(q.Get("c"))
	v, err := s.db.CheckinView(r.Context(), actorOf(r).Scope(), id, code, code != "")
	if err != nil {
		s.checkinProblem(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, checkinViewJSON(v))
		return
	}
	s.render(w, r, http.StatusOK, "checkin", s.page(r, s.msg.T(stateOf(r).lang, "checkin.title"), s.checkinData(v, code)))
}

type checkinForm struct {
	Session int64   `json:"session"`
	Code    string  `json:"code"`
	Device  string  `json:"device"` // API clients: a stable random id of the app's installation
	Lat     float64 `json:"lat"`
	Lng     float64 `json:"lng"`
}

func (s *Server) checkinPost(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	var f checkinForm
	err := bind(r, &f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A browser is known by its cookie; an app sends the id of its installation (or keeps the
	// cookie like a browser).
	device := ""
	if !st.api {
		device = s.deviceID(w, r)
	} else if device = strings.TrimSpace(f.Device); device == "" {
		if c, cerr := r.Cookie(deviceCookie); cerr == nil {
			device = c.Value
		}
	}
	if device == "" || len(device) > 200 {
		s.checkinProblem(w, r, xiangpei.Errorf(xiangpei.Invalid, "checkin.device", "Send the id of the device that scans the code."))
		return
	}
	in := store.CheckinInput{SessionID: f.Session, Code: f.Code, Device: devicePrint(device), Lat: f.Lat, Lng: f.Lng,
		HasPlace: f.Lat != 0 || f.Lng != 0}
	res, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.CheckinResult, error) { return tx.QRCheckin(a.Scope(), in) })
	if err != nil {
		s.checkinProblem(w, r, err)
		return
	}
	done := "checkin_" + res.Event.Kind
	if res.Repeated {
		done = "checkin_repeat"
	}
	out := checkinViewJSON(res.View)
	out["recorded"] = map[string]any{"kind": res.Event.Kind, "at": res.Event.At}
	out["repeated"] = res.Repeated
	status := http.StatusCreated
	if res.Repeated {
		status = http.StatusOK
	}
	answer(w, r, status, out, "/checkin?s="+strconv.FormatInt(f.Session, 10), done)
}
