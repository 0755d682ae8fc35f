package web

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/i18n"
)

//go:embed templates static
var assets embed.FS

// Page is what every template receives: the signed-in actor, the language, the CSRF token,
// the demo flag, a message, and the page's own data.
type Page struct {
	Lang      string
	Title     string
	Actor     *xiangpei.Actor
	Account   *xiangpei.Account
	CSRF      string
	Demo      bool
	LargeText bool
	Path      string
	Query     url.Values
	Pending   bool   // signed in, but the second factor or a password change is still due: no menu yet
	Done      string // catalogue key of a success message, from ?done=
	Error     string // a translated error message for the form on this page
	Data      any
	msg       i18n.Catalogue
}

// T translates a catalogue key for the page's language.
func (p *Page) T(key string, args ...any) string { return p.msg.T(p.Lang, key, args...) }

// Has reports whether the actor holds a duty, for showing menu entries.
func (p *Page) Has(d string) bool { return p.Actor != nil && p.Actor.Can(xiangpei.Duty(d)) }

// Is reports whether the actor has the role.
func (p *Page) Is(role string) bool { return p.Actor != nil && string(p.Actor.Role) == role }

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(xiangpei.ChinaTime).Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")
	},
	"add":   func(a, b int) int { return a + b },
	"join":  strings.Join,
	"score": xiangpei.FormatScore, // a score kept in tenths of a point
}

// parseTemplates parses every page with the layout at start-up; an error stops the start.
func parseTemplates() (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/parts/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(assets, n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// PageNames lists the parsed pages, for the test that renders every page.
func (s *Server) PageNames() []string {
	var out []string
	for n := range s.pages {
		out = append(out, n)
	}
	return out
}

func (s *Server) page(r *http.Request, title string, data any) *Page {
	st := stateOf(r)
	p := &Page{Lang: st.lang, Title: title, Actor: st.actor, Account: st.account, CSRF: st.csrf,
		Demo: s.Demo(r.Context()), Path: r.URL.Path, Query: r.URL.Query(), Data: data, msg: s.msg}
	if st.account != nil && !st.bearer {
		p.Pending = s.pendingStep(st) != ""
	}
	if c, err := r.Cookie(textCookie); err == nil && c.Value == "large" {
		p.LargeText = true
	}
	if d := r.URL.Query().Get("done"); d != "" && s.msg.Has("done."+d) {
		p.Done = "done." + d
	}
	return p
}

// render writes a page with the given status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, ok := s.pages[name]
	if !ok {
		s.fail(w, r, fmt.Errorf("no template %q", name))
		return
	}
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.ErrorContext(r.Context(), "render", "page", name, "err", err.Error())
		s.fail(w, r, errors.New("render failed"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(buf.String()))
}

// statusOf maps an error's kind to its HTTP status.
func statusOf(err error) int {
	switch xiangpei.ErrorKind(err) {
	case xiangpei.Invalid:
		return http.StatusUnprocessableEntity
	case xiangpei.NotFound:
		return http.StatusNotFound
	case xiangpei.Conflict:
		return http.StatusConflict
	case xiangpei.Forbidden:
		return http.StatusForbidden
	case xiangpei.Unauthorized:
		return http.StatusUnauthorized
	case xiangpei.TooLarge:
		return http.StatusRequestEntityTooLarge
	case xiangpei.RateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// fail reports an error as JSON on the API and as a page in the browser. Internal errors are
// logged with their details and shown only as "internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = tooLarge(err)
	st := stateOf(r)
	status := statusOf(err)
	kind := xiangpei.ErrorKind(err)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "internal error", "route", st.pattern, "err", err.Error())
	}
	message := s.msg.Error(st.lang, err)
	if st.api || strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, status, map[string]any{"error": map[string]string{"kind": string(kind), "message": message}})
		return
	}
	p := s.page(r, s.msg.T(st.lang, "error.title"), nil)
	p.Error = message
	s.render(w, r, status, "error", p)
}

// errTooLarge is the error people see for a request body over the limit.
var errTooLarge = xiangpei.Errorf(xiangpei.TooLarge, "error.too_large", "The request is too large.")

// tooLarge turns a body that passed the size limit into errTooLarge.
func tooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	return err
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// redirect sends the browser to a page after a successful POST (POST → redirect → GET), with a
// success message key.
func redirect(w http.ResponseWriter, r *http.Request, to, done string) {
	if done != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "done=" + url.QueryEscape(done)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// bind reads a request into dst, a pointer to a struct whose fields carry json tags: from a
// JSON body on the API, from form values in the browser. Form values are matched by the same
// names; string, bool, int, int64 and float64 fields and []string are supported.
func bind(r *http.Request, dst any) error {
	bad := xiangpei.Errorf(xiangpei.Invalid, "error.bad_request", "The request could not be read.")
	if isAPI(r) || strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst); err != nil {
			if err = tooLarge(err); xiangpei.IsKind(err, xiangpei.TooLarge) {
				return err
			}
			return bad
		}
		return nil
	}
	if err := r.ParseForm(); err != nil {
		if err = tooLarge(err); xiangpei.IsKind(err, xiangpei.TooLarge) {
			return err
		}
		return bad
	}
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		vals, ok := r.Form[name]
		if !ok {
			continue
		}
		fv := v.Field(i)
		raw := strings.TrimSpace(vals[0])
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(raw)
		case reflect.Bool:
			fv.SetBool(raw == "on" || raw == "true" || raw == "1")
		case reflect.Int, reflect.Int64:
			if raw == "" {
				continue
			}
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				return xiangpei.Errorf(xiangpei.Invalid, "error.number", "%v must be a whole number.", name)
			}
			fv.SetInt(n)
		case reflect.Float64:
			if raw == "" {
				continue
			}
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return xiangpei.Errorf(xiangpei.Invalid, "error.number", "%v must be a number.", name)
			}
			fv.SetFloat(n)
		case reflect.Slice:
			if fv.Type().Elem().Kind() == reflect.String {
				fv.Set(reflect.ValueOf(append([]string(nil), vals...)))
			}
		}
	}
	return nil
}

// pathID reads a numeric path parameter; a malformed one is a 404 like a missing object.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, xiangpei.ErrNotFound(name)
	}
	return id, nil
}

// pageOf reads ?page= into a store page of size n.
func pageNumber(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if n < 1 {
		n = 1
	}
	return n
}
