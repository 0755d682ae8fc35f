package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestPersonBlacklistPages: the registry officer of the person's county puts a person on the
// blacklist from the person page (JSON twin too); another county's officer gets 404, an
// officer without the registry duty 403; bad input is refused in Chinese with nothing written;
// the page and the JSON show the entry; the audit trail has it.
func TestPersonBlacklistPages(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newRegWorld(t, db)
			a := fmt.Sprint(w.personA.ID)
			in := map[string]any{"reason": "伪造务工证明骗取补贴", "evidence": "天人社稽〔2026〕12号", "starts_on": "2026-01-01", "ends_on": "2099-12-31"}
			w.want(http.StatusNotFound, w.officerA, "POST", "/api/v1/persons/"+fmt.Sprint(w.personB.ID)+"/sanctions", in)
			w.want(http.StatusForbidden, w.officerB, "POST", "/api/v1/persons/"+a+"/sanctions", in)
			w.want(http.StatusForbidden, w.staffA, "POST", "/api/v1/persons/"+a+"/sanctions", in)
			bad := map[string]any{"reason": "伪造务工证明", "evidence": "", "starts_on": "2026-01-01"}
			if body := w.want(http.StatusUnprocessableEntity, w.officerA, "POST", "/api/v1/persons/"+a+"/sanctions", bad); !strings.Contains(body, "证据") {
				t.Errorf("no evidence: %s", body)
			}
			if n := w.auditCount("person.sanction_add", w.personA.ID); n != 0 {
				t.Fatalf("a refusal wrote %d audit entries", n)
			}
			body := w.want(http.StatusCreated, w.officerA, "POST", "/api/v1/persons/"+a+"/sanctions", in)
			if m := decode(t, body); m["kind"] != "blacklist" || m["in_force"] != true {
				t.Fatalf("created %s", body)
			}
			if n := w.auditCount("person.sanction_add", w.personA.ID); n != 1 {
				t.Fatalf("audit entries %d", n)
			}
			if body := w.want(http.StatusOK, w.officerA, "GET", "/api/v1/persons/"+a+"/sanctions", nil); !strings.Contains(body, "天人社稽") {
				t.Errorf("JSON list: %s", body)
			}
			w.want(http.StatusNotFound, w.officerB, "GET", "/api/v1/persons/"+fmt.Sprint(w.personA.ID)+"/sanctions", nil)
			if body := w.want(http.StatusOK, w.officerA, "GET", "/api/v1/persons/"+a, nil); !strings.Contains(body, `"sanctions":[{`) {
				t.Errorf("person JSON: %s", body)
			}
			page := w.want(http.StatusOK, w.officerA, "GET", "/registry/persons/"+a, nil)
			for _, s := range []string{"失信记录", "伪造务工证明骗取补贴", "此人目前在失信人员名单中", "列入失信人员名单"} {
				if !strings.Contains(page, s) {
					t.Errorf("person page lacks %q", s)
				}
			}
			// the HTML form answers with a redirect to the page
			if st, loc := w.call(w.officerA, "POST", "/registry/persons/"+a+"/sanctions", url.Values{"reason": {"再次违规"},
				"evidence": {"稽核记录2"}, "starts_on": {"2026-02-01"}}); st != http.StatusSeeOther || !strings.Contains(loc, "done=registry_person_sanction_added") {
				t.Errorf("form: %d %s", st, loc)
			}
		})
	}
}

// TestClaimRefusalsOverHTTP: a person claim after the certificate's window, a class claim after
// the class's window and a blacklisted person's claim are refused with a Chinese message that
// names the day, and no claim is written.
func TestClaimRefusalsOverHTTP(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw, certs := claimWebWorld(t, db)
			ctx := context.Background()
			count := func() int {
				_, n, err := db.Claims(ctx, xiangpei.Scope{All: true}, store.ClaimFilter{}, store.Page{})
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			issued, _ := time.ParseInLocation(time.DateOnly, certs[cw.person.ID].IssuedOn, xiangpei.ChinaTime)
			closes := issued.AddDate(1, 0, 0)
			cw.at(closes.Add(36 * time.Hour))
			tok := cw.token(cw.trainee.ID)
			st, raw, _ := cw.request(tok, http.MethodPost, "/api/v1/me/claims", map[string]any{"certificate": certs[cw.person.ID].ID})
			if want := "该证书的申领期限已于 " + closes.Format(time.DateOnly) + " 截止"; st != http.StatusConflict || !strings.Contains(string(raw), want) {
				t.Errorf("late person claim: %d %s, want %q", st, raw, want)
			}
			end := cw.c.LastSession.In(xiangpei.ChinaTime).AddDate(1, 0, 90)
			cw.at(end.Add(time.Hour))
			st, raw, _ = cw.request(cw.instTok, http.MethodPost, "/api/v1/claims", map[string]any{"class": cw.c.ID})
			if want := "该班级的申领期限已于 " + end.Format(time.DateOnly) + " 截止"; st != http.StatusConflict || !strings.Contains(string(raw), want) {
				t.Errorf("late class claim: %d %s, want %q", st, raw, want)
			}
			if n := count(); n != 0 {
				t.Fatalf("%d claims written", n)
			}
			// a blacklisted person, inside the window
			cw.at(cw.c.LastSession.Add(72 * time.Hour))
			reg := xiangpei.Actor{AccountID: 77, Name: "ty_reg", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyRegistry}}
			if _, err := store.Do(ctx, db, reg, func(tx *store.Tx) (store.PersonSanction, error) {
				return tx.AddPersonSanction(reg.Scope(), cw.person.ID, xiangpei.SanctionEntry{Reason: "冒名顶替", Evidence: "稽核记录1",
					StartsOn: "2026-01-01"})
			}); err != nil {
				t.Fatal(err)
			}
			st, raw, _ = cw.request(tok, http.MethodPost, "/api/v1/me/claims", map[string]any{"certificate": certs[cw.person.ID].ID})
			if st != http.StatusConflict || !strings.Contains(string(raw), "失信人员名单") {
				t.Errorf("blacklisted person claim: %d %s", st, raw)
			}
			if n := count(); n != 0 {
				t.Fatalf("%d claims written", n)
			}
		})
	}
}
