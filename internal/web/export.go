package web

import (
	"bytes"
	"net/http"

	"xiangpei/internal/sheet"
)

// Every list page exports to Excel through download: the workbook is made in memory first,
// so a failure is an error page rather than half a file.

// exportLimit is the most rows one Excel download holds.
const exportLimit = 20000

// wantsXLSX reports whether a list page is asked for its Excel download (?format=xlsx).
func wantsXLSX(r *http.Request) bool { return r.URL.Query().Get("format") == "xlsx" }

// exportLink is the current list's address with format=xlsx, its filters kept.
func exportLink(r *http.Request) string {
	q := r.URL.Query()
	q.Del("page")
	q.Del("done")
	q.Set("format", "xlsx")
	return r.URL.Path + "?" + q.Encode()
}

// download sends one sheet as an .xlsx file named ascii (for old browsers) and name (UTF-8).
func (s *Server) download(w http.ResponseWriter, r *http.Request, ascii, name, sheetName string, header []string, rows [][]any, opt sheet.Options) {
	var buf bytes.Buffer
	if err := sheet.WriteWith(&buf, sheetName, header, rows, opt); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", sheet.ContentType)
	w.Header().Set("Content-Disposition", sheet.Disposition(ascii, name))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
