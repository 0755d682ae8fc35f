package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// certHolder registers a person to hold certificates in tests.
func certHolder(t *testing.T, db *store.DB, id17, name string) xiangpei.Person {
	t.Helper()
	p, err := store.Do(context.Background(), db, xiangpei.Actor{Name: "test"}, func(tx *store.Tx) (xiangpei.Person, error) {
		p, err := xiangpei.PersonInput{IDNumber: id17 + string(xiangpei.IDCheckDigit(id17)), Name: name, Phone: "13907331234",
			Household: "rural", County: "430211"}.Validate(tx.Now, func(string) bool { return true })
		if err != nil {
			return p, err
		}
		return tx.CreatePerson(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCertificateNumbersUniqueUnderConcurrency: many issues in one series at the same moment
// take distinct serials 1..n, every number parses back to its series and serial, and the
// public lookup finds each by number in any spelling.
func TestCertificateNumbersUniqueUnderConcurrency(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			p := certHolder(t, db, "43021119900101231", "张三丰")
			const n = 24
			var wg sync.WaitGroup
			numbers := make([]string, n)
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, err := store.Do(context.Background(), db, w.Admin, func(tx *store.Tx) (xiangpei.Certificate, error) {
						return tx.IssueCertificate(xiangpei.Certificate{Level: "4", PersonID: p.ID, County: "430211",
							OccupationCode: "4-10-01-05", IssuerName: "株洲市职业技能等级认定中心", Source: xiangpei.CertFromAssessment, SourceID: int64(i + 1)})
					})
					numbers[i], errs[i] = c.Number, err
				}()
			}
			wg.Wait()
			seen := map[int64]bool{}
			for i, num := range numbers {
				if errs[i] != nil {
					t.Fatalf("issue %d: %v", i, errs[i])
				}
				cn, err := xiangpei.ParseCertNumber(num)
				if err != nil {
					t.Fatalf("%s does not parse: %v", num, err)
				}
				if cn.Series.Prefix() != "S430211264" || seen[cn.Serial] {
					t.Fatalf("%s: series %s serial %d repeated or wrong", num, cn.Series.Prefix(), cn.Serial)
				}
				seen[cn.Serial] = true
			}
			for s := int64(1); s <= n; s++ {
				if !seen[s] {
					t.Errorf("serial %d was skipped: got %v", s, seen)
				}
			}
			spaced := fmt.Sprintf(" %s-%s ", numbers[0][:8], numbers[0][8:])
			c, err := db.CertificateByNumber(context.Background(), spaced)
			if err != nil || c.Number != numbers[0] || c.HolderName != "张三丰" || c.Kind != xiangpei.CertSkill || c.Status != xiangpei.CertValid {
				t.Fatalf("lookup of %q: %+v, %v", spaced, c, err)
			}
			if _, err := db.Certificate(context.Background(), xiangpei.Scope{Region: "4302"}, c.ID); err != nil {
				t.Errorf("the city sees a certificate issued in its county: %v", err)
			}
			if _, err := db.Certificate(context.Background(), xiangpei.Scope{Region: "430202"}, c.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another county sees the certificate: %v", err)
			}
			if _, err := db.Certificate(context.Background(), xiangpei.Scope{PersonID: p.ID}, c.ID); err != nil {
				t.Errorf("the holder does not see their certificate: %v", err)
			}
		})
	}
}
