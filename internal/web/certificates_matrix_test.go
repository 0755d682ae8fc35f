package web

import (
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixCertificates adds this area's objects to the authorisation matrix: for every role label in
// w.own, an object the role may reach and one it may not. {cert} is a certificate issued by the
// own county's assessment body to the own person, and one issued by the other county's body to
// the other person; {number} (public, not a tenant parameter) is the own certificate's number.
func matrixCertificates(t *testing.T, tx *store.Tx, w *matrixWorld, orgs map[xiangpei.OrgKind][2]xiangpei.Organisation, own, foreign xiangpei.Person) {
	t.Helper()
	issue := func(o xiangpei.Organisation, p xiangpei.Person) xiangpei.Certificate {
		c, err := tx.IssueCertificate(xiangpei.Certificate{Level: "4", PersonID: p.ID, County: o.County, OccupationCode: "4-10-01-05",
			IssuerOrgID: o.ID, Source: xiangpei.CertFromAssessment, SourceID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cOwn := issue(orgs[xiangpei.OrgAssessor][0], own)
	cForeign := issue(orgs[xiangpei.OrgAssessor][1], foreign)
	for label := range w.own {
		w.own[label]["cert"], w.foreign[label]["cert"] = fmt.Sprint(cOwn.ID), fmt.Sprint(cForeign.ID)
		w.own[label]["number"], w.foreign[label]["number"] = cOwn.Number, cOwn.Number
	}
}
