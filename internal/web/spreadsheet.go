package web

import (
	"bytes"
	"io"
	"net/http"
	"xiangpei"

	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// Spreadsheets in and out. Every import checks its upload through dryRun and commits what
// commitKept reads back; every list page exports to Excel through download: the workbook is
// made in memory first, so a failure is an error page rather than half a file.

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

// uploadedFile reads the file of a multipart form field, at most max bytes; missing is the
// error a person sees when no file was chosen.
func uploadedFile(r *http.Request, field string, max int64, missing error) ([]byte, string, error) {
	f, h, err := r.FormFile(field)
	if err != nil {
		if err = tooLarge(err); xiangpei.IsKind(err, xiangpei.TooLarge) {
			return nil, "", err
		}
		return nil, "", missing
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, "", tooLarge(err)
	}
	if int64(len(data)) > max {
		return nil, "", sheet.ErrTooLarge
	}
	return data, h.Filename, nil
}

// dryRun is the dry run every import shares: the file of the form field "file" (at most
// maxBytes; missing when none was chosen) is parsed into lines, kept as an upload (keep names its
// purpose and owner) and checked by check — which records the check where the import keeps
// one — in one transaction. Nothing of the import itself is written; the commit names the
// returned upload, whose Name is the file's.
func dryRun[L, C any](s *Server, r *http.Request, maxBytes int64, missing error, parse func(data []byte, name string) ([]L, error),
	keep store.Upload, check func(tx *store.Tx, a xiangpei.Actor, u store.Upload, lines []L) (C, error)) (C, store.Upload, error) {
	var none C
	data, name, err := uploadedFile(r, "file", maxBytes, missing)
	if err != nil {
		return none, store.Upload{}, err
	}
	lines, err := parse(data, name)
	if err != nil {
		return none, store.Upload{}, err
	}
	type checked struct {
		c C
		u store.Upload
	}
	out, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (checked, error) {
		keep.Name, keep.Data = name, data
		u, err := tx.SaveUpload(keep)
		if err != nil {
			return checked{}, err
		}
		c, err := check(tx, a, u, lines)
		return checked{c, u}, err
	})
	return out.c, out.u, err
}

// exportAll reads a paged list page by page, up to exportLimit rows, for a download.
func exportAll[T any](fetch func(p store.Page) ([]T, int, error)) ([]T, error) {
	var all []T
	for off := 0; off < exportLimit; off += 500 {
		list, total, err := fetch(store.Page{Offset: off, Limit: 500})
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		if off+500 >= total {
			break
		}
	}
	return all, nil
}

// commitKept is the commit every import shares: in one transaction the upload its dry run kept
// (its purpose, and the class or plan it belongs to, 0 for none) is read and parsed again — the
// lines exactly as they were checked — and commit writes them.
func commitKept[L, R any](s *Server, r *http.Request, upload int64, purpose string, owner int64, parse func(data []byte, name string) ([]L, error),
	commit func(tx *store.Tx, a xiangpei.Actor, lines []L) (R, error)) (R, error) {
	return change(s, r, func(tx *store.Tx, a xiangpei.Actor) (R, error) {
		u, err := tx.Upload(upload, purpose, owner)
		if err != nil {
			var none R
			return none, err
		}
		lines, err := parse(u.Data, u.Name)
		if err != nil {
			var none R
			return none, err
		}
		return commit(tx, a, lines)
	})
}
