package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 政策咨询 — the policy library and FAQ: officers of a region (publish duty) draft, publish,
// revise and withdraw items; published items are public and never change; the search index
// (policy_grams) holds the items published now and is rewritten in the same transaction as
// every publication, supersession and withdrawal.

const policyCols = `p.id, p.series_id, p.item_version, p.revised_from, p.region, p.title, p.issuer, p.doc_number,
	p.category, p.body, p.effective_from, p.expires_on, p.status, p.created_by, p.created_at, p.updated_at,
	p.published_at, p.withdrawn_at, p.withdraw_reason, p.superseded_by, p.version`

func scanPolicy(r scanner) (xiangpei.Policy, error) {
	var p xiangpei.Policy
	var status string
	var pub, wd sql.NullTime
	err := r.Scan(&p.ID, &p.SeriesID, &p.ItemVersion, &p.RevisedFrom, &p.Region, &p.Title, &p.Issuer, &p.DocNumber,
		&p.Category, &p.Body, &p.EffectiveFrom, &p.ExpiresOn, &status, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt,
		&pub, &wd, &p.WithdrawReason, &p.SupersededBy, &p.Version)
	p.Status = xiangpei.PolicyStatus(status)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if pub.Valid {
		p.PublishedAt = pub.Time.UTC()
	}
	if wd.Valid {
		p.WithdrawnAt = wd.Time.UTC()
	}
	return p, err
}

const faqCols = `p.id, p.series_id, p.item_version, p.revised_from, p.region, p.question, p.answer, p.category,
	p.policy_id, COALESCE((SELECT x.title FROM policies x WHERE x.id = p.policy_id), ''), p.status, p.created_by,
	p.created_at, p.updated_at, p.published_at, p.withdrawn_at, p.withdraw_reason, p.superseded_by, p.version`

func scanFAQ(r scanner) (xiangpei.FAQ, error) {
	var f xiangpei.FAQ
	var status string
	var pub, wd sql.NullTime
	err := r.Scan(&f.ID, &f.SeriesID, &f.ItemVersion, &f.RevisedFrom, &f.Region, &f.Question, &f.Answer, &f.Category,
		&f.PolicyID, &f.PolicyTitle, &status, &f.CreatedBy, &f.CreatedAt, &f.UpdatedAt, &pub, &wd, &f.WithdrawReason,
		&f.SupersededBy, &f.Version)
	f.Status = xiangpei.PolicyStatus(status)
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	if pub.Valid {
		f.PublishedAt = pub.Time.UTC()
	}
	if wd.Valid {
		f.WithdrawnAt = wd.Time.UTC()
	}
	return f, err
}

// policyReach is the management reach of a scope over the library: administrators see every
// item, an officer the items of their region (and below); nobody else manages items.
func policyReach(s xiangpei.Scope) (bool, string) {
	switch {
	case s.All:
		return true, "%"
	case s.Region != "" && s.OrgID == 0 && s.PersonID == 0:
		return false, xiangpei.RegionPrefix(s.Region) + "%"
	}
	return false, "-"
}

// PolicyFilter narrows the management lists.
type PolicyFilter struct {
	Status   xiangpei.PolicyStatus
	Category string
}

// Policy reads a policy of any state within the management reach of s.
func (db *DB) Policy(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.Policy, error) {
	return policyByID(ctx, db.read, s, id)
}

func policyByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.Policy, error) {
	all, region := policyReach(s)
	p, err := scanPolicy(q.QueryRowContext(ctx, `SELECT `+policyCols+` FROM policies p WHERE p.id = $1 AND ($2 OR p.region LIKE $3)`,
		id, all, region))
	return p, mapError(err, "Policy")
}

// PublicPolicy reads a policy that has been published (it may since have been superseded or
// withdrawn), for anyone; a draft is NotFound.
func (db *DB) PublicPolicy(ctx context.Context, id int64) (xiangpei.Policy, error) {
	p, err := scanPolicy(db.read.QueryRowContext(ctx, `SELECT `+policyCols+` FROM policies p WHERE p.id = $1 AND p.status <> 'draft'`, id))
	return p, mapError(err, "Policy")
}

// Policies lists the policies within the management reach of s, the latest changed first.
func (db *DB) Policies(ctx context.Context, s xiangpei.Scope, f PolicyFilter, page Page) ([]xiangpei.Policy, int, error) {
	all, region := policyReach(s)
	where := ` FROM policies p WHERE ($1 = '' OR p.status = $1) AND ($2 = '' OR p.category = $2) AND ($3 OR p.region LIKE $4)`
	args := []any{string(f.Status), f.Category, all, region}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+policyCols+where+` ORDER BY p.updated_at DESC, p.id DESC LIMIT $5 OFFSET $6`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanPolicy)
	return out, total, err
}

// FAQ reads an entry of any state within the management reach of s.
func (db *DB) FAQ(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.FAQ, error) {
	return faqByID(ctx, db.read, s, id)
}

func faqByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.FAQ, error) {
	all, region := policyReach(s)
	f, err := scanFAQ(q.QueryRowContext(ctx, `SELECT `+faqCols+` FROM faqs p WHERE p.id = $1 AND ($2 OR p.region LIKE $3)`,
		id, all, region))
	return f, mapError(err, "FAQ")
}

// FAQs lists the entries within the management reach of s, the latest changed first.
func (db *DB) FAQs(ctx context.Context, s xiangpei.Scope, f PolicyFilter, page Page) ([]xiangpei.FAQ, int, error) {
	all, region := policyReach(s)
	where := ` FROM faqs p WHERE ($1 = '' OR p.status = $1) AND ($2 = '' OR p.category = $2) AND ($3 OR p.region LIKE $4)`
	args := []any{string(f.Status), f.Category, all, region}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+faqCols+where+` ORDER BY p.updated_at DESC, p.id DESC LIMIT $5 OFFSET $6`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanFAQ)
	return out, total, err
}

// ---- search ----

// policyQueryGrams is how many distinct grams of a query the index is asked for (one SQL
// string, a fixed list padded with ""); the exact check in Go covers the rest of a longer query.
const policyQueryGrams = 16

var policyGramList = func() string {
	var b strings.Builder
	for i := 0; i < policyQueryGrams; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(3+i))
	}
	return b.String()
}()

// PolicySearch is a search of the published library.
type PolicySearch struct {
	Query    string // free text; "" lists everything published
	Category string // "" any
	Kind     string // "policy", "faq" or "" both
}

// PolicyHit is one published item found, with its highlighted snippets.
type PolicyHit struct {
	Kind    string // "policy" or "faq"
	Policy  xiangpei.Policy
	FAQ     xiangpei.FAQ
	Title   []xiangpei.SnippetPart
	Snippet []xiangpei.SnippetPart
	Score   int
}

// ID is the item's id.
func (h PolicyHit) ID() int64 {
	if h.Kind == "faq" {
		return h.FAQ.ID
	}
	return h.Policy.ID
}

// policySearchMax bounds the candidates one search ranks.
const policySearchMax = 500

// SearchPolicies searches the items published now: the query is normalised and split into
// bigrams (one character: itself), the index returns the items holding all of them ranked by
// the grams' occurrences in the title first, then in all; each candidate is then checked to hold
// the query as a whole, which drops the bigram index's false positives. Without a query, every
// published item of the category is listed, the latest published first. One page, with the
// total.
func (db *DB) SearchPolicies(ctx context.Context, f PolicySearch, page Page) ([]PolicyHit, int, error) {
	norm := xiangpei.NormaliseSearch(f.Query)
	var hits []PolicyHit
	if norm == "" {
		rows, err := db.read.QueryContext(ctx, `SELECT x.kind, x.id FROM (
			SELECT 'policy' AS kind, p.id, p.published_at FROM policies p WHERE p.status = 'published' AND ($1 = '' OR p.category = $1)
			UNION ALL
			SELECT 'faq' AS kind, p.id, p.published_at FROM faqs p WHERE p.status = 'published' AND ($1 = '' OR p.category = $1)
			) x WHERE ($2 = '' OR x.kind = $2) ORDER BY x.published_at DESC, x.id DESC LIMIT 2000`, f.Category, f.Kind)
		if err != nil {
			return nil, 0, err
		}
		if hits, err = collect(rows, func(r scanner) (PolicyHit, error) {
			var h PolicyHit
			err := r.Scan(&h.Kind, &h.Policy.ID)
			h.FAQ.ID = h.Policy.ID
			return h, err
		}); err != nil {
			return nil, 0, err
		}
	} else {
		grams, _ := xiangpei.SearchGrams(norm)
		if len(grams) > policyQueryGrams {
			grams = grams[:policyQueryGrams]
		}
		args := []any{f.Kind, len(grams)}
		for i := 0; i < policyQueryGrams; i++ {
			g := ""
			if i < len(grams) {
				g = grams[i]
			}
			args = append(args, g)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT g.item_kind, g.item_id, SUM(g.in_title), SUM(g.hits) FROM policy_grams g
			WHERE g.gram IN (`+policyGramList+`) AND ($1 = '' OR g.item_kind = $1)
			GROUP BY g.item_kind, g.item_id HAVING COUNT(DISTINCT g.gram) = $2
			ORDER BY SUM(g.in_title) DESC, SUM(g.hits) DESC, g.item_id DESC LIMIT `+strconv.Itoa(policySearchMax), args...)
		if err != nil {
			return nil, 0, err
		}
		if hits, err = collect(rows, func(r scanner) (PolicyHit, error) {
			var h PolicyHit
			var title, all int
			err := r.Scan(&h.Kind, &h.Policy.ID, &title, &all)
			h.FAQ.ID, h.Score = h.Policy.ID, title*1000+all
			return h, err
		}); err != nil {
			return nil, 0, err
		}
	}
	// read the candidates (a query per chunk of each kind, not per candidate), verify and filter them
	var faqIDs, policyIDs []int64
	for _, h := range hits {
		if h.Kind == "faq" {
			faqIDs = append(faqIDs, h.FAQ.ID)
		} else {
			policyIDs = append(policyIDs, h.Policy.ID)
		}
	}
	faqs, policies := map[int64]xiangpei.FAQ{}, map[int64]xiangpei.Policy{}
	if err := eachChunk(ctx, db.read, `SELECT `+faqCols+` FROM faqs p WHERE p.id IN (`+inList1+`)`, faqIDs, 0, nil, func(r scanner) error {
		x, err := scanFAQ(r)
		faqs[x.ID] = x
		return err
	}); err != nil {
		return nil, 0, err
	}
	if err := eachChunk(ctx, db.read, `SELECT `+policyCols+` FROM policies p WHERE p.id IN (`+inList1+`)`, policyIDs, 0, nil, func(r scanner) error {
		x, err := scanPolicy(r)
		policies[x.ID] = x
		return err
	}); err != nil {
		return nil, 0, err
	}
	var out []PolicyHit
	for _, h := range hits {
		var title, body, category string
		if h.Kind == "faq" {
			x, ok := faqs[h.FAQ.ID]
			if !ok {
				continue
			}
			h.FAQ, title, body, category = x, x.Question, x.Answer, x.Category
		} else {
			x, ok := policies[h.Policy.ID]
			if !ok {
				continue
			}
			h.Policy, title, body, category = x, x.Title, x.Body, x.Category
		}
		if f.Category != "" && category != f.Category {
			continue
		}
		if norm != "" && !xiangpei.SearchMatches(title+"\n"+body, norm) {
			continue // the grams occur, but not together
		}
		h.Title, h.Snippet = xiangpei.Snippet(title, norm, 200), xiangpei.Snippet(body, norm, 120)
		out = append(out, h)
	}
	total := len(out)
	from := min(page.offset(), total)
	to := min(from+page.limit(), total)
	return out[from:to], total, nil
}

// indexItem rewrites the index of one item: its grams when published, nothing otherwise.
func (tx *Tx) indexItem(kind string, id int64, title, body string, published bool) error {
	if _, err := tx.exec(`DELETE FROM policy_grams WHERE item_kind = $1 AND item_id = $2`, kind, id); err != nil {
		return err
	}
	if !published {
		return nil
	}
	inTitle := xiangpei.IndexGrams(title)
	for g, n := range xiangpei.IndexGrams(title + "\n" + body) {
		t := 0
		if inTitle[g] > 0 {
			t = inTitle[g]
		}
		if _, err := tx.exec(`INSERT INTO policy_grams (item_kind, item_id, gram, hits, in_title) VALUES ($1, $2, $3, $4, $5)`,
			kind, id, g, n, t); err != nil {
			return err
		}
	}
	return nil
}

// ---- changes ----

// policyPublisher refuses anyone who may not write the library of region.
func policyPublisher(a xiangpei.Actor, region string) error {
	if !xiangpei.CanPublishPolicies(a, region) {
		return xiangpei.Errorf(xiangpei.Forbidden, "policy.not_allowed", "Only officers with the publish duty write the policy library, for their own region.")
	}
	return nil
}

// policyAt reads a policy for a change at a version.
func (tx *Tx) policyAt(s xiangpei.Scope, id, version int64) (xiangpei.Policy, error) {
	p, err := policyByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return p, err
	}
	if err := policyPublisher(tx.Actor, p.Region); err != nil {
		return p, err
	}
	if p.Version != version {
		return p, xiangpei.StaleVersion()
	}
	return p, nil
}

func notDraft() error {
	return xiangpei.Errorf(xiangpei.Conflict, "policy.not_draft", "A published item never changes: revise it to make a new version.")
}

// CreatePolicy starts a policy as a draft, version 1 of a new series, for the officer's region.
func (tx *Tx) CreatePolicy(in xiangpei.PolicyInput) (xiangpei.Policy, error) {
	in, err := in.Validate()
	if err != nil {
		return xiangpei.Policy{}, err
	}
	if err := policyPublisher(tx.Actor, in.Region); err != nil {
		return xiangpei.Policy{}, err
	}
	id, now := xiangpei.NewID(), tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO policies (id, series_id, item_version, region, title, issuer, doc_number, category, body,
		effective_from, expires_on, status, created_by, created_at, updated_at, version)
		VALUES ($1, $1, 1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, $11, 1)`, id, in.Region, in.Title, in.Issuer,
		in.DocNumber, in.Category, in.Body, in.EffectiveFrom, in.ExpiresOn, tx.Actor.AccountID, now); err != nil {
		return xiangpei.Policy{}, mapError(err, "Policy")
	}
	if err := tx.Audit("policy.create", "policy", id, in.Region, map[string]any{"title": in.Title, "doc_number": in.DocNumber}); err != nil {
		return xiangpei.Policy{}, err
	}
	return policyByID(tx.ctx, tx.tx, tx.Actor.Scope(), id)
}

// UpdatePolicy changes a draft at a version; the region stays.
func (tx *Tx) UpdatePolicy(id, version int64, in xiangpei.PolicyInput) (xiangpei.Policy, error) {
	p, err := tx.policyAt(tx.Actor.Scope(), id, version)
	if err != nil {
		return p, err
	}
	if p.Status != xiangpei.PolicyDraft {
		return p, notDraft()
	}
	in.Region = p.Region
	if in, err = in.Validate(); err != nil {
		return p, err
	}
	if err := tx.execVersioned("Policy", `SELECT 1 FROM policies WHERE id = $1`, id, `UPDATE policies SET title = $3, issuer = $4,
		doc_number = $5, category = $6, body = $7, effective_from = $8, expires_on = $9, updated_at = $10, version = version + 1
		WHERE id = $1 AND version = $2`, id, version, in.Title, in.Issuer, in.DocNumber, in.Category, in.Body, in.EffectiveFrom,
		in.ExpiresOn, tx.Now.Truncate(time.Microsecond)); err != nil {
		return p, err
	}
	if err := tx.Audit("policy.update", "policy", id, p.Region, map[string]any{"before": p.Input(), "after": in}); err != nil {
		return p, err
	}
	return policyByID(tx.ctx, tx.tx, tx.Actor.Scope(), id)
}

func withdrawReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 2 || n > 500 {
		return reason, xiangpei.Errorf(xiangpei.Invalid, "policy.reason", "Give the reason for withdrawing (2 to 500 characters): everyone can read it.")
	}
	return reason, nil
}

// MovePolicy publishes or withdraws a policy at its version. Publishing supersedes the
// version of the series published before, from this instant, and rewrites the search index of
// both in the same transaction; withdrawing needs a reason and takes the item out of the index.
func (tx *Tx) MovePolicy(id, version int64, action xiangpei.PolicyAction, reason string) (xiangpei.Policy, error) {
	if action != xiangpei.PolicyPublish && action != xiangpei.PolicyWithdraw {
		return xiangpei.Policy{}, xiangpei.Errorf(xiangpei.Invalid, "policy.unknown_action", "There is no such action on a policy.")
	}
	p, err := tx.policyAt(tx.Actor.Scope(), id, version)
	if err != nil {
		return p, err
	}
	next, err := p.Status.Next(action)
	if err != nil {
		return p, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	if action == xiangpei.PolicyPublish {
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT p.id FROM policies p WHERE p.series_id = $1 AND p.status = 'published' AND p.id <> $2`,
			p.SeriesID, p.ID)
		if err != nil {
			return p, err
		}
		older, err := collect(rows, func(r scanner) (int64, error) { var x int64; return x, r.Scan(&x) })
		if err != nil {
			return p, err
		}
		for _, o := range older {
			if _, err := tx.exec(`UPDATE policies SET status = 'superseded', superseded_by = $2, updated_at = $3,
				version = version + 1 WHERE id = $1 AND status = 'published'`, o, p.ID, now); err != nil {
				return p, err
			}
			if err := tx.indexItem("policy", o, "", "", false); err != nil {
				return p, err
			}
			if err := tx.Audit("policy.supersede", "policy", o, p.Region, map[string]any{"superseded_by": p.ID}); err != nil {
				return p, err
			}
		}
		if err := tx.execVersioned("Policy", `SELECT 1 FROM policies WHERE id = $1`, id, `UPDATE policies SET status = $3,
			published_at = $4, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2`, id, version, string(next), now); err != nil {
			return p, err
		}
		if err := tx.indexItem("policy", id, p.Title, p.Body, true); err != nil {
			return p, err
		}
	} else {
		if reason, err = withdrawReason(reason); err != nil {
			return p, err
		}
		if err := tx.execVersioned("Policy", `SELECT 1 FROM policies WHERE id = $1`, id, `UPDATE policies SET status = $3,
			withdrawn_at = $4, withdraw_reason = $5, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2`,
			id, version, string(next), now, reason); err != nil {
			return p, err
		}
		if err := tx.indexItem("policy", id, "", "", false); err != nil {
			return p, err
		}
	}
	if err := tx.Audit("policy."+string(action), "policy", id, p.Region, map[string]any{"title": p.Title,
		"item_version": p.ItemVersion, "reason": reason}); err != nil {
		return p, err
	}
	return policyByID(tx.ctx, tx.tx, tx.Actor.Scope(), id)
}

func draftExists() error {
	return xiangpei.Errorf(xiangpei.Conflict, "policy.draft_exists", "A new version of this item is already being drafted: open it from the list.")
}

// RevisePolicy makes the next version of a published policy as a draft with the same content;
// the published version stays public until the draft is published.
func (tx *Tx) RevisePolicy(id, version int64) (xiangpei.Policy, error) {
	p, err := tx.policyAt(tx.Actor.Scope(), id, version)
	if err != nil {
		return p, err
	}
	if _, err := p.Status.Next(xiangpei.PolicyRevise); err != nil {
		return p, err
	}
	if err := tx.refuse(draftExists(), `SELECT 1 FROM policies WHERE series_id = $1 AND status = 'draft'`, p.SeriesID); err != nil {
		return p, err
	}
	var last int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT MAX(item_version) FROM policies WHERE series_id = $1`, p.SeriesID).Scan(&last); err != nil {
		return p, err
	}
	newID, now := xiangpei.NewID(), tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO policies (id, series_id, item_version, revised_from, region, title, issuer, doc_number,
		category, body, effective_from, expires_on, status, created_by, created_at, updated_at, version)
		SELECT $1, series_id, $2, id, region, title, issuer, doc_number, category, body, effective_from, expires_on, 'draft', $3, $4, $4, 1
		FROM policies WHERE id = $5`, newID, last+1, tx.Actor.AccountID, now, p.ID); err != nil {
		if err = mapError(err, "Policy"); xiangpei.IsKind(err, xiangpei.Conflict) {
			return p, draftExists()
		}
		return p, err
	}
	if err := tx.Audit("policy.revise", "policy", newID, p.Region, map[string]any{"revised_from": p.ID, "item_version": last + 1}); err != nil {
		return p, err
	}
	return policyByID(tx.ctx, tx.tx, tx.Actor.Scope(), newID)
}

// ---- FAQ changes ----

func (tx *Tx) faqAt(id, version int64) (xiangpei.FAQ, error) {
	f, err := faqByID(tx.ctx, tx.tx, tx.Actor.Scope(), id)
	if err != nil {
		return f, err
	}
	if err := policyPublisher(tx.Actor, f.Region); err != nil {
		return f, err
	}
	if f.Version != version {
		return f, xiangpei.StaleVersion()
	}
	return f, nil
}

func (tx *Tx) checkFAQPolicy(in xiangpei.FAQInput) error {
	if in.PolicyID == 0 {
		return nil
	}
	return tx.require(xiangpei.Errorf(xiangpei.Invalid, "faq.policy", "The linked policy is not in the library: choose a published policy."),
		`SELECT 1 FROM policies WHERE id = $1 AND status <> 'draft'`, in.PolicyID)
}

// CreateFAQ starts a FAQ entry as a draft for the officer's region.
func (tx *Tx) CreateFAQ(in xiangpei.FAQInput) (xiangpei.FAQ, error) {
	in, err := in.Validate()
	if err != nil {
		return xiangpei.FAQ{}, err
	}
	if err := policyPublisher(tx.Actor, in.Region); err != nil {
		return xiangpei.FAQ{}, err
	}
	if err := tx.checkFAQPolicy(in); err != nil {
		return xiangpei.FAQ{}, err
	}
	id, now := xiangpei.NewID(), tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO faqs (id, series_id, item_version, region, question, answer, category, policy_id, status,
		created_by, created_at, updated_at, version) VALUES ($1, $1, 1, $2, $3, $4, $5, $6, 'draft', $7, $8, $8, 1)`,
		id, in.Region, in.Question, in.Answer, in.Category, in.PolicyID, tx.Actor.AccountID, now); err != nil {
		return xiangpei.FAQ{}, mapError(err, "FAQ")
	}
	if err := tx.Audit("faq.create", "faq", id, in.Region, map[string]any{"question": in.Question}); err != nil {
		return xiangpei.FAQ{}, err
	}
	return faqByID(tx.ctx, tx.tx, tx.Actor.Scope(), id)
}

// UpdateFAQ changes a draft entry at a version.
func (tx *Tx) UpdateFAQ(id, version int64, in xiangpei.FAQInput) (xiangpei.FAQ, error) {
	f, err := tx.faqAt(id, version)
	if err != nil {
		return f, err
	}
	if f.Status != xiangpei.PolicyDraft {
		return f, notDraft()
	}
	in.Region = f.Region
	if in, err = in.Validate(); err != nil {
		return f, err
	}
	if err := tx.checkFAQPolicy(in); err != nil {
		return f, err
	}
	if err := tx.execVersioned("FAQ", `SELECT 1 FROM faqs WHERE id = $1`, id, `UPDATE faqs SET question = $3, answer = $4,
		category = $5, policy_id = $6, updated_at = $7, version = version + 1 WHERE id = $1 AND version = $2`,
		id, version, in.Question, in.Answer, in.Category, in.PolicyID, tx.Now.Truncate(time.Microsecond)); err != nil {
		return f, err
	}
	if err := tx.Audit("faq.update", "faq", id, f.Region, map[string]any{"before": f.Input(), "after": in}); err != nil {
		return f, err
	}
	return faqByID(tx.ctx, tx.tx, tx.Actor.Scope(), id)
}

// MoveFAQ publishes or withdraws an entry at its version, as MovePolicy does a policy.
func (tx *Tx) MoveFAQ(id, version int64, action xiangpei.PolicyAction, reason string) (xiangpei.FAQ, error) {
	if action != xiangpei.PolicyPublish && action != xiangpei.PolicyWithdraw {
		return xiangpei.FAQ{}, xiangpei.Errorf(xiangpei.Invalid, "policy.unknown_action", "There is no such action on a policy.")
	}
	f, err := tx.faqAt(id, version)
	if err != nil {
		return f, err
	}
	next, err := f.Status.Next(action)
	if err != nil {
		return f, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	if action == xiangpei.PolicyPublish {
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT p.id FROM faqs p WHERE p.series_id = $1 AND p.status = 'published' AND p.id <> $2`,
			f.SeriesID, f.ID)
		if err != nil {
			return f, err
		}
		older, err := collect(rows, func(r scanner) (int64, error) { var x int64; return x, r.Scan(&x) })
		if err != nil {
			return f, err
		}
		for _, o := range older {
			if _, err := tx.exec(`UPDATE faqs SET status = 'superseded', superseded_by = $2, updated_at = $3,
				version = version + 1 WHERE id = $1 AND status = 'published'`, o, f.ID, now); err != nil {
				return f, err
			}
			if err := tx.indexItem("faq", o, "", "", false); err != nil {
				return f, err
			}
		}
		if err := tx.execVersioned("FAQ", `SELECT 1 FROM faqs WHERE id = $1`, id, `UPDATE faqs SET status = $3,
			published_at = $4, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2`, id, version, string(next), now); err != nil {
			return f, err
		}
		if err := tx.indexItem("faq", id, f.Question, f.Answer, true); err != nil {
			return f, err
		}
	} else {
		if reason, err = withdrawReason(reason); err != nil {
			return f, err
		}
		if err := tx.execVersioned("FAQ", `SELECT 1 FROM faqs WHERE id = $1`, id, `UPDATE faqs SET status = $3,
			withdrawn_at = $4, withdraw_reason = $5, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2`,
			id, version, string(next), now, reason); err != nil {
			return f, err
		}
		if err := tx.indexItem("faq", id, "", "", false); err != nil {
			return f, err
		}
	}
	if err := tx.Audit("faq."+string(action), "faq", id, f.Region, map[string]any{"question": f.Question, "reason": reason}); err != nil {
		return f, err
	}
	return faqByID(tx.ctx, tx.tx, tx.Actor.Scope(), id)
}

// ReviseFAQ makes the next version of a published entry as a draft.
func (tx *Tx) ReviseFAQ(id, version int64) (xiangpei.FAQ, error) {
	f, err := tx.faqAt(id, version)
	if err != nil {
		return f, err
	}
	if _, err := f.Status.Next(xiangpei.PolicyRevise); err != nil {
		return f, err
	}
	if err := tx.refuse(draftExists(), `SELECT 1 FROM faqs WHERE series_id = $1 AND status = 'draft'`, f.SeriesID); err != nil {
		return f, err
	}
	var last int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT MAX(item_version) FROM faqs WHERE series_id = $1`, f.SeriesID).Scan(&last); err != nil {
		return f, err
	}
	newID, now := xiangpei.NewID(), tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO faqs (id, series_id, item_version, revised_from, region, question, answer, category,
		policy_id, status, created_by, created_at, updated_at, version)
		SELECT $1, series_id, $2, id, region, question, answer, category, policy_id, 'draft', $3, $4, $4, 1 FROM faqs WHERE id = $5`,
		newID, last+1, tx.Actor.AccountID, now, f.ID); err != nil {
		if err = mapError(err, "FAQ"); xiangpei.IsKind(err, xiangpei.Conflict) {
			return f, draftExists()
		}
		return f, err
	}
	if err := tx.Audit("faq.revise", "faq", newID, f.Region, map[string]any{"revised_from": f.ID, "item_version": last + 1}); err != nil {
		return f, err
	}
	return faqByID(tx.ctx, tx.tx, tx.Actor.Scope(), newID)
}
