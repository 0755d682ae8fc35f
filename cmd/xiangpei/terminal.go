package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"xiangpei"
)

// terminalUsage is the help of `xiangpei terminal`.
const terminalUsage = `usage: xiangpei terminal simulate --server URL --terminal ID --session ID --ids FILE [flags]

plays a registered attendance terminal against a running server: one signed push per
check-in (and check-out), as a face terminal at the venue would send them.

  --server URL           the platform, e.g. http://localhost:8080
  --terminal ID          the terminal's id (shown when it was registered at /terminals)
  --secret S             its secret (or the environment variable XIANGPEI_TERMINAL_SECRET)
  --session ID           the session the trainees check in to
  --ids FILE             the trainees' ID numbers, one a line (blank lines and # comments skipped)
  --ids-from-roster      not available: reading a roster needs an account's token, not a terminal's key
  --at TIME              the first check-in's time (RFC 3339); default now
  --gap SECONDS          seconds between one person's check-in and the next (default 3)
  --checkout-after MIN   also check each person out this many minutes after their check-in (0: no check-out)
  --replay               send the last request again, same nonce, to show that a replay is refused

Without --at the events play at the pace of a queue, starting now; with --at they are sent at once,
as a terminal uploads a day it kept while offline. The summary counts what the server answered; it never prints an ID number.
`

// simEvent is one event the simulator sends.
type simEvent struct {
	EventID   string  `json:"event_id"`
	SessionID string  `json:"session_id"`
	IDNumber  string  `json:"id_number"`
	Kind      string  `json:"kind"`
	At        string  `json:"at"`
	Lat       float64 `json:"lat,omitempty"`
	Lng       float64 `json:"lng,omitempty"`
	at        time.Time
}

// simRequest is a signed push, kept so that --replay can send it again byte for byte.
type simRequest struct {
	body                        []byte
	timestamp, nonce, signature string
}

// simSummary counts the answers.
type simSummary struct {
	pushes, accepted, duplicates, refused int
	reasons                               map[string]int
	failed                                map[string]int // whole requests refused, by status and key
}

// terminal runs `xiangpei terminal <subcommand>`.
func terminal(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "simulate" {
		fmt.Fprint(stderr, terminalUsage)
		return errors.New("terminal: the only subcommand is simulate")
	}
	fs := flag.NewFlagSet("terminal simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, terminalUsage) }
	server := fs.String("server", envOr(getenv, "XIANGPEI_SERVER", "http://localhost:8080"), "")
	termID := fs.Int64("terminal", 0, "")
	secret := fs.String("secret", getenv("XIANGPEI_TERMINAL_SECRET"), "")
	session := fs.Int64("session", 0, "")
	idsFile := fs.String("ids", "", "")
	fromRoster := fs.Bool("ids-from-roster", false, "")
	atFlag := fs.String("at", "", "")
	gap := fs.Float64("gap", 3, "")
	checkout := fs.Float64("checkout-after", 0, "")
	replay := fs.Bool("replay", false, "")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch {
	case *fromRoster:
		return errors.New("terminal simulate: --ids-from-roster is not available, since a terminal's key cannot read a roster; give --ids FILE")
	case *termID <= 0 || *session <= 0:
		return errors.New("terminal simulate: --terminal and --session are required")
	case *secret == "":
		return errors.New("terminal simulate: give the terminal's secret with --secret or XIANGPEI_TERMINAL_SECRET")
	case *idsFile == "":
		return errors.New("terminal simulate: --ids FILE is required")
	case *gap < 0 || *checkout < 0:
		return errors.New("terminal simulate: --gap and --checkout-after cannot be negative")
	}
	ids, err := readIDs(*idsFile)
	if err != nil {
		return err
	}
	now := time.Now // a terminal keeps the platform's time; a journey's server may run on its own clock
	if c := clockOf(ctx); c != nil {
		now = c
	}
	start := now()
	if *atFlag != "" {
		if start, err = time.Parse(time.RFC3339, *atFlag); err != nil {
			return fmt.Errorf("terminal simulate: --at must be a time like 2026-11-02T09:00:00+08:00: %w", err)
		}
	}
	sim := simulator{client: &http.Client{Timeout: 30 * time.Second}, url: strings.TrimRight(*server, "/") + xiangpei.TerminalEventsPath,
		terminal: *termID, secret: *secret, now: now, sum: simSummary{reasons: map[string]int{}, failed: map[string]int{}}}
	evs := simEvents(ids, *session, start, time.Duration(*gap*float64(time.Second)), time.Duration(*checkout*float64(time.Minute)))
	fmt.Fprintf(stdout, "terminal %d → %s: session %d, %d people, %d events\n", *termID, *server, *session, len(ids), len(evs))
	var last simRequest
	for _, e := range evs {
		if wait := e.at.Sub(now()); wait > 0 && *atFlag == "" { // --at replays a past day at once
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
		}
		req, err := sim.sign([]simEvent{e})
		if err != nil {
			return err
		}
		if err := sim.send(ctx, req); err != nil {
			return err
		}
		last = req
	}
	s := sim.sum
	fmt.Fprintf(stdout, "sent %d pushes: %d accepted, %d duplicate, %d refused\n", s.pushes, s.accepted, s.duplicates, s.refused)
	printCounts(stdout, "refused events", s.reasons)
	printCounts(stdout, "refused requests", s.failed)
	if *replay && last.body != nil {
		status, key, err := sim.post(ctx, last)
		if err != nil {
			return err
		}
		if status == http.StatusConflict && key == "conflict" {
			fmt.Fprintf(stdout, "replay of the last request (same nonce %s): refused with %d, as it must be\n", last.nonce, status)
		} else {
			fmt.Fprintf(stdout, "replay of the last request (same nonce %s): answered %d — a replay should be refused\n", last.nonce, status)
			return errors.New("terminal simulate: the server did not refuse a replayed request")
		}
	}
	if len(s.failed) > 0 {
		return errors.New("terminal simulate: the server refused some requests (see above)")
	}
	return nil
}

func printCounts(w io.Writer, title string, m map[string]int) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "%s:\n", title)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-40s %d\n", k, m[k])
	}
}

// readIDs reads ID numbers, one a line; blank lines and lines starting with # are skipped.
func readIDs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("terminal simulate: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("terminal simulate: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("terminal simulate: %s holds no ID number", path)
	}
	return out, nil
}

// simEvents are the check-ins, gap apart from start, and with checkout > 0 each person's
// check-out that long after their check-in, in time order. Event ids depend only on the
// session, the person's place in the list and the kind, so running the same simulation twice
// sends the same events (the second run's are duplicates).
func simEvents(ids []string, session int64, start time.Time, gap, checkout time.Duration) []simEvent {
	var out []simEvent
	for i, id := range ids {
		in := start.Add(time.Duration(i) * gap).Truncate(time.Second)
		out = append(out, simEvent{EventID: fmt.Sprintf("sim-%d-%d-in", session, i+1), SessionID: strconv.FormatInt(session, 10),
			IDNumber: id, Kind: xiangpei.CheckIn, At: in.Format(time.RFC3339), at: in})
		if checkout > 0 {
			o := in.Add(checkout)
			out = append(out, simEvent{EventID: fmt.Sprintf("sim-%d-%d-out", session, i+1), SessionID: strconv.FormatInt(session, 10),
				IDNumber: id, Kind: xiangpei.CheckOut, At: o.Format(time.RFC3339), at: o})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].at.Before(out[b].at) })
	return out
}

type simulator struct {
	client   *http.Client
	url      string
	terminal int64
	secret   string
	now      func() time.Time
	sum      simSummary
}

// sign makes a signed push of events, timestamped now, with a new nonce.
func (s *simulator) sign(evs []simEvent) (simRequest, error) {
	body, err := json.Marshal(map[string]any{"events": evs})
	if err != nil {
		return simRequest{}, err
	}
	n := make([]byte, 12)
	_, _ = rand.Read(n)
	r := simRequest{body: body, timestamp: strconv.FormatInt(s.now().Unix(), 10), nonce: hex.EncodeToString(n)}
	r.signature = xiangpei.SignTerminal(s.secret, http.MethodPost, xiangpei.TerminalEventsPath, r.timestamp, r.nonce, body)
	return r, nil
}

// send posts a push and counts its answer.
func (s *simulator) send(ctx context.Context, r simRequest) error {
	s.sum.pushes++
	status, key, answer, err := s.do(ctx, r)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		s.sum.failed[fmt.Sprintf("%d %s", status, key)]++
		return nil
	}
	var out struct {
		Results []struct {
			Status string `json:"status"`
			Reason string `json:"reason"`
		} `json:"results"`
	}
	if err := json.Unmarshal(answer, &out); err != nil {
		return fmt.Errorf("terminal simulate: the server's answer is not the terminal API's: %w", err)
	}
	for _, x := range out.Results {
		switch x.Status {
		case "accepted":
			s.sum.accepted++
		case "duplicate":
			s.sum.duplicates++
		default:
			s.sum.refused++
			s.sum.reasons[x.Reason]++
		}
	}
	return nil
}

// post sends a request and returns its status and error kind.
func (s *simulator) post(ctx context.Context, r simRequest) (int, string, error) {
	status, key, _, err := s.do(ctx, r)
	return status, key, err
}

func (s *simulator) do(ctx context.Context, r simRequest) (status int, kind string, body []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(r.body))
	if err != nil {
		return 0, "", nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(xiangpei.HeaderTerminalID, strconv.FormatInt(s.terminal, 10))
	req.Header.Set(xiangpei.HeaderTimestamp, r.timestamp)
	req.Header.Set(xiangpei.HeaderNonce, r.nonce)
	req.Header.Set(xiangpei.HeaderSignature, r.signature)
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, "", nil, fmt.Errorf("terminal simulate: %w", err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return 0, "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct {
				Kind string `json:"kind"`
			} `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		kind = e.Error.Kind
	}
	return resp.StatusCode, kind, body, nil
}
