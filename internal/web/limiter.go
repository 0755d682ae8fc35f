package web

import (
	"sync"
	"time"
)

// limiter counts attempts per key in fixed windows, for sign-in, SMS, certificate
// verification and objection rate limits. It is per process, which is what one server needs.
type limiter struct {
	mu      sync.Mutex
	windows map[string]*window
	sweep   time.Time
}

type window struct {
	start time.Time
	n     int
}

func newLimiter() *limiter { return &limiter{windows: map[string]*window{}} }

// allow counts one attempt for key and reports whether it is within max per period.
func (l *limiter) allow(key string, max int, period time.Duration, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute {
		for k, w := range l.windows {
			if now.Sub(w.start) > time.Hour {
				delete(l.windows, k)
			}
		}
		l.sweep = now
	}
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= period {
		w = &window{start: now}
		l.windows[key] = w
	}
	w.n++
	return w.n <= max
}
