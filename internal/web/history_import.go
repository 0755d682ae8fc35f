package web

import (
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 历史数据迁入 — the history import through the browser and the API (docs/history-import.md):
// the system administrator uploads the CSV files of a previous system (or one zip of them),
// reads the dry run's report, and commits it; everything or nothing is written. The command
// line (xiangpei import history) does the same for sets too large for an upload.

func (s *Server) registerHistoryImportRoutes() {
	sys := Duty(xiangpei.DutySysAdmin)
	s.handle("GET /admin/history-import", sys, s.historyImportPage)
	s.handleBoth("POST /admin/history-import", "/api/v1/history-imports", sys, s.historyImportCheck)
	s.handleBoth("GET /admin/history-import/{upload}", "/api/v1/history-imports/{upload}", sys, s.historyImportShow)
	s.handleBoth("POST /admin/history-import/{upload}/commit", "/api/v1/history-imports/{upload}/commit", sys, s.historyImportCommit)
}

// historyShownProblems is how many bad rows the page lists; the API answers all of them.
const historyShownProblems = 1000

type historyLine struct {
	File   string
	Line   int
	Reason string
}

type historyPageData struct {
	Files   []xiangpei.HistoryFile
	Recent  []store.HistoryImport
	Import  *store.HistoryImport
	Lines   []historyLine
	Notes   []historyLine
	More    int
	MaxMiB  int64
	Creates int
}

func (s *Server) historyLines(r *http.Request, ps []store.HistoryProblem, limit int) ([]historyLine, int) {
	lang := stateOf(r).lang
	out := make([]historyLine, 0, min(len(ps), limit))
	for i, p := range ps {
		if i >= limit {
			return out, len(ps) - limit
		}
		out = append(out, historyLine{File: p.File, Line: p.Line, Reason: s.msg.Error(lang, p.Err())})
	}
	return out, 0
}

func (s *Server) historyView(r *http.Request, h *store.HistoryImport) (*Page, error) {
	d := historyPageData{Files: xiangpei.HistoryFiles, Import: h, MaxMiB: s.cfg.MaxUpload >> 20}
	if h == nil {
		recent, err := s.db.HistoryImports(r.Context(), 20)
		if err != nil {
			return nil, err
		}
		d.Recent = recent
	} else {
		d.Lines, d.More = s.historyLines(r, h.Report.Problems, historyShownProblems)
		d.Notes, _ = s.historyLines(r, h.Report.Notes, len(h.Report.Notes))
		for _, f := range h.Report.Files {
			d.Creates += f.Create
		}
	}
	key := "history.title"
	if h != nil {
		key = "history.report_title"
	}
	return s.page(r, s.msg.T(stateOf(r).lang, key), d), nil
}

func (s *Server) historyImportPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.historyView(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_history", p)
}

// historyFiles reads the uploaded files: CSV files of the set under any field, or zips of them.
func historyFiles(r *http.Request) (map[string][]byte, error) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		if err = tooLarge(err); xiangpei.IsKind(err, xiangpei.TooLarge) {
			return nil, err
		}
		return nil, xiangpei.Errorf(xiangpei.Invalid, "history.no_files", "Choose the CSV files of the set (or one zip of them) to upload.")
	}
	defer r.MultipartForm.RemoveAll()
	lim := store.DefaultHistoryLimits()
	files := map[string][]byte{}
	for _, hs := range r.MultipartForm.File {
		for _, fh := range hs {
			f, err := fh.Open()
			if err != nil {
				return nil, err
			}
			data, err := io.ReadAll(io.LimitReader(f, lim.MaxBytes+1))
			f.Close()
			if err != nil {
				return nil, tooLarge(err)
			}
			name := strings.ToLower(path.Base(strings.ReplaceAll(fh.Filename, `\`, "/")))
			if strings.HasSuffix(name, ".zip") {
				inner, err := store.UnpackHistory(data, lim)
				if err != nil {
					return nil, err
				}
				for k, v := range inner {
					files[k] = v
				}
				continue
			}
			files[name] = data
		}
	}
	if len(files) == 0 {
		return nil, xiangpei.Errorf(xiangpei.Invalid, "history.no_files", "Choose the CSV files of the set (or one zip of them) to upload.")
	}
	return files, nil
}

func historyJSON(h store.HistoryImport) map[string]any {
	r := h.Report
	var committed any
	if !h.CommittedAt.IsZero() {
		committed = h.CommittedAt.Format(time.RFC3339)
	}
	return map[string]any{"id": h.UploadID, "source": h.Source, "sha256": h.SHA256, "clean": r.Clean, "files": r.Files,
		"problems": nonNilSlice(r.Problems), "notes": nonNilSlice(r.Notes), "omitted": r.NotesOmitted,
		"checked_at": h.CheckedAt.Format(time.RFC3339), "committed_at": committed, "written": r.Written,
		"report": fmt.Sprintf("/api/v1/history-imports/%d", h.UploadID), "commit": fmt.Sprintf("/api/v1/history-imports/%d/commit", h.UploadID)}
}

func nonNilSlice[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// historyImportCheck is the dry run: the files are kept as one upload, every row is checked,
// and the report is kept; nothing else is written.
func (s *Server) historyImportCheck(w http.ResponseWriter, r *http.Request) {
	again := &formPage{"admin_history", func() (*Page, error) { return s.historyView(r, nil) }}
	files, err := historyFiles(r)
	var h store.HistoryImport
	if err == nil {
		h, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.HistoryImport, error) {
			return tx.CheckHistoryUpload(r.FormValue("source"), files)
		})
	}
	if err != nil {
		s.formError(w, r, err, again)
		return
	}
	answer(w, r, http.StatusCreated, historyJSON(h), fmt.Sprintf("/admin/history-import/%d", h.UploadID), "")
}

// historyOf reads the import the path names ({upload}).
func (s *Server) historyOf(r *http.Request) (store.HistoryImport, error) {
	id, err := pathID(r, "upload")
	if err != nil {
		return store.HistoryImport{}, err
	}
	return s.db.HistoryImportByID(r.Context(), id)
}

func (s *Server) historyImportShow(w http.ResponseWriter, r *http.Request) {
	h, err := s.historyOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, historyJSON(h))
		return
	}
	p, err := s.historyView(r, &h)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_history_report", p)
}

// historyImportCommit checks the kept files again and writes them in one transaction, or
// nothing; a file set commits once.
func (s *Server) historyImportCommit(w http.ResponseWriter, r *http.Request) {
	h, err := s.historyOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.HistoryReport, error) { return tx.CommitHistory(h.UploadID) })
	if err != nil {
		s.formError(w, r, err, &formPage{"admin_history_report", func() (*Page, error) { return s.historyView(r, &h) }})
		return
	}
	if h, err = s.db.HistoryImportByID(r.Context(), h.UploadID); err != nil {
		s.fail(w, r, err)
		return
	}
	answer(w, r, http.StatusOK, historyJSON(h), fmt.Sprintf("/admin/history-import/%d", h.UploadID), "history_committed")
}
