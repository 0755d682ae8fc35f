package web

import (
	"context"
	"net/http"
	"strconv"

	"xiangpei"
	"xiangpei/internal/store"
)

// How a page action answers. Every change a screen makes is also a JSON call on the same
// handler: success is JSON on the API and a redirect with a success message in the browser;
// failure is an error on the API and, in the browser, the form's own page shown again with the
// message and what the person typed. List pages share one pager.

// answer reports a successful change: v as JSON with status on the API, a redirect to `to`
// with the success message done.<done> in the browser (POST → redirect → GET).
func answer(w http.ResponseWriter, r *http.Request, status int, v any, to, done string) {
	if stateOf(r).api {
		writeJSON(w, status, v)
		return
	}
	redirect(w, r, to, done)
}

// formPage is the page a form sits on: its template and how to build it again, with what the
// person typed, after a failed submission. A nil build means there is no page to go back to.
type formPage struct {
	name  string
	build func() (*Page, error)
}

// formError reports a failed change. On the API, when there is no form page to go back to, or
// when the failure is not about the input (internal, unauthorised, too large), it is an error
// answer. Otherwise the form's page is built again and shown with the message and the error's
// status; if the page itself cannot be built, the original error is answered.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, err error, again *formPage) {
	switch xiangpei.ErrorKind(err) {
	case xiangpei.Internal, xiangpei.Unauthorized, xiangpei.TooLarge:
		again = nil
	}
	st := stateOf(r)
	if st.api || again == nil || again.build == nil {
		s.fail(w, r, err)
		return
	}
	p, perr := again.build()
	if perr != nil {
		s.fail(w, r, err)
		return
	}
	p.Error = s.msg.Error(st.lang, err)
	s.render(w, r, statusOf(err), again.name, p)
}

// change runs fn in one transaction on behalf of the request's actor and returns what fn made.
func change[T any](s *Server, r *http.Request, fn func(tx *store.Tx, a xiangpei.Actor) (T, error)) (T, error) {
	a := actorOf(r)
	return store.Do(r.Context(), s.db, a, func(tx *store.Tx) (T, error) { return fn(tx, a) })
}

// jsonList turns a slice into a JSON list that is [] rather than null when empty.
func jsonList[T any](in []T, f func(T) map[string]any) []map[string]any {
	out := make([]map[string]any, 0, len(in))
	for _, x := range in {
		out = append(out, f(x))
	}
	return out
}

// listAnswer answers the three forms of a paged list route from one fetch: with ?format=xlsx
// the Excel download of every page (export), for the API the JSON twin (the items under key,
// the total and the paging), and otherwise one page of the list and its pager for the HTML
// page, which the caller renders (ok).
func listAnswer[T any](s *Server, w http.ResponseWriter, r *http.Request, size int, key, title string,
	fetch func(store.Page) ([]T, int, error), toJSON func(T) map[string]any,
	export func(http.ResponseWriter, *http.Request, string, func(store.Page) ([]T, int, error))) (list []T, pages *pager, ok bool) {
	if wantsXLSX(r) {
		export(w, r, title, fetch)
		return nil, nil, false
	}
	n, pg := listPage(r, size)
	list, total, err := fetch(pg)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{key: jsonList(list, toJSON), "total": total, "page": n, "per_page": size})
		return nil, nil, false
	}
	return list, pagerOf(r, n, total, size), true
}

// pager is one page of a server-paged list, in the shape the "pager" template part reads.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string
}

// listPage reads ?page= into the page number and the store's page of size rows.
func listPage(r *http.Request, size int) (int, store.Page) {
	n := pageNumber(r)
	return n, store.Page{Offset: (n - 1) * size, Limit: size}
}

// pagerOf builds the pager of page n of a list of total rows, size to a page; its links keep
// the list's filters.
func pagerOf(r *http.Request, n, total, size int) *pager {
	pages := max(1, (total+size-1)/size)
	p := &pager{Page: n, Pages: pages, Total: total}
	link := func(n int) string {
		q := r.URL.Query()
		q.Del("done")
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if n > 1 {
		p.Prev = link(min(n-1, pages))
	}
	if n < pages {
		p.Next = link(n + 1)
	}
	return p
}

// show renders a page built by its builder, or the builder's error.
func (s *Server) show(w http.ResponseWriter, r *http.Request, pg *formPage) {
	p, err := pg.build()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pg.name, p)
}

// answerList answers the JSON list that list reads, under name.
func answerList[T any](s *Server, w http.ResponseWriter, r *http.Request, name string,
	list func(context.Context) ([]T, error), toJSON func(T) map[string]any) {
	items, err := list(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{name: jsonList(items, toJSON)})
}
