package web

import (
	"fmt"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixClaims adds this area's objects to the authorisation matrix: for each institution a
// closed subsidised class (a copy of the matrix class, later the same days) with one trainee
// who attended everything and holds a certificate, and the institution's draft claim for it.
// {claim} is the own institution's claim (天元区 430211) for every role, and the foreign one
// is 荷塘区's (430202).
func matrixClaims(t *testing.T, tx *store.Tx, w *matrixWorld, own, foreign xiangpei.Class) {
	t.Helper()
	ids := [2]int64{}
	now := tx.Now
	defer func() { tx.Now = now }()
	for i, base := range []xiangpei.Class{own, foreign} {
		tx.Now = now
		in := store.ClassInputOf(base)
		in.Name, in.Funding = "申领测试班", xiangpei.FundingSubsidised
		for j := range in.Sessions {
			in.Sessions[j].ID = 0
			in.Sessions[j].Starts, in.Sessions[j].Ends = in.Sessions[j].Starts.Add(8*time.Hour), in.Sessions[j].Ends.Add(8*time.Hour)
		}
		orgScope := xiangpei.Scope{OrgID: base.OrgID}
		c, err := tx.CreateClass(orgScope, base.OrgID, in)
		if err != nil {
			t.Fatal(err)
		}
		if c, err = tx.MoveClass(orgScope, c.ID, c.Version, xiangpei.ClassSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if c, err = tx.MoveClass(xiangpei.Scope{Region: base.County}, c.ID, c.Version, xiangpei.ClassApprove, ""); err != nil {
			t.Fatal(err)
		}
		p := person(t, tx, fmt.Sprintf("%s19920303%03d", base.County, 400+i), "申领学员", fmt.Sprintf("1390000%04d", 400+i), base.County)
		if _, err := tx.AddTrainee(xiangpei.Scope{All: true}, c.ID, p.ID, xiangpei.SourceManual); err != nil {
			t.Fatal(err)
		}
		tx.Now = c.FirstSession.Add(-time.Minute)
		if c, err = tx.MoveClass(orgScope, c.ID, c.Version, xiangpei.ClassStart, ""); err != nil {
			t.Fatal(err)
		}
		tx.Now = c.LastSession.Add(time.Hour)
		var evs []xiangpei.Event
		for _, x := range c.Sessions {
			evs = append(evs, xiangpei.Event{SessionID: x.ID, PersonID: p.ID, Kind: xiangpei.CheckIn, At: x.Starts, Source: xiangpei.FromImport},
				xiangpei.Event{SessionID: x.ID, PersonID: p.ID, Kind: xiangpei.CheckOut, At: x.Ends, Source: xiangpei.FromImport})
		}
		if res, err := tx.IngestEvents(base.OrgID, evs); err != nil || len(res.Refused) > 0 {
			t.Fatalf("ingest: %v %+v", err, res.Refused)
		}
		if c, _, err = tx.CloseClass(orgScope, c.ID, c.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.IssueCertificate(xiangpei.Certificate{Level: "5", PersonID: p.ID, County: base.County, OccupationCode: c.OccupationCode,
			IssuerName: "株洲市职业技能鉴定中心", IssuedOn: c.LastSession.In(xiangpei.ChinaTime).Format(time.DateOnly),
			Source: xiangpei.CertSource("assessment")}); err != nil {
			t.Fatal(err)
		}
		tx.Now = c.LastSession.Add(48 * time.Hour)
		k, err := tx.CreateClassClaim(orgScope, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = k.ID
	}
	for label := range w.own {
		w.own[label]["claim"], w.foreign[label]["claim"] = fmt.Sprint(ids[0]), fmt.Sprint(ids[1])
	}
}
