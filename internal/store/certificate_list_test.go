package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var clSeq = 0

// clAssessor registers an assessment body in county.
func clAssessor(t *testing.T, db *store.DB, name, county string) xiangpei.Organisation {
	t.Helper()
	clSeq++
	code17 := fmt.Sprintf("52%s%09d", county, clSeq)
	o, err := store.Do(context.Background(), db, xiangpei.Actor{Name: "test"}, func(tx *store.Tx) (xiangpei.Organisation, error) {
		return tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgAssessor, Name: name, County: county,
			CreditCode: xiangpei.CreditCode(code17 + string(xiangpei.CreditCheckChar(code17)))})
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// clIssue issues a certificate of level by body o to p on day ("" today), numbered by source id.
func clIssue(t *testing.T, db *store.DB, o xiangpei.Organisation, p xiangpei.Person, level, day string, source int64) xiangpei.Certificate {
	t.Helper()
	c, err := store.Do(context.Background(), db, xiangpei.Actor{Name: "test"}, func(tx *store.Tx) (xiangpei.Certificate, error) {
		return tx.IssueCertificate(xiangpei.Certificate{Level: level, PersonID: p.ID, County: o.County, OccupationCode: "4-10-01-05",
			IssuerOrgID: o.ID, IssuedOn: day, Source: xiangpei.CertFromAssessment, SourceID: source})
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func clNumbers(cs []xiangpei.Certificate) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Number)
	}
	return strings.Join(out, ",")
}

// TestCertificateListsInScope: each scope sees exactly its certificates — the issuing body its
// own, an officer those issued in the region, a person theirs — and the filters, paging and
// years work on both engines.
func TestCertificateListsInScope(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			storetest.NewTraining(t, db)
			a := clAssessor(t, db, "天元评价中心", "430211")
			b := clAssessor(t, db, "荷塘评价中心", "430202")
			p1 := certHolder(t, db, "43021119900101231", "张三丰")
			p2 := certHolder(t, db, "43020219920202232", "李四")
			c1 := clIssue(t, db, a, p1, "4", "", 1)
			c2 := clIssue(t, db, a, p2, "special", "", 2)
			c3 := clIssue(t, db, b, p2, "5", "", 3)
			c4 := clIssue(t, db, a, p1, "5", "2025-06-01", 4)
			want := func(s xiangpei.Scope, f store.CertFilter, exp ...xiangpei.Certificate) {
				t.Helper()
				got, total, err := db.Certificates(ctx, s, f, store.Page{})
				if err != nil {
					t.Fatal(err)
				}
				if clNumbers(got) != clNumbers(exp) || total != len(exp) {
					t.Errorf("scope %+v filter %+v: got %s (%d), want %s", s, f, clNumbers(got), total, clNumbers(exp))
				}
			}
			all := store.CertFilter{}
			// Newest first: issued_on, then number.
			want(xiangpei.Scope{All: true}, all, c3, c2, c1, c4)
			want(xiangpei.Scope{OrgID: a.ID}, all, c2, c1, c4)
			want(xiangpei.Scope{OrgID: b.ID}, all, c3)
			want(xiangpei.Scope{Region: "430211"}, all, c2, c1, c4)
			want(xiangpei.Scope{Region: "430202"}, all, c3)
			want(xiangpei.Scope{Region: "4302"}, all, c3, c2, c1, c4)
			want(xiangpei.Scope{PersonID: p1.ID}, all, c1, c4)
			want(xiangpei.Scope{PersonID: p2.ID}, all, c3, c2)
			want(xiangpei.Scope{PersonID: -1}, all)
			want(xiangpei.Scope{}, all)
			// Filters.
			spaced := strings.ToLower(c1.Number[:6]) + "-" + c1.Number[6:]
			want(xiangpei.Scope{All: true}, store.CertFilter{Number: spaced}, c1)
			want(xiangpei.Scope{All: true}, store.CertFilter{Number: c1.Number[:10]}, c1)
			want(xiangpei.Scope{All: true}, store.CertFilter{Name: "三丰"}, c1, c4)
			want(xiangpei.Scope{All: true}, store.CertFilter{Name: "%"})
			want(xiangpei.Scope{All: true}, store.CertFilter{Occupation: "养老"}, c3, c2, c1, c4)
			want(xiangpei.Scope{All: true}, store.CertFilter{Occupation: "4-10-01-05"}, c3, c2, c1, c4)
			want(xiangpei.Scope{All: true}, store.CertFilter{Occupation: "焊工"})
			want(xiangpei.Scope{All: true}, store.CertFilter{Kind: xiangpei.CertSpecial}, c2)
			want(xiangpei.Scope{All: true}, store.CertFilter{Year: 2025}, c4)
			want(xiangpei.Scope{All: true}, store.CertFilter{Status: xiangpei.CertRevoked})
			want(xiangpei.Scope{All: true}, store.CertFilter{IssuerID: b.ID}, c3)
			want(xiangpei.Scope{OrgID: b.ID}, store.CertFilter{IssuerID: a.ID})
			// Paging.
			page, total, err := db.Certificates(ctx, xiangpei.Scope{All: true}, all, store.Page{Offset: 2, Limit: 2})
			if err != nil || total != 4 || clNumbers(page) != clNumbers([]xiangpei.Certificate{c1, c4}) {
				t.Errorf("second page: %s of %d, %v", clNumbers(page), total, err)
			}
			if page[0].HolderName != "张三丰" || page[0].OccupationName == "" || page[0].IssuerName != "天元评价中心" {
				t.Errorf("a listed certificate lacks its names: %+v", page[0])
			}
			years, err := db.CertificateYears(ctx, xiangpei.Scope{OrgID: a.ID})
			if err != nil || fmt.Sprint(years) != "[2026 2025]" {
				t.Errorf("years of A: %v, %v", years, err)
			}
			if years, _ := db.CertificateYears(ctx, xiangpei.Scope{OrgID: b.ID}); fmt.Sprint(years) != "[2026]" {
				t.Errorf("years of B: %v", years)
			}
		})
	}
}

// TestCertificateRevocation: only the issuing body or the issuer's region reaches a
// certificate to revoke it; a reason is required; a stale version is refused; the revocation
// is audited, tells the holder in the message centre and shows everywhere; a second
// revocation is a Conflict.
func TestCertificateRevocation(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			w := storetest.NewTraining(t, db)
			a := clAssessor(t, db, "天元评价中心", "430211")
			b := clAssessor(t, db, "荷塘评价中心", "430202")
			p := certHolder(t, db, "43021119900101231", "张三丰")
			acc, err := store.Do(ctx, db, w.Admin, func(tx *store.Tx) (xiangpei.Account, error) {
				return tx.CreateAccount(xiangpei.AccountInput{Login: "13907331234", DisplayName: "张三丰", Role: xiangpei.RolePerson,
					PersonID: p.ID}, "x", false)
			})
			if err != nil {
				t.Fatal(err)
			}
			c := clIssue(t, db, a, p, "4", "", 1)
			revoke := func(s xiangpei.Scope, version int64, reason string) (xiangpei.Certificate, error) {
				return store.Do(ctx, db, xiangpei.Actor{Name: "revoker"}, func(tx *store.Tx) (xiangpei.Certificate, error) {
					r, err := tx.RevokeCertificate(s, c.ID, version, reason)
					if err != nil {
						return r, err
					}
					_, err = tx.NotifyPerson(r.PersonID, "证书已撤销："+r.Number)
					return r, err
				})
			}
			for _, s := range []xiangpei.Scope{{OrgID: b.ID}, {Region: "430202"}, {Region: "none"}} {
				if _, err := revoke(s, c.Version, "考评员违规"); !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("scope %+v: got %v, want NotFound", s, err)
				}
			}
			if _, err := revoke(xiangpei.Scope{PersonID: p.ID}, c.Version, "考评员违规"); !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Errorf("the holder revoking: %v", err)
			}
			if _, err := revoke(xiangpei.Scope{OrgID: a.ID}, c.Version, " 无 "); !xiangpei.IsKind(err, xiangpei.Invalid) {
				t.Errorf("a one-character reason: %v", err)
			}
			if _, err := revoke(xiangpei.Scope{OrgID: a.ID}, c.Version+1, "考评员违规"); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("a stale version: %v", err)
			}
			if got, _ := db.Certificate(ctx, xiangpei.Scope{All: true}, c.ID); got.Status != xiangpei.CertValid || got.Version != 1 {
				t.Fatalf("refused revocations changed the certificate: %+v", got)
			}
			audits, _ := db.AuditCount(ctx)
			w.Clock.Add(3600e9)
			r, err := revoke(xiangpei.Scope{Region: "4302"}, c.Version, "  考评员违规  ")
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != xiangpei.CertRevoked || r.RevokedReason != "考评员违规" || !r.RevokedAt.Equal(w.Now()) || r.Version != 2 {
				t.Errorf("revoked: %+v", r)
			}
			if n, _ := db.AuditCount(ctx); n != audits+1 {
				t.Errorf("audit entries: %d, want %d (the revocation, which the holder's message rides on)", n, audits+1)
			}
			msgs, err := db.Messages(ctx, acc.ID, store.Page{})
			if err != nil || len(msgs) != 1 || msgs[0].Channel != "inbox" || !strings.Contains(msgs[0].Body, c.Number) {
				t.Errorf("the holder's messages: %+v, %v", msgs, err)
			}
			// Revoked everywhere: by number, in lists, for the holder.
			byNum, err := db.CertificateByNumber(ctx, c.Number)
			if err != nil || byNum.Status != xiangpei.CertRevoked || byNum.Verdict().RevokedOn == "" {
				t.Errorf("by number: %+v, %v", byNum, err)
			}
			if l, n, _ := db.Certificates(ctx, xiangpei.Scope{PersonID: p.ID}, store.CertFilter{Status: xiangpei.CertRevoked}, store.Page{}); n != 1 || l[0].ID != c.ID {
				t.Errorf("the holder's revoked list: %d", n)
			}
			if _, err := revoke(xiangpei.Scope{OrgID: a.ID}, r.Version, "再次撤销"); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("revoking twice: %v", err)
			} else if e, ok := err.(*xiangpei.Error); !ok || e.Key != "cert.already_revoked" {
				t.Errorf("revoking twice: %v, want cert.already_revoked", err)
			}
			if n, _ := db.AuditCount(ctx); n != audits+1 {
				t.Errorf("a refused revocation was audited")
			}
		})
	}
}
