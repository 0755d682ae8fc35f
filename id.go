package xiangpei

import (
	"crypto/rand"
	"encoding/binary"
	"sync/atomic"
	"time"
)

var lastID atomic.Int64

// NewID returns a new application-generated identifier: milliseconds since 2024 in the high
// bits and random bits below, so ids sort by creation time and servers (or a distributed
// engine's nodes) never ask the database for one. Within a process ids strictly increase, so
// a burst of inserts in one millisecond never repeats an id.
func NewID() int64 {
	ms := time.Now().UnixMilli() - 1704067200000 // 2024-01-01 UTC
	var b [2]byte
	_, _ = rand.Read(b[:])
	candidate := ms<<22 | int64(binary.BigEndian.Uint16(b[:]))<<6
	for {
		last := lastID.Load()
		next := candidate
		if next <= last {
			next = last + 1
		}
		if lastID.CompareAndSwap(last, next) {
			return next
		}
	}
}

// StaleVersion is the error for a save made on a version someone else has already changed.
func StaleVersion() *Error {
	return Errorf(Conflict, "version.stale", "Someone else changed this record while you were editing it. Reload the page to see their change, then make yours again.")
}

// ErrNotFound is the error for an object that does not exist or lies outside the caller's scope.
func ErrNotFound(what string) *Error {
	return Errorf(NotFound, "not_found", "%v not found.", what)
}
