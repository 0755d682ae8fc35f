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
