package xiangpei

import (
	"crypto/rand"
	"encoding/binary"
	"sync/atomic"
	"time"
)

var idSeq atomic.Uint32

// NewID returns a new application-generated identifier: milliseconds since 2024 in the high
// bits, then a per-process sequence and random bits, so ids sort by creation time and two
// servers (or a distributed engine's nodes) never need to ask the database for one.
func NewID() int64 {
	ms := time.Now().UnixMilli() - 1704067200000 // 2024-01-01 UTC
	var b [2]byte
	_, _ = rand.Read(b[:])
	seq := idSeq.Add(1) & 0x3ff                          // 10 bits
	rnd := int64(binary.BigEndian.Uint16(b[:])) & 0x1fff // 13 bits
	return ms<<23 | int64(seq)<<13 | rnd
}

// StaleVersion is the error for a save made on a version someone else has already changed.
func StaleVersion() *Error {
	return Errorf(Conflict, "version.stale", "Someone else changed this record while you were editing it. Reload the page to see their change, then make yours again.")
}

// ErrNotFound is the error for an object that does not exist or lies outside the caller's scope.
func ErrNotFound(what string) *Error {
	return Errorf(NotFound, "not_found", "%v not found.", what)
}
