// Package web serves the platform's pages and its JSON API. Handlers are thin: they read the
// form or the JSON body, call the domain and the store, and render; every route is registered
// with the rule that decides who may call it, and a route without one cannot be registered.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"xiangpei/internal/i18n"
	"xiangpei/internal/sms"
	"xiangpei/internal/store"
)

// Config is everything the web layer needs to know, passed as a value from main.
type Config struct {
	Logger       *slog.Logger
	SMS          sms.Sender
	SecureCookie bool  // set the Secure flag on cookies (behind TLS)
	MaxBody      int64 // largest request body accepted, in bytes
	MaxUpload    int64 // largest file upload (a multipart body) accepted, in bytes; the importers set their own limits below it
	// Now is the clock; tests move it to expire sessions and lift lock-outs.
	Now func() time.Time
}

// Server is the platform's HTTP handler.
type Server struct {
	db      *store.DB
	cfg     Config
	log     *slog.Logger
	msg     i18n.Catalogue
	pages   map[string]*template.Template
	mux     *http.ServeMux
	routes  []Route
	metrics *metrics
	limits  *limiter
	demo    demoState
	matches matchState // the matching index (matches.go)
}

type demoState struct {
	mu      sync.Mutex
	checked time.Time
	on      bool
}

// New builds the server: it parses every template and registers every route at once, so a
// broken template or a route without an access rule stops the start instead of a request.
func New(db *store.DB, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SMS == nil {
		cfg.SMS = sms.LogSender{Logger: cfg.Logger}
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 11 << 20 // a 10 MiB spreadsheet (sheet.DefaultLimits) and its multipart wrapping
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	msg, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	s := &Server{db: db, cfg: cfg, log: cfg.Logger, msg: msg, mux: http.NewServeMux(),
		metrics: newMetrics(prometheus.NewRegistry()), limits: newLimiter()}
	if s.pages, err = parseTemplates(); err != nil {
		return nil, err
	}
	s.registerRoutes()
	return s, nil
}

// ServeHTTP runs the middleware chain and then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r)
}

// now is the server's clock in UTC.
func (s *Server) now() time.Time { return s.cfg.Now().UTC() }

// Demo reports whether the database was seeded as a demo; the answer is cached for a few
// seconds so the banner costs no query per request.
func (s *Server) Demo(ctx context.Context) bool {
	s.demo.mu.Lock()
	defer s.demo.mu.Unlock()
	now := s.now()
	if now.Sub(s.demo.checked) < 5*time.Second && !now.Before(s.demo.checked) {
		return s.demo.on
	}
	v, err := s.db.Setting(ctx, store.SettingDemo, "")
	if err == nil {
		s.demo.on, s.demo.checked = v == "true", now
	}
	return s.demo.on
}
