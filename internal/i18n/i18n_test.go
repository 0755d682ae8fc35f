package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for k := range c[Chinese] {
		if _, ok := c[English][k]; !ok {
			t.Errorf("key %q has no English text", k)
		}
	}
	for k := range c[English] {
		if _, ok := c[Chinese][k]; !ok {
			t.Errorf("key %q has no Chinese text", k)
		}
	}
}

var (
	templateKey = regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	errorKey    = regexp.MustCompile(`Errorf\(xiangpei\.[A-Za-z]+, "([a-z0-9_.]+)"|Errorf\([A-Za-z]+, "([a-z0-9_.]+)"`)
)

// TestEveryKeyInUseExists reads the templates and the Go sources and fails on a message key
// that no catalogue defines, so no page or error ever shows a bare key.
func TestEveryKeyInUseExists(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "screenshots") {
			return filepath.SkipDir
		}
		isTmpl := strings.HasSuffix(path, ".html")
		isGo := strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go")
		if !isTmpl && !isGo {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		re := errorKey
		if isTmpl {
			re = templateKey
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			key := m[1]
			if key == "" && len(m) > 2 {
				key = m[2]
			}
			if key != "" && !c.Has(key) {
				t.Errorf("%s uses message key %q, which no catalogue defines", path, key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
