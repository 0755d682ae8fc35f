package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/store/storetest"
)

// historyFixture reads the store's fixture file set.
func historyFixture(t *testing.T) map[string][]byte {
	t.Helper()
	dir := filepath.Join("..", "store", "testdata", "history")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// historyForm is a multipart form with every file under the "files" field and text fields.
func historyForm(t *testing.T, files map[string][]byte, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create("export/" + name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(data)
	}
	_ = zw.Close()
	return buf.Bytes()
}

func (e *env) postHistory(token string, files map[string][]byte, fields map[string]string) (int, map[string]any) {
	e.t.Helper()
	body, ctype := historyForm(e.t, files, fields)
	code, b, _ := e.requestWith(token, http.MethodPost, "/api/v1/history-imports", body.Bytes(), http.Header{"Content-Type": {ctype}})
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // ids are 63-bit
	_ = dec.Decode(&out)
	if out == nil {
		out = map[string]any{"raw": string(b)}
	}
	return code, out
}

// TestHistoryImportAPIAndPage: the API takes the CSV files in a real multipart upload, answers
// the dry run's report with an id, reads it back and commits it once; another role is
// refused; a zip bomb is refused; the admin page uploads a broken zip and shows its bad rows
// with no commit button.
func TestHistoryImportAPIAndPage(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			sys := e.account(xiangpei.AccountInput{Login: "hist.sys", DisplayName: "系统管理员", Role: xiangpei.RoleAdmin,
				Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}, testPassword)
			inst := e.account(xiangpei.AccountInput{Login: "hist.inst", DisplayName: "机构", Role: xiangpei.RoleInstitution, OrgID: e.org(t)}, testPassword)
			tok := e.token(sys.ID)
			files := historyFixture(t)

			if code, _ := e.postHistory(e.token(inst.ID), files, nil); code != http.StatusForbidden {
				t.Errorf("an institution's upload: %d", code)
			}
			code, rep := e.postHistory(tok, files, map[string]string{"source": "hn2019"})
			if code != http.StatusCreated || rep["clean"] != true {
				t.Fatalf("dry run: %d %v", code, rep)
			}
			id := fmt.Sprint(rep["id"])
			code, b, _ := e.request(tok, http.MethodGet, "/api/v1/history-imports/"+id, nil)
			if code != http.StatusOK || !strings.Contains(string(b), `"file":"attendance.csv","read":252,"create":252`) {
				t.Fatalf("report: %d %s", code, b)
			}
			code, b, _ = e.request(tok, http.MethodPost, "/api/v1/history-imports/"+id+"/commit", nil)
			if code != http.StatusOK || !strings.Contains(string(b), `"attendance_events":252`) || !strings.Contains(string(b), `"committed_at":"`) {
				t.Fatalf("commit: %d %s", code, b)
			}
			if code, b, _ = e.request(tok, http.MethodPost, "/api/v1/history-imports/"+id+"/commit", nil); code != http.StatusConflict {
				t.Errorf("second commit: %d %s", code, b)
			}

			// a zip bomb: 20 MiB of zeros in a few KiB
			var bomb bytes.Buffer
			zw := zip.NewWriter(&bomb)
			w, _ := zw.Create("persons.csv")
			_, _ = w.Write(make([]byte, 20<<20))
			_ = zw.Close()
			if code, out := e.postHistory(tok, map[string][]byte{"set.zip": bomb.Bytes()}, nil); code != http.StatusRequestEntityTooLarge {
				t.Errorf("zip bomb: %d %v", code, out)
			}

			// the page: a broken zip shows its bad rows, and offers no commit
			broken := historyFixture(t)
			broken["subsidies.csv"] = []byte(strings.Replace(string(broken["subsidies.csv"]), "1500.50", "1500.505", 1))
			br := e.browser()
			br.signIn(sys, testPassword)
			if code, body, _ := br.get("/admin/history-import"); code != http.StatusOK || !strings.Contains(body, `enctype="multipart/form-data"`) ||
				!strings.Contains(body, "hn2019") {
				t.Fatalf("import page: %d", code)
			}
			body, ctype := historyForm(t, map[string][]byte{"set.zip": zipOf(t, broken)}, map[string]string{"csrf": br.csrf, "source": "hn2020"})
			req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/admin/history-import", body)
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Origin", e.ts.URL)
			code, _, h := br.do(req)
			if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/admin/history-import/") {
				t.Fatalf("page upload: %d %s", code, h.Get("Location"))
			}
			code, page, _ := br.get(h.Get("Location"))
			if code != http.StatusOK || !strings.Contains(page, "subsidies.csv") || !strings.Contains(page, "金额须以元为单位") ||
				strings.Contains(page, "/commit") {
				t.Fatalf("report page: %d %s", code, page)
			}
		})
	}
}
