package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

func saveSearch(t *testing.T, x *jobWorld, a xiangpei.Actor, in store.SavedSearch) (store.SavedSearch, error) {
	t.Helper()
	return crDo(t, x.w.DB, a, func(tx *store.Tx) (store.SavedSearch, error) { return tx.SaveSearch(a.Scope(), in) })
}

func alertedPostings(t *testing.T, db *store.DB, a xiangpei.Actor) []int64 {
	t.Helper()
	list, total, err := db.SearchAlerts(context.Background(), a.Scope(), store.Page{Limit: 500})
	if err != nil || total != len(list) {
		t.Fatalf("alerts: %v %d %d", err, total, len(list))
	}
	var ids []int64
	for _, x := range list {
		ids = append(ids, x.PostingID)
	}
	slices.Sort(ids)
	return ids
}

// TestSavedSearches: a search needs a filter and belongs to its person; a newly published
// posting that matches reaches the person once (however many of their searches match, and
// after being closed, relisted and published again); a text message is queued only for a
// search that asks for one and is claimed by one sender only; deleting a search keeps its
// alerts; at most ten searches.
func TestSavedSearches(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			_, err := saveSearch(t, x, x.personA, store.SavedSearch{Name: "空"})
			wantKind(t, "no filter", err, xiangpei.Invalid, "search.empty")
			_, err = saveSearch(t, x, x.personA, store.SavedSearch{Filter: store.PostingFilter{County: "999999"}})
			wantKind(t, "unknown county", err, xiangpei.Invalid, "search.bad_county")
			_, err = saveSearch(t, x, x.officer, store.SavedSearch{Filter: store.PostingFilter{Query: "焊工"}})
			wantKind(t, "an officer", err, xiangpei.Forbidden, "search.person_only")

			s1, err := saveSearch(t, x, x.personA, store.SavedSearch{SMS: true, Filter: store.PostingFilter{Occupation: "6-18", County: "430211"}})
			if err != nil || s1.Name != "6-18 · 430211" {
				t.Fatalf("save: %v %+v", err, s1)
			}
			s2, err := saveSearch(t, x, x.personA, store.SavedSearch{Name: "焊工岗位", Filter: store.PostingFilter{Query: "焊工"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := saveSearch(t, x, x.person2A, store.SavedSearch{Filter: store.PostingFilter{County: "430202", WorkType: xiangpei.FullTime}}); err != nil {
				t.Fatal(err)
			}
			if l, err := db.SavedSearches(ctx, x.personA.Scope()); err != nil || len(l) != 2 || l[0].ID != s1.ID {
				t.Fatalf("list: %v %+v", err, l)
			}

			weld := x.published(t, x.empA, "焊工", "430211")
			if got := alertedPostings(t, db, x.personA); !slices.Equal(got, []int64{weld.ID}) {
				t.Fatalf("two matching searches, one alert: %v", got)
			}
			if got := alertedPostings(t, db, x.person2A); len(got) != 0 {
				t.Fatalf("a search of another county was alerted: %v", got)
			}
			store2 := x.published(t, x.otherA, "仓库管理员", "430202")
			if got := alertedPostings(t, db, x.person2A); !slices.Equal(got, []int64{store2.ID}) {
				t.Fatalf("the 荷塘区 search: %v", got)
			}
			if got := alertedPostings(t, db, x.personA); len(got) != 1 {
				t.Fatalf("personA alerted of a posting that matches none of their searches: %v", got)
			}

			// Closed, relisted and published again: not a second alert.
			closed, err := crDo(t, db, x.empA, func(tx *store.Tx) (store.Posting, error) {
				return tx.ClosePosting(x.empA.Scope(), weld.ID, weld.Version, "招满")
			})
			if err != nil {
				t.Fatal(err)
			}
			relisted, err := crDo(t, db, x.empA, func(tx *store.Tx) (store.Posting, error) {
				return tx.RelistPosting(x.empA.Scope(), closed.ID, closed.Version, closed.ValidFrom, closed.ValidTo)
			})
			if err != nil {
				t.Fatal(err)
			}
			if p, _, err := x.submit(x.empA, relisted); err != nil || p.Status != xiangpei.PostingPublished {
				t.Fatalf("publish again: %v %v", err, p.Status)
			}
			if got := alertedPostings(t, db, x.personA); len(got) != 1 {
				t.Fatalf("a posting reached the person twice: %v", got)
			}

			// Text messages: one pending, for the search that asked (personA's s1); claimed once.
			pending, err := db.PendingSMSAlerts(ctx, 10)
			if err != nil || len(pending) != 1 || pending[0].PersonID != x.persons[0].ID || pending[0].Phone != x.persons[0].Phone ||
				pending[0].PostingID != weld.ID {
				t.Fatalf("pending text messages: %v %+v", err, pending)
			}
			if ok, err := db.ClaimSMSAlert(ctx, pending[0].ID); !ok || err != nil {
				t.Fatalf("claim: %v %v", ok, err)
			}
			if ok, err := db.ClaimSMSAlert(ctx, pending[0].ID); ok || err != nil {
				t.Fatalf("claimed twice: %v %v", ok, err)
			}
			if p, _ := db.PendingSMSAlerts(ctx, 10); len(p) != 0 {
				t.Fatalf("still pending: %+v", p)
			}
			// The sender refuses it: tried again after 5 minutes, then 20, then failed for good.
			for attempt := 1; attempt <= store.SMSAttempts; attempt++ {
				again, err := db.FailSMSAlert(ctx, pending[0].ID)
				if err != nil || again != (attempt < store.SMSAttempts) {
					t.Fatalf("refusal %d: again %v %v", attempt, again, err)
				}
				if p, _ := db.PendingSMSAlerts(ctx, 10); len(p) != 0 {
					t.Fatalf("refusal %d: pending at once: %+v", attempt, p)
				}
				if !again {
					break
				}
				if ok, _ := db.ClaimSMSAlert(ctx, pending[0].ID); ok {
					t.Fatalf("refusal %d: claimed before its wait", attempt)
				}
				x.w.Clock.Add(store.SMSRetryAfter(attempt))
				if p, _ := db.PendingSMSAlerts(ctx, 10); len(p) != 1 || p[0].ID != pending[0].ID {
					t.Fatalf("refusal %d: not pending after the wait: %+v", attempt, p)
				}
				if ok, err := db.ClaimSMSAlert(ctx, pending[0].ID); !ok || err != nil {
					t.Fatalf("refusal %d: claim again: %v %v", attempt, ok, err)
				}
			}
			x.w.Clock.Add(24 * time.Hour)
			if p, _ := db.PendingSMSAlerts(ctx, 10); len(p) != 0 {
				t.Fatalf("failed for good but pending: %+v", p)
			}
			if l, _, _ := db.SearchAlerts(ctx, x.personA.Scope(), store.Page{}); len(l) != 1 || l[0].SMSStatus != "failed" {
				t.Fatalf("the person's alert after three refusals: %+v", l)
			}

			// Deleting keeps the alerts; another person cannot delete.
			_, err = crDo(t, db, x.person2A, func(tx *store.Tx) (int, error) { return 0, tx.DeleteSearch(x.person2A.Scope(), s1.ID) })
			wantKind(t, "another person's search", err, xiangpei.NotFound, "search.not_found")
			for _, id := range []int64{s1.ID, s2.ID} {
				if _, err := crDo(t, db, x.personA, func(tx *store.Tx) (int, error) { return 0, tx.DeleteSearch(x.personA.Scope(), id) }); err != nil {
					t.Fatal(err)
				}
			}
			if l, _, _ := db.SearchAlerts(ctx, x.personA.Scope(), store.Page{}); len(l) != 1 || l[0].SearchName != "" || l[0].Title != "焊工" {
				t.Fatalf("alerts after deleting the search: %+v", l)
			}

			for i := range store.MaxSavedSearches {
				if _, err := saveSearch(t, x, x.personA, store.SavedSearch{Filter: store.PostingFilter{Query: fmt.Sprint("岗位", i)}}); err != nil {
					t.Fatal(err)
				}
			}
			_, err = saveSearch(t, x, x.personA, store.SavedSearch{Filter: store.PostingFilter{Query: "再多一个"}})
			wantKind(t, "the eleventh search", err, xiangpei.Conflict, "search.too_many")
		})
	}
}

// TestSavedSearchMatchesTheJobList holds the alert's SQL condition (searchMatch) and the job
// list's filter (PostingFilter.where) together: for every filter, the postings alerted to a
// person whose only search is that filter are exactly the postings the job list shows with it.
func TestSavedSearchMatchesTheJobList(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			filters := []store.PostingFilter{
				{Occupation: "6-18"}, {Occupation: "6-18-02-04"}, {Occupation: "4-10"}, {County: "430211"}, {County: "430200"},
				{County: "430202"}, {WorkType: xiangpei.FullTime}, {WorkType: xiangpei.PartTime}, {Query: "焊"}, {Query: "电工"},
				{Occupation: "6-18", County: "430202", Query: "工"}, {County: "430211", WorkType: xiangpei.PartTime},
			}
			actors := make([]xiangpei.Actor, len(filters))
			_, err := crDo(t, db, x.w.Admin, func(tx *store.Tx) (int, error) {
				for i := range filters {
					id17 := fmt.Sprintf("430211198%d%02d15%03d", i%10, 1+i%12, 100+i)
					p, err := xiangpei.PersonInput{IDNumber: id17 + string(xiangpei.IDCheckDigit(id17)), Name: "求职者" + string(rune('甲'+i)),
						Phone: fmt.Sprintf("1370000%04d", i), Household: "urban", County: "430211"}.Validate(tx.Now, func(string) bool { return true })
					if err != nil {
						return 0, err
					}
					if p, err = tx.CreatePerson(p); err != nil {
						return 0, err
					}
					actors[i] = xiangpei.Actor{AccountID: int64(900 + i), Name: "p", Role: xiangpei.RolePerson, PersonID: p.ID}
					if _, err := tx.SaveSearch(actors[i].Scope(), store.SavedSearch{Filter: filters[i]}); err != nil {
						return 0, err
					}
				}
				return 0, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			type spec struct {
				emp        xiangpei.Actor
				title, occ string
				county     string
				wt         xiangpei.WorkType
			}
			for _, s := range []spec{
				{x.empA, "焊工", "6-18-02-04", "430211", xiangpei.FullTime},
				{x.empA, "维修电工", "6-31-01-03", "430211", xiangpei.PartTime},
				{x.otherA, "装配工", "6-18-02-04", "430202", xiangpei.FullTime},
				{x.otherA, "养老护理员", "4-10-01-05", "430202", xiangpei.PartTime},
				{x.empA, "护理员", "4-10-01-05", "430211", xiangpei.FullTime},
			} {
				p := x.posting(s.title, 3000, s.county)
				p.Occupation, p.WorkType = s.occ, s.wt
				if s.wt == xiangpei.PartTime {
					p.Salary = xiangpei.Salary{MinFen: 2500, MaxFen: 3000, Unit: xiangpei.PerHour}
				}
				if q, v, err := x.submit(s.emp, x.save(t, s.emp, p)); err != nil || q.Status != xiangpei.PostingPublished {
					t.Fatalf("publish %s: %v %+v", s.title, err, v)
				}
			}
			some := 0
			for i, f := range filters {
				list, _, err := db.PublicPostings(ctx, f, store.Page{Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				var want []int64
				for _, p := range list {
					want = append(want, p.ID)
				}
				slices.Sort(want)
				if got := alertedPostings(t, db, actors[i]); !slices.Equal(got, want) {
					t.Fatalf("filter %+v: alerted %v, the job list shows %v", f, got, want)
				}
				some += len(want)
			}
			if some == 0 {
				t.Fatal("no filter matched any posting: the comparison proves nothing")
			}
		})
	}
}
