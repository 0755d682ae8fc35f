package store_test

import (
	"archive/zip"
	"bytes"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// TestPackHistory: the same files pack to the same bytes, whatever order they come in, and
// unpack to the same files.
func TestPackHistory(t *testing.T) {
	a := map[string][]byte{"persons.csv": []byte("ext_id\nP1\n"), "subsidies.csv": []byte("ext_id\nS1\n")}
	z1, err := store.PackHistory(a)
	if err != nil {
		t.Fatal(err)
	}
	z2, _ := store.PackHistory(map[string][]byte{"subsidies.csv": []byte("ext_id\nS1\n"), "persons.csv": []byte("ext_id\nP1\n")})
	if store.HistorySHA(z1) != store.HistorySHA(z2) {
		t.Fatal("the same files packed to different bytes")
	}
	back, err := store.UnpackHistory(z1, store.DefaultHistoryLimits())
	if err != nil || len(back) != 2 || string(back["persons.csv"]) != "ext_id\nP1\n" {
		t.Fatalf("unpack: %v %v", err, back)
	}
	// a bomb: a megabyte of zeros in a zip of a few KiB, refused under a ratio of 200
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("attendance.csv")
	_, _ = w.Write(make([]byte, 1<<20))
	_ = zw.Close()
	if _, err := store.UnpackHistory(bomb.Bytes(), store.DefaultHistoryLimits()); !xiangpei.IsKind(err, xiangpei.TooLarge) {
		t.Errorf("zip bomb: %v", err)
	}
	if _, err := store.UnpackHistory([]byte("not a zip"), store.DefaultHistoryLimits()); !xiangpei.IsKind(err, xiangpei.Invalid) {
		t.Errorf("not a zip: %v", err)
	}
}

// FuzzUnpackHistory: any bytes as an uploaded zip give files within the limits or an error
// a person can read, never a panic.
func FuzzUnpackHistory(f *testing.F) {
	z, _ := store.PackHistory(map[string][]byte{"persons.csv": []byte("ext_id,id_number\nP1,1\n")})
	f.Add(z)
	f.Add([]byte("PK\x03\x04"))
	lim := store.HistoryLimits{MaxBytes: 1 << 20, MaxUnzipped: 4 << 20, MaxRatio: 200, MaxRows: 1000}
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := store.UnpackHistory(data, lim)
		if err != nil {
			if xiangpei.ErrorKind(err) == xiangpei.Internal {
				t.Fatalf("an unreadable zip gave an internal error: %v", err)
			}
			return
		}
		var total int64
		for _, b := range files {
			total += int64(len(b))
		}
		if total > lim.MaxUnzipped {
			t.Fatalf("unpacked %d bytes over the limit", total)
		}
	})
}
