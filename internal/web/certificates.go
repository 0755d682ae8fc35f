package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"xiangpei"
	"xiangpei/internal/i18n"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 评 — certificates (SPEC §5): the lists of the issuing body and the officer, a certificate's
// page and its printable A4 page with a QR code, revocation, a person's own certificates, and
// the public verification by number and name or by the QR link (docs/certificates.md).

// certsPerPage is the page size of certificate lists.
const certsPerPage = 20

// Verification is limited per client address: certVerifyMax lookups per certVerifyPeriod.
const (
	certVerifyMax    = 30
	certVerifyPeriod = 10 * time.Minute
)

func (s *Server) registerCertificateRoutes() {
	lists := Roles(xiangpei.RoleAssessor, xiangpei.RoleOfficer, xiangpei.RoleAdmin)
	readers := Roles(xiangpei.RolePerson, xiangpei.RoleAssessor, xiangpei.RoleOfficer, xiangpei.RoleAdmin)
	revokers := Roles(xiangpei.RoleAssessor, xiangpei.RoleOfficer)
	s.handleBoth("GET /certificates", "/api/v1/certificates", lists, s.certList)
	s.handleBoth("GET /certificates/{cert}", "/api/v1/certificates/{cert}", readers, s.certShow)
	s.handle("GET /certificates/{cert}/print", readers, s.certPrint)
	s.handle("GET /certificates/{cert}/qr.png", readers, s.certQR)
	s.handleBoth("POST /certificates/{cert}/revoke", "/api/v1/certificates/{cert}/revoke", revokers, s.certRevoke)
	s.handleBoth("GET /me/certificates", "/api/v1/me/certificates", Roles(xiangpei.RolePerson), s.certMine)
	s.handleBoth("GET /verify", "/api/v1/verify", Public(), s.verifyForm)
	s.handleBoth("GET /verify/{number}", "/api/v1/verify/{number}", Public(), s.verifyNumber)
}

// ---- shared ----

// certScope is how far an actor reads certificates: its own scope, except that of the
// administrators only the system administrator reads them (all of them); the security
// administrator and the auditor reach none.
func certScope(a xiangpei.Actor) xiangpei.Scope {
	if a.Role == xiangpei.RoleAdmin && !a.Can(xiangpei.DutySysAdmin) {
		return xiangpei.Scope{Region: "none"}
	}
	return a.Scope()
}

func certPath(id int64) string { return "/certificates/" + strconv.FormatInt(id, 10) }

// certRevokeScope is how far an actor may revoke: the issuing body its own certificates, an
// officer holding the registry or publish duty those issued in the region. Every other actor
// reaches nothing, so a revocation by them is NotFound.
func certRevokeScope(a xiangpei.Actor) xiangpei.Scope {
	switch {
	case a.Role == xiangpei.RoleAssessor && a.OrgID != 0:
		return xiangpei.Scope{OrgID: a.OrgID}
	case a.Role == xiangpei.RoleOfficer && (a.Can(xiangpei.DutyRegistry) || a.Can(xiangpei.DutyPublish)):
		return a.Scope()
	}
	return xiangpei.Scope{Region: "none"}
}

// certMayRevoke reports whether a may revoke c now.
func certMayRevoke(a xiangpei.Actor, c xiangpei.Certificate) bool {
	if c.Status != xiangpei.CertValid {
		return false
	}
	sc := certRevokeScope(a)
	switch {
	case sc.OrgID != 0:
		return c.IssuerOrgID == sc.OrgID
	case sc.Region != "none":
		return sc.Covers(c.County)
	}
	return false
}

func certJSON(c xiangpei.Certificate) map[string]any {
	m := map[string]any{"id": c.ID, "number": c.Number, "kind": c.Kind, "person_id": c.PersonID, "holder_name": c.HolderName,
		"holder_id_number": c.HolderID.Masked(), "county": c.County, "occupation_code": c.OccupationCode,
		"occupation_name": c.OccupationName, "level": c.Level, "issuer_org_id": c.IssuerOrgID, "issuer_name": c.IssuerName,
		"issued_on": c.IssuedOn, "source": c.Source, "source_id": c.SourceID, "basis": c.Basis, "status": c.Status,
		"revoked_at": nil, "revoked_reason": c.RevokedReason, "verify_path": "/verify/" + c.Number,
		"created_at": c.CreatedAt, "updated_at": c.UpdatedAt, "version": c.Version}
	if !c.RevokedAt.IsZero() {
		m["revoked_at"] = c.RevokedAt
	}
	return m
}

// certLine is a certificate as list pages show it.
type certLine struct {
	xiangpei.Certificate
	MaskedID  string
	LevelName string
	RevokedOn string
}

func certLineOf(c xiangpei.Certificate, levels map[string]string) certLine {
	l := certLine{Certificate: c, MaskedID: c.HolderID.Masked(), LevelName: orCode(levels, c.Level, c.Level)}
	if !c.RevokedAt.IsZero() {
		l.RevokedOn = xiangpei.ChinaDate(c.RevokedAt)
	}
	return l
}

// ---- the lists ----

type certListData struct {
	Number, Name, Occupation, Status, Kind string
	Year                                   int
	Years                                  []int
	Statuses                               []xiangpei.CertStatus
	Kinds                                  []xiangpei.CertKind
	Lines                                  []certLine
	ShowIssuer                             bool
	Pager                                  *pager
	Export                                 string
}

func certFilterOf(r *http.Request) store.CertFilter {
	q := r.URL.Query()
	f := store.CertFilter{Number: strings.TrimSpace(q.Get("number")), Name: strings.TrimSpace(q.Get("name")),
		Occupation: strings.TrimSpace(q.Get("occupation")), Status: xiangpei.CertStatus(q.Get("status")),
		Kind: xiangpei.CertKind(q.Get("kind"))}
	if f.Status != xiangpei.CertValid && f.Status != xiangpei.CertRevoked {
		f.Status = ""
	}
	if !f.Kind.Valid() {
		f.Kind = ""
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2000 && y <= 2099 {
		f.Year = y
	}
	return f
}

func (s *Server) certList(w http.ResponseWriter, r *http.Request) {
	s.certListOf(w, r, certScope(actorOf(r)), "certificates", "cert.list_title")
}

func (s *Server) certMine(w http.ResponseWriter, r *http.Request) {
	s.certListOf(w, r, actorOf(r).Scope(), "certificates_mine", "cert.mine_title")
}

func (s *Server) certListOf(w http.ResponseWriter, r *http.Request, sc xiangpei.Scope, tmpl, title string) {
	f := certFilterOf(r)
	levels := s.levelNames(r)
	if wantsXLSX(r) {
		s.certListXLSX(w, r, sc, f, levels)
		return
	}
	n, pg := listPage(r, certsPerPage)
	list, total, err := s.db.Certificates(r.Context(), sc, f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"certificates": jsonList(list, certJSON), "total": total, "page": n,
			"per_page": certsPerPage})
		return
	}
	years, err := s.db.CertificateYears(r.Context(), sc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := certListData{Number: f.Number, Name: f.Name, Occupation: f.Occupation, Status: string(f.Status), Kind: string(f.Kind),
		Year: f.Year, Years: years, Statuses: []xiangpei.CertStatus{xiangpei.CertValid, xiangpei.CertRevoked},
		Kinds: xiangpei.CertKinds, ShowIssuer: actorOf(r).Role != xiangpei.RoleAssessor,
		Pager: pagerOf(r, n, total, certsPerPage), Export: exportLink(r)}
	for _, c := range list {
		d.Lines = append(d.Lines, certLineOf(c, levels))
	}
	s.render(w, r, http.StatusOK, tmpl, s.page(r, s.msg.T(stateOf(r).lang, title), d))
}

func (s *Server) certListXLSX(w http.ResponseWriter, r *http.Request, sc xiangpei.Scope, f store.CertFilter, levels map[string]string) {
	lang := stateOf(r).lang
	all, err := exportAll(func(pg store.Page) ([]xiangpei.Certificate, int, error) {
		return s.db.Certificates(r.Context(), sc, f, pg)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := func(k string) string { return s.msg.T(lang, k) }
	header := []string{T("cert.col_number"), T("cert.col_kind"), T("cert.col_holder"), T("cert.col_id_number"),
		T("cert.col_occupation_code"), T("cert.col_occupation"), T("cert.col_level"), T("cert.col_issuer"), T("cert.col_issued_on"),
		T("cert.col_status"), T("cert.col_revoked_on"), T("cert.col_revoked_reason")}
	rows := make([][]any, 0, len(all))
	for _, c := range all {
		l := certLineOf(c, levels)
		rows = append(rows, []any{c.Number, T("cert.kind." + string(c.Kind)), c.HolderName, l.MaskedID, c.OccupationCode,
			c.OccupationName, l.LevelName, c.IssuerName, c.IssuedOn, T("cert.status." + string(c.Status)), l.RevokedOn, c.RevokedReason})
	}
	s.download(w, r, "certificates.xlsx", T("cert.export_name")+".xlsx", T("cert.list_title"), header, rows, sheet.Options{})
}

// ---- one certificate ----

type certShowData struct {
	C         xiangpei.Certificate
	Line      certLine
	MayRevoke bool
	Reason    string
	VerifyURL string
}

func (s *Server) certLoad(r *http.Request) (xiangpei.Certificate, error) {
	id, err := pathID(r, "cert")
	if err != nil {
		return xiangpei.Certificate{}, err
	}
	return s.db.Certificate(r.Context(), certScope(actorOf(r)), id)
}

func (s *Server) certShowPage(r *http.Request, reason string) *formPage {
	return &formPage{"certificate", func() (*Page, error) {
		c, err := s.certLoad(r)
		if err != nil {
			return nil, err
		}
		d := certShowData{C: c, Line: certLineOf(c, s.levelNames(r)), MayRevoke: certMayRevoke(actorOf(r), c), Reason: reason,
			VerifyURL: s.verifyURL(r, c.Number)}
		return s.page(r, s.msg.T(stateOf(r).lang, "cert.show_title", c.Number), d), nil
	}}
}

func (s *Server) certShow(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		c, err := s.certLoad(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := certJSON(c)
		m["may_revoke"] = certMayRevoke(actorOf(r), c)
		m["verify_url"] = s.verifyURL(r, c.Number)
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.show(w, r, s.certShowPage(r, ""))
}

type certRevokeForm struct {
	Reason  string `json:"reason"`
	Version int64  `json:"version"`
}

func (s *Server) certRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "cert")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The certificate is looked for first, so that one out of reach is NotFound whatever the form says.
	if _, err = s.db.Certificate(r.Context(), certRevokeScope(actorOf(r)), id); err != nil {
		s.fail(w, r, err)
		return
	}
	var f certRevokeForm
	if err = bind(r, &f); err == nil {
		_, err = xiangpei.CheckReason(f.Reason)
	}
	var c xiangpei.Certificate
	if err == nil {
		c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Certificate, error) {
			c, err := tx.RevokeCertificate(certRevokeScope(a), id, f.Version, f.Reason)
			if err != nil {
				return c, err
			}
			body := s.msg.T(i18n.Chinese, "cert.revoked_message", c.Number, c.OccupationName, c.RevokedReason)
			_, err = tx.NotifyPerson(c.PersonID, body)
			return c, err
		})
	}
	if err != nil {
		s.formError(w, r, err, s.certShowPage(r, f.Reason))
		return
	}
	s.seekerChanged(r.Context(), c.PersonID) // a revoked certificate leaves the matching profile
	answer(w, r, http.StatusOK, certJSON(c), certPath(c.ID), "cert_revoked")
}

// ---- the printable page and its QR code ----

// verifyURL is the absolute address of a number's verification page, which the QR code
// carries: the scheme is https behind TLS (or when cookies are marked Secure), the host is the
// request's.
func (s *Server) verifyURL(r *http.Request, number string) string {
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookie {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/verify/" + url.PathEscape(number)
}

func (s *Server) certQRImage(r *http.Request, number string) ([]byte, error) {
	img, err := qr.Encode(s.verifyURL(r, number), qr.M, qr.Auto)
	if err == nil {
		img, err = barcode.Scale(img, 300, 300)
	}
	var buf bytes.Buffer
	if err == nil {
		err = png.Encode(&buf, img)
	}
	return buf.Bytes(), err
}

func (s *Server) certQR(w http.ResponseWriter, r *http.Request) {
	c, err := s.certLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.certQRImage(r, c.Number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(b)
}

type certPrintData struct {
	C         xiangpei.Certificate
	Line      certLine
	TitleKey  string
	VerifyURL string
	QR        template.URL // the image's address, or a data: URL in the downloaded file
	CSS       template.CSS // the stylesheet, inlined in the downloaded file only
	Download  bool
}

// certPrint serves the A4 page, a standalone document outside the site's layout. With
// ?download=1 it is an attachment: one self-contained .html file (stylesheet and QR image
// inside) that the holder keeps, opens and prints anywhere.
func (s *Server) certPrint(w http.ResponseWriter, r *http.Request) {
	c, err := s.certLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := certPrintData{C: c, Line: certLineOf(c, s.levelNames(r)), TitleKey: "cert.kind_title." + string(c.Kind),
		VerifyURL: s.verifyURL(r, c.Number), QR: template.URL(certPath(c.ID) + "/qr.png"), Download: r.URL.Query().Get("download") == "1"}
	if d.Download {
		png, err := s.certQRImage(r, c.Number)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		css, err := fs.ReadFile(assets, "static/certificate.css")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.QR, d.CSS = template.URL("data:image/png;base64,"+base64.StdEncoding.EncodeToString(png)), template.CSS(css)
	}
	lang := stateOf(r).lang
	p := s.page(r, s.msg.T(lang, d.TitleKey)+" "+c.Number, d)
	t, ok := s.pages["certificate_print"]
	var buf bytes.Buffer
	if !ok {
		s.fail(w, r, errNoPrintTemplate)
		return
	}
	if err := t.ExecuteTemplate(&buf, "certprint", p); err != nil {
		s.log.ErrorContext(r.Context(), "render", "page", "certificate_print", "err", err.Error())
		s.fail(w, r, errNoPrintTemplate)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	if d.Download {
		w.Header().Set("Content-Disposition", sheet.Disposition("certificate-"+c.Number+".html",
			s.msg.T(lang, d.TitleKey)+"-"+c.Number+".html"))
	}
	_, _ = w.Write(buf.Bytes())
}

var errNoPrintTemplate = xiangpei.Errorf(xiangpei.Internal, "error.internal", "The certificate page could not be drawn.")

// ---- public verification ----

type verifyData struct {
	Number, Name string
	Asked        bool // a lookup was made
	ByLink       bool // the QR link: no name asked
	Verdict      *xiangpei.CertVerdict
	LevelName    string
	TitleKey     string
}

func verdictJSON(v xiangpei.CertVerdict, levelName string) map[string]any {
	m := map[string]any{"number": v.Number, "kind": v.Kind, "holder_name": v.MaskedName, "occupation_code": v.OccupationCode,
		"occupation_name": v.OccupationName, "level": v.Level, "level_name": levelName, "issuer_name": v.IssuerName,
		"issued_on": v.IssuedOn, "status": v.Status, "revoked_on": nil}
	if v.RevokedOn != "" {
		m["revoked_on"] = v.RevokedOn
	}
	return m
}

var (
	errVerifyNone = xiangpei.Errorf(xiangpei.NotFound, "cert.verify_none",
		"No certificate has this number and holder's name. Check both as printed on the certificate.")
	errVerifyNoNumber = xiangpei.Errorf(xiangpei.NotFound, "cert.verify_no_number", "No certificate has this number.")
	errVerifyName     = xiangpei.Errorf(xiangpei.Invalid, "cert.verify_name", "Type the holder's name as printed on the certificate.")
	errVerifyTooMany  = xiangpei.Errorf(xiangpei.RateLimited, "cert.verify_too_many",
		"Too many verifications from this address. Wait ten minutes and try again.")
)

// verify looks a number up for the public: byLink (the QR code) without a name, otherwise
// the name must be the holder's. Every lookup counts against the client's limit.
func (s *Server) verify(r *http.Request, number, name string, byLink bool) (xiangpei.CertVerdict, error) {
	if !byLink && strings.TrimSpace(name) == "" {
		return xiangpei.CertVerdict{}, errVerifyName
	}
	if !s.limits.allow("verify-ip:"+clientIP(r), certVerifyMax, certVerifyPeriod, s.now()) {
		return xiangpei.CertVerdict{}, errVerifyTooMany
	}
	n, err := xiangpei.ParseCertNumber(number)
	if err != nil {
		return xiangpei.CertVerdict{}, err
	}
	c, err := s.db.CertificateByNumber(r.Context(), n.String())
	switch {
	case xiangpei.IsKind(err, xiangpei.NotFound) && byLink:
		return xiangpei.CertVerdict{}, errVerifyNoNumber
	case xiangpei.IsKind(err, xiangpei.NotFound):
		return xiangpei.CertVerdict{}, errVerifyNone
	case err != nil:
		return xiangpei.CertVerdict{}, err
	case !byLink && !xiangpei.SameHolder(name, c.HolderName):
		return xiangpei.CertVerdict{}, errVerifyNone
	}
	return c.Verdict(), nil
}

func (s *Server) verifyAnswer(w http.ResponseWriter, r *http.Request, number, name string, byLink bool) {
	d := verifyData{Number: strings.TrimSpace(number), Name: strings.TrimSpace(name), Asked: true, ByLink: byLink}
	v, err := s.verify(r, number, name, byLink)
	st := stateOf(r)
	if err == nil {
		d.Verdict, d.TitleKey = &v, "cert.kind_title."+string(v.Kind)
		d.LevelName = orCode(s.levelNames(r), v.Level, v.Level)
		if st.api {
			writeJSON(w, http.StatusOK, map[string]any{"verdict": verdictJSON(v, d.LevelName)})
			return
		}
		s.render(w, r, http.StatusOK, "verify", s.page(r, s.msg.T(st.lang, "cert.verify_title"), d))
		return
	}
	if st.api || statusOf(err) >= 500 {
		s.fail(w, r, err)
		return
	}
	if byLink {
		d.Number = "" // the form below asks again; a malformed link is not echoed into it
		if _, perr := xiangpei.ParseCertNumber(number); perr == nil {
			d.Number = xiangpei.NormaliseCertNumber(number)
		}
	}
	p := s.page(r, s.msg.T(st.lang, "cert.verify_title"), d)
	p.Error = s.msg.Error(st.lang, err)
	s.render(w, r, statusOf(err), "verify", p)
}

// verifyForm is the public form; with ?number= it answers for the number and the name typed.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("number") && !q.Has("name") {
		if stateOf(r).api {
			s.fail(w, r, xiangpei.Errorf(xiangpei.Invalid, "cert.verify_ask", "Give the certificate number and the holder's name."))
			return
		}
		s.render(w, r, http.StatusOK, "verify", s.page(r, s.msg.T(stateOf(r).lang, "cert.verify_title"), verifyData{}))
		return
	}
	s.verifyAnswer(w, r, q.Get("number"), q.Get("name"), false)
}

// verifyNumber answers the QR link: the verdict for the number, without a name.
func (s *Server) verifyNumber(w http.ResponseWriter, r *http.Request) {
	s.verifyAnswer(w, r, r.PathValue("number"), "", true)
}
