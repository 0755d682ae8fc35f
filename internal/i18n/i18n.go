// Package i18n holds the message catalogues: Simplified Chinese (the default) and English.
// Interface text and error messages are looked up here by key, never concatenated in code.
package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"strings"

	"xiangpei"
)

// Languages the interface speaks, the default first.
const (
	Chinese = "zh-CN"
	English = "en"
)

// Languages lists the supported languages.
var Languages = []string{Chinese, English}

//go:embed messages
var files embed.FS

// Catalogue maps a language to its messages by key.
type Catalogue map[string]map[string]string

// Load reads the embedded catalogues — one JSON file per area of the platform in
// messages/<lang>/ — and the domain's error messages. A key defined twice is an error.
func Load() (Catalogue, error) {
	c := Catalogue{}
	for _, lang := range Languages {
		m := map[string]string{}
		names, err := fs.Glob(files, "messages/"+lang+"/*.json")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				return nil, err
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("catalogue %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("catalogue %s: key %q defined twice", name, k)
				}
				m[k] = v
			}
		}
		for _, dm := range []map[string]map[string]string{xiangpei.DomainMessages, xiangpei.RegistryMessages} {
			maps.Copy(m, dm[lang])
		}
		c[lang] = m
	}
	return c, nil
}

// Lang picks a supported language from a cookie or Accept-Language value.
func Lang(v string) string {
	v = strings.ToLower(v)
	if strings.HasPrefix(v, "en") {
		return English
	}
	return Chinese
}

// T returns the message for key in lang, filled with args; a missing key shows itself, so it
// is found by the catalogue test rather than shown as an empty string.
func (c Catalogue) T(lang, key string, args ...any) string {
	m, ok := c[lang][key]
	if !ok {
		m, ok = c[Chinese][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 || !strings.Contains(m, "%") {
		return m // a message may leave out the values its English text names
	}
	return fmt.Sprintf(m, args...)
}

// Has reports whether key exists in every language.
func (c Catalogue) Has(key string) bool {
	for _, l := range Languages {
		if _, ok := c[l][key]; !ok {
			return false
		}
	}
	return true
}

// Error translates an error for a person: domain errors by their key and arguments, anything
// else as the generic internal-error message (the details go to the log, never to the page).
func (c Catalogue) Error(lang string, err error) string {
	var e *xiangpei.Error
	if !errors.As(err, &e) {
		return c.T(lang, "error.internal")
	}
	if _, ok := c[lang][e.Key]; !ok {
		if e.Text != "" && lang == English {
			return e.Text
		}
		if _, ok := c[Chinese][e.Key]; !ok {
			return e.Text
		}
	}
	return c.T(lang, e.Key, e.Args...)
}
