// Package xiangpei is the domain of the platform: identifiers, roles and duties, persons,
// organisations and the rules that decide what may happen to them. It imports only the
// standard library, so every rule here can be table-tested without a database.
package xiangpei

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that the web layer can choose a status code and a message.
type Kind string

// The kinds of error the platform distinguishes.
const (
	Invalid      Kind = "invalid"      // the input breaks a rule; the message says which
	NotFound     Kind = "not_found"    // no such object, or not in the caller's scope
	Conflict     Kind = "conflict"     // duplicate, stale version, or a state that forbids the action
	Forbidden    Kind = "forbidden"    // signed in, but this duty or role may not do it
	Unauthorized Kind = "unauthorized" // not signed in, or the credentials are wrong
	TooLarge     Kind = "too_large"    // the request body or upload is over its limit
	RateLimited  Kind = "rate_limited" // too many attempts; try again later
	Internal     Kind = "internal"     // a fault of the platform, never shown in detail
)

// Error is a domain error: a kind, a message key in the message catalogue, the values the
// message is filled with, and an English fallback text for logs and tests.
type Error struct {
	Kind Kind
	Key  string // message catalogue key, e.g. "id.check_digit"
	Args []any  // values for the placeholders of the message
	Text string // English text, used when no catalogue is at hand
}

func (e *Error) Error() string {
	if e.Text != "" {
		return e.Text
	}
	return e.Key
}

// Errorf builds an Error of a kind with a catalogue key; text is the English fallback,
// formatted with args like fmt.Sprintf, and args are kept for the translated message.
func Errorf(kind Kind, key, text string, args ...any) *Error {
	return &Error{Kind: kind, Key: key, Args: args, Text: fmt.Sprintf(text, args...)}
}

// ErrorKind returns the kind of err, Internal for errors that are not domain errors.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// IsKind reports whether err is a domain error of kind k.
func IsKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}
