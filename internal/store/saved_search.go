package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
)

// Saved searches and their alerts (migration 00028, docs/saved-searches.md). A person keeps a
// search of the public job list — the same four filters as /jobs. When a posting is published,
// in the same transaction, every person with a matching search gets one alert: a row in
// search_alerts (unique per person and posting, so it reaches them once however many searches
// match and however often the posting is published again) and an in-app message. A person who
// asked for text messages also gets an SMS: the alert is queued as pending and sent after the
// commit through the pluggable sender (PendingSMSAlerts, MarkSMSAlert).

// MaxSavedSearches is how many searches one person may keep.
const MaxSavedSearches = 10

// SavedSearch is one kept search.
type SavedSearch struct {
	ID       int64
	PersonID int64
	Name     string
	Filter   PostingFilter // Status is not used: a search looks at open postings
	SMS      bool
	Created  time.Time
}

const savedSearchCols = `id, person_id, name, occupation, county, work_type, query, sms, created_at`

func scanSavedSearch(r scanner) (SavedSearch, error) {
	var s SavedSearch
	var wt string
	err := r.Scan(&s.ID, &s.PersonID, &s.Name, &s.Filter.Occupation, &s.Filter.County, &wt, &s.Filter.Query, &s.SMS, &s.Created)
	s.Filter.WorkType = xiangpei.WorkType(wt)
	return s, err
}

// SavedSearches lists the person's own searches, oldest first.
func (db *DB) SavedSearches(ctx context.Context, s xiangpei.Scope) ([]SavedSearch, error) {
	if s.PersonID <= 0 {
		return nil, errSearchPersonOnly()
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+savedSearchCols+` FROM saved_searches WHERE person_id = $1 ORDER BY created_at, id`, s.PersonID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSavedSearch)
}

func errSearchPersonOnly() error {
	return xiangpei.Errorf(xiangpei.Forbidden, "search.person_only", "Only a person keeps saved searches, for themself.")
}

// SaveSearch keeps a new search for the person. A search needs at least one filter, a known
// county and work type, and the person may keep at most MaxSavedSearches.
func (tx *Tx) SaveSearch(s xiangpei.Scope, in SavedSearch) (SavedSearch, error) {
	if s.PersonID <= 0 {
		return in, errSearchPersonOnly()
	}
	f := in.Filter
	f.Occupation, f.County, f.Query = strings.TrimSpace(f.Occupation), strings.TrimSpace(f.County), strings.TrimSpace(f.Query)
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case f.Occupation == "" && f.County == "" && f.WorkType == "" && f.Query == "":
		return in, xiangpei.Errorf(xiangpei.Invalid, "search.empty", "Choose at least one filter (occupation, place, work type or words) before saving the search.")
	case f.WorkType != "" && !f.WorkType.Valid():
		return in, xiangpei.Errorf(xiangpei.Invalid, "search.bad_work_type", "Choose a work type from the list.")
	case len([]rune(f.Query)) > 50 || len([]rune(in.Name)) > 50:
		return in, xiangpei.Errorf(xiangpei.Invalid, "search.too_long", "The words and the name of a search are at most 50 characters.")
	}
	if f.County != "" {
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "search.bad_county", "%s is not a region code.", f.County),
			`SELECT 1 FROM regions WHERE code = $1`, f.County); err != nil {
			return in, err
		}
	}
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM saved_searches WHERE person_id = $1`, s.PersonID).Scan(&n); err != nil {
		return in, err
	}
	if n >= MaxSavedSearches {
		return in, xiangpei.Errorf(xiangpei.Conflict, "search.too_many", "You keep %d searches already, the most there can be: delete one first.", MaxSavedSearches)
	}
	if in.Name == "" {
		parts := []string{f.Query, f.Occupation, f.County, string(f.WorkType)}
		in.Name = strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), " · ")
	}
	f.Status = ""
	in.ID, in.PersonID, in.Filter, in.Created = xiangpei.NewID(), s.PersonID, f, tx.Now.Truncate(time.Microsecond)
	region := ""
	if f.County != "" {
		region = xiangpei.RegionPrefix(f.County)
	}
	if _, err := tx.exec(`INSERT INTO saved_searches (id, person_id, name, occupation, county, region, work_type, query, sms, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, in.ID, in.PersonID, in.Name, f.Occupation, f.County, region,
		string(f.WorkType), f.Query, in.SMS, in.Created); err != nil {
		return in, err
	}
	return in, tx.Audit("search.save", "saved_search", in.ID, "", map[string]any{"sms": in.SMS})
}

// DeleteSearch removes one of the person's searches; the alerts it sent are kept, so a posting
// never reaches the person twice.
func (tx *Tx) DeleteSearch(s xiangpei.Scope, id int64) error {
	if s.PersonID <= 0 {
		return errSearchPersonOnly()
	}
	res, err := tx.exec(`DELETE FROM saved_searches WHERE id = $1 AND person_id = $2`, id, s.PersonID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return xiangpei.Errorf(xiangpei.NotFound, "search.not_found", "There is no such saved search.")
	}
	return tx.Audit("search.delete", "saved_search", id, "", nil)
}

// searchMatch is the condition of a saved search s matching a posting j. It mirrors
// PostingFilter.where — the test TestSavedSearchMatchesTheJobList holds the two together.
const searchMatch = `(s.occupation = '' OR j.occupation LIKE s.occupation || '%')
	AND (s.region = '' OR j.county LIKE s.region || '%')
	AND (s.work_type = '' OR j.work_type = s.work_type)
	AND (s.query = '' OR j.title LIKE '%' || s.query || '%')`

// alertSearches sends the alerts of a posting that has just been published: each person with a
// matching search, who has not been alerted of this posting before, gets one alert and one
// in-app message; an SMS is queued for those whose matching search asks for one. It returns
// how many persons were alerted.
func (tx *Tx) alertSearches(postingID int64) (int, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT s.person_id, MIN(s.id), MAX(CASE WHEN s.sms THEN 1 ELSE 0 END), j.title, o.name
		FROM saved_searches s, job_postings j JOIN organisations o ON o.id = j.employer_id
		WHERE j.id = $1 AND j.status = 'published' AND j.valid_to >= $2 AND `+searchMatch+`
		AND NOT EXISTS (SELECT 1 FROM search_alerts a WHERE a.person_id = s.person_id AND a.posting_id = j.id)
		GROUP BY s.person_id, j.title, o.name ORDER BY s.person_id`, postingID, xiangpei.ChinaDate(tx.Now))
	if err != nil {
		return 0, err
	}
	type hit struct {
		person, search  int64
		sms             int
		title, employer string
	}
	hits, err := collect(rows, func(r scanner) (hit, error) {
		var h hit
		err := r.Scan(&h.person, &h.search, &h.sms, &h.title, &h.employer)
		return h, err
	})
	if err != nil {
		return 0, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	sent := 0
	for _, h := range hits {
		status := "none"
		if h.sms == 1 {
			status = "pending"
		}
		res, err := tx.exec(`INSERT INTO search_alerts (id, person_id, posting_id, search_id, sms_status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (person_id, posting_id) DO NOTHING`,
			xiangpei.NewID(), h.person, postingID, h.search, status, now)
		if err != nil {
			return sent, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if _, err := tx.NotifyPerson(h.person, alertText(h.title, h.employer, postingID)); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// alertText is the message of an alert. Messages are kept in Chinese, the platform's language
// of record, like the other messages to persons.
func alertText(title, employer string, postingID int64) string {
	return "您保存的求职搜索有新职位：" + employer + "「" + title + "」，详见 /jobs/" + strconv.FormatInt(postingID, 10)
}

// SMSAlert is an alert waiting for its text message.
type SMSAlert struct {
	ID        int64
	PersonID  int64
	Phone     string
	PostingID int64
	Text      string
}

// SMSAttempts is how many times an alert's text message is tried before it is failed for good;
// SMSRetryAfter is the wait after the n-th refusal (n from 1): 5 minutes, then 20.
const SMSAttempts = 3

func SMSRetryAfter(n int) time.Duration { return 5 * time.Minute << (2 * (n - 1)) }

// PendingSMSAlerts lists up to limit alerts whose text message has not gone out and may be
// tried now (a refused one once its wait is over), oldest first.
func (db *DB) PendingSMSAlerts(ctx context.Context, limit int) ([]SMSAlert, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.person_id, p.phone, a.posting_id, j.title, o.name
		FROM search_alerts a JOIN persons p ON p.id = a.person_id JOIN job_postings j ON j.id = a.posting_id
		JOIN organisations o ON o.id = j.employer_id
		WHERE a.sms_status = 'pending' AND (a.sms_retry_at IS NULL OR a.sms_retry_at <= $2) ORDER BY a.created_at, a.id LIMIT $1`,
		limit, db.Now().UTC())
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (SMSAlert, error) {
		var a SMSAlert
		var title, employer string
		err := r.Scan(&a.ID, &a.PersonID, &a.Phone, &a.PostingID, &title, &employer)
		a.Text = "【湘培直通车】" + alertText(title, employer, a.PostingID)
		return a, err
	})
}

// ClaimSMSAlert takes a pending alert for sending: it becomes sent, and only one sender can
// claim it, so that no text message goes out twice.
func (db *DB) ClaimSMSAlert(ctx context.Context, id int64) (bool, error) {
	now := db.Now().UTC()
	res, err := db.write.ExecContext(ctx, `UPDATE search_alerts SET sms_status = 'sent', sent_at = $1, sms_attempts = sms_attempts + 1
		WHERE id = $2 AND sms_status = 'pending' AND (sms_retry_at IS NULL OR sms_retry_at <= $1)`, now, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FailSMSAlert records that the sender refused a claimed alert's text message: it waits
// SMSRetryAfter and is tried again, or, after SMSAttempts attempts, is failed for good. It
// reports whether the alert will be tried again.
func (db *DB) FailSMSAlert(ctx context.Context, id int64) (bool, error) {
	var attempts int
	if err := db.write.QueryRowContext(ctx, `SELECT sms_attempts FROM search_alerts WHERE id = $1 AND sms_status = 'sent'`, id).Scan(&attempts); err != nil {
		return false, mapError(err, "Alert")
	}
	if attempts >= SMSAttempts {
		_, err := db.write.ExecContext(ctx, `UPDATE search_alerts SET sms_status = 'failed', sent_at = NULL WHERE id = $1 AND sms_status = 'sent'`, id)
		return false, err
	}
	_, err := db.write.ExecContext(ctx, `UPDATE search_alerts SET sms_status = 'pending', sent_at = NULL, sms_retry_at = $2
		WHERE id = $1 AND sms_status = 'sent'`, id, db.Now().UTC().Add(SMSRetryAfter(attempts)))
	return err == nil, err
}

// SearchAlert is an alert as the person sees it.
type SearchAlert struct {
	PostingID  int64
	Title      string
	Employer   string
	SearchName string // "" when the search was deleted since
	SMSStatus  string
	Created    time.Time
}

// SearchAlerts lists the person's alerts, newest first, with the total.
func (db *DB) SearchAlerts(ctx context.Context, s xiangpei.Scope, page Page) ([]SearchAlert, int, error) {
	if s.PersonID <= 0 {
		return nil, 0, errSearchPersonOnly()
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_alerts WHERE person_id = $1`, s.PersonID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.posting_id, j.title, o.name, COALESCE(s.name, ''), a.sms_status, a.created_at
		FROM search_alerts a JOIN job_postings j ON j.id = a.posting_id JOIN organisations o ON o.id = j.employer_id LEFT JOIN saved_searches s ON s.id = a.search_id
		WHERE a.person_id = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2 OFFSET $3`, s.PersonID, page.limit(), page.offset())
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, func(r scanner) (SearchAlert, error) {
		var a SearchAlert
		var name sql.NullString
		err := r.Scan(&a.PostingID, &a.Title, &a.Employer, &name, &a.SMSStatus, &a.Created)
		a.SearchName = name.String
		return a, err
	})
	return list, total, err
}
