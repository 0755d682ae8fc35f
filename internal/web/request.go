package web

import (
	"context"
	"net/http"
	"strings"

	"xiangpei"
	"xiangpei/internal/store"
)

type ctxKey struct{}

// state is what the middleware learns about a request before its handler runs.
type state struct {
	actor     *xiangpei.Actor
	account   *xiangpei.Account
	session   *store.Session
	sessionID string // the browser's secret; only its digest is stored
	csrf      string // the token forms must carry
	lang      string
	api       bool // under /api/v1: JSON in and out
	bearer    bool // authenticated by an API token rather than a session
	expired   bool // a session cookie was presented but the session had expired
	pattern   string
	noReplay  bool // the response carries a one-time secret: an idempotent retry must not show it again
}

func withState(r *http.Request, st *state) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), ctxKey{}, st))
}

func stateOf(r *http.Request) *state {
	if st, ok := r.Context().Value(ctxKey{}).(*state); ok {
		return st
	}
	return &state{lang: "zh-CN"}
}

// actorOf returns who is acting; handlers behind a non-public rule always have one.
func actorOf(r *http.Request) xiangpei.Actor {
	if a := stateOf(r).actor; a != nil {
		return *a
	}
	return xiangpei.Actor{Name: "public"}
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// loadChild reads the object a route names first (with load, which applies the caller's
// scope) and the id of the object it names inside it (the path parameter child), and binds the
// request's form or JSON into form when form is not nil. It is the prologue of every handler
// that acts on one row of a larger object: an entry of a competition, a candidate of a plan.
func loadChild[P any](r *http.Request, load func(*http.Request) (P, error), child string, form any) (P, int64, error) {
	p, err := load(r)
	if err != nil {
		return p, 0, err
	}
	id, err := pathID(r, child)
	if err == nil && form != nil {
		err = bind(r, form)
	}
	return p, id, err
}

// pathObject reads the object a route names by the path parameter param, through get within the
// scope sc: the prologue of every handler that acts on one object it must first find in reach.
func pathObject[T any](r *http.Request, param string, sc xiangpei.Scope, get func(context.Context, xiangpei.Scope, int64) (T, error)) (T, int64, error) {
	var zero T
	id, err := pathID(r, param)
	if err != nil {
		return zero, 0, err
	}
	v, err := get(r.Context(), sc, id)
	return v, id, err
}

// showObject answers a route that shows one object: the API twin gets the object the path
// parameter param names, within the actor's scope, as toJSON makes it; a browser gets the page.
func showObject[T any](s *Server, w http.ResponseWriter, r *http.Request, param string,
	get func(context.Context, xiangpei.Scope, int64) (T, error), toJSON func(T) map[string]any, page *formPage) {
	if !stateOf(r).api {
		s.show(w, r, page)
		return
	}
	v, _, err := pathObject(r, param, actorOf(r).Scope(), get)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toJSON(v))
}
