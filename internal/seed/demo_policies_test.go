package seed_test

import (
	"context"
	"testing"

	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoPolicies: the demo's policies are published and searchable by two-character words;
// the revised one shows only its new version.
func TestDemoPolicies(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			hits, n, err := db.SearchPolicies(ctx, store.PolicySearch{Query: "补贴", Kind: "policy"}, store.Page{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if n != len(seed.DemoPolicyTitles) {
				t.Errorf("补贴: %d policies, want %d", n, len(seed.DemoPolicyTitles))
			}
			for _, h := range hits {
				if h.Policy.Title == seed.DemoPolicyTitles[0] && h.Policy.ItemVersion != 2 {
					t.Errorf("revised policy found at version %d", h.Policy.ItemVersion)
				}
			}
			if _, n, err := db.SearchPolicies(ctx, store.PolicySearch{Query: "电工", Kind: "faq"}, store.Page{}); err != nil || n != 1 {
				t.Errorf("电工 in the FAQ: %d, %v", n, err)
			}
		})
	}
}
