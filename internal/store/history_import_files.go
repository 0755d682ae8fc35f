package store

import (
	"archive/zip"
	"bytes"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"xiangpei"
)

// The files of a history import travel as one zip (the upload kept between dry run and commit):
// PackHistory builds it the same way from the same files every time, so its sha256 names the
// file set, and UnpackHistory reads one back — an uploaded zip too — with limits against zip bombs.

// HistoryLimits bound a history file set: a province's past is large, but not unbounded.
type HistoryLimits struct {
	MaxBytes    int64 // the zip, or the files together, as uploaded
	MaxUnzipped int64 // all files once unzipped
	MaxRatio    int64 // largest unzipped/zipped ratio of one file
	MaxRows     int   // data rows of one file
}

// DefaultHistoryLimits: 512 MiB in, 2 GiB unzipped, a ratio of at most 200 (CSV compresses
// well, but not a thousandfold), 10 million rows a file.
func DefaultHistoryLimits() HistoryLimits {
	return HistoryLimits{MaxBytes: 512 << 20, MaxUnzipped: 2 << 30, MaxRatio: 200, MaxRows: 10_000_000}
}

var errHistoryZip = xiangpei.Errorf(xiangpei.Invalid, "history.zip", "The zip file cannot be read. Put the CSV files of the set in a zip again, or upload them one by one.")

func errHistoryBomb() error {
	return xiangpei.Errorf(xiangpei.TooLarge, "history.zip_bomb", "The zip unpacks to far more data than its size suggests, so it was refused.")
}

// PackHistory puts the files of a set into one zip, in name order with a fixed time, so that
// the same files always give the same bytes.
func PackHistory(files map[string][]byte) ([]byte, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(files[n]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnpackHistory reads the files of a zip (folders inside are ignored, file names are taken
// without them), refusing one that unpacks to more than the limits allow.
func UnpackHistory(data []byte, lim HistoryLimits) (map[string][]byte, error) {
	if int64(len(data)) > lim.MaxBytes {
		return nil, xiangpei.Errorf(xiangpei.TooLarge, "history.too_large", "The files are too large: at most %v MiB in one import.", lim.MaxBytes>>20)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errHistoryZip
	}
	out := map[string][]byte{}
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || strings.HasPrefix(path.Base(f.Name), ".") || strings.HasPrefix(f.Name, "__MACOSX/") {
			continue
		}
		// the declared sizes are checked first, then the real ones while reading
		if f.UncompressedSize64 > uint64(lim.MaxUnzipped) || (f.CompressedSize64 > 0 && int64(f.UncompressedSize64/f.CompressedSize64) > lim.MaxRatio) {
			return nil, errHistoryBomb()
		}
		rc, err := f.Open()
		if err != nil {
			return nil, errHistoryZip
		}
		limit := min(lim.MaxUnzipped-total, max(int64(f.CompressedSize64), 1)*lim.MaxRatio)
		b, err := io.ReadAll(io.LimitReader(rc, limit+1))
		rc.Close()
		if err != nil {
			return nil, errHistoryZip
		}
		if int64(len(b)) > limit {
			return nil, errHistoryBomb()
		}
		total += int64(len(b))
		out[strings.ToLower(path.Base(f.Name))] = b
	}
	if len(out) == 0 {
		return nil, errHistoryEmpty()
	}
	return out, nil
}

func errHistoryEmpty() error {
	return xiangpei.Errorf(xiangpei.Invalid, "history.empty", "No file of the set was given: upload the CSV files (organisations.csv, persons.csv, …) or one zip of them.")
}
