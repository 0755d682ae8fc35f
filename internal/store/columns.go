package store

import (
	"encoding/json"
	"strings"
	"time"

	"xiangpei"
)

// Conversions between Go values and the text columns that hold days and lists, shared by every
// feature's store code.

// parseDay reads a China date column (YYYY-MM-DD); "" or a bad value is the zero time.
func parseDay(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, xiangpei.ChinaTime)
	if err != nil {
		return time.Time{}
	}
	return t
}

// jsonText is a list as its JSON column text; nil is [].
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// cleanList splits what a person typed into a list — by commas (also full-width), 、 or
// lines — trimmed, without empty parts.
func cleanList(in []string) []string {
	out := []string{}
	for _, x := range in {
		for _, part := range strings.FieldsFunc(x, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == '\n' }) {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// splitList reads a comma-separated list column; "" is the empty list.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
