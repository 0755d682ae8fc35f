package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/match"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

type matchesAnswer struct {
	Matches []struct {
		PostingID json.Number `json:"posting_id"`
		Score     int         `json:"score"`
		Reasons   []struct {
			Part   string `json:"part"`
			Points int    `json:"points"`
			Text   string `json:"text"`
		} `json:"reasons"`
		Gaps []struct {
			Kind, What, Class string
		} `json:"gaps"`
	} `json:"matches"`
	Widened []string `json:"widened"`
}

func decodeMatches(t *testing.T, b []byte) matchesAnswer {
	t.Helper()
	var m matchesAnswer
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return m
}

// brute is what the page must show: match.BruteJobsFor over the open postings in the store and
// the person's profile as the store builds it.
func bruteFor(t *testing.T, db *store.DB, je *jobsEnv) match.Result {
	t.Helper()
	posts, err := db.OpenPostings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	prof, ok, err := db.SeekerProfile(context.Background(), je.person.ID)
	if err != nil || !ok {
		t.Fatalf("profile: %v %v", ok, err)
	}
	short, err := db.ShortageOccupationsInForce(context.Background(), je.clock.now())
	if err != nil {
		t.Fatal(err)
	}
	return match.BruteJobsFor(posts, prof, myMatchesTop, match.Options{Now: je.clock.now().UTC(), Shortage: match.NewShortage(short)})
}

func sameAsBrute(t *testing.T, got matchesAnswer, want match.Result) {
	t.Helper()
	if len(got.Matches) != len(want.Hits) {
		t.Fatalf("page has %d matches, brute force %d", len(got.Matches), len(want.Hits))
	}
	for i, h := range want.Hits {
		g := got.Matches[i]
		if g.PostingID.String() != fmt.Sprint(h.ID) || g.Score != h.Score || len(g.Reasons) != len(h.Reasons) {
			t.Fatalf("match %d: page %v/%d, brute force %d/%d", i, g.PostingID, g.Score, h.ID, h.Score)
		}
		for j, r := range h.Reasons {
			if g.Reasons[j].Part != r.Part || g.Reasons[j].Points != r.Points || g.Reasons[j].Text == "" {
				t.Fatalf("match %d reason %d: page %+v, brute force %+v", i, j, g.Reasons[j], r)
			}
		}
	}
}

// TestMatchesBothWays: a person saves preferences and sees the best jobs exactly as the brute
// force ranks them, with reasons and, for a posting asking for a certificate they lack, the gap
// linked to the class catalogue; a posting published afterwards shows up without a restart and
// a closed one goes; the employer sees the person among the posting's matches with the ID number
// masked only, and another employer's posting matches are 404.
func TestMatchesBothWays(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			st, b, _ := je.request(je.personTok, http.MethodPost, "/api/v1/me/profile", map[string]any{"version": 0,
				"occupations": "6-18-02-04", "counties": []string{"430211"}, "salary_yuan": 4000, "salary_unit": "month",
				"work_types": []string{"full_time"}, "skills": "识图、氩弧焊"})
			if st != http.StatusOK {
				t.Fatalf("save profile: %d %s", st, b)
			}
			if st, b, _ = je.request(je.personTok, http.MethodPost, "/api/v1/me/profile", map[string]any{"version": 1,
				"occupations": "9-99-99-99"}); st != http.StatusUnprocessableEntity || !strings.Contains(string(b), "9-99-99-99") {
				t.Fatalf("unknown occupation: %d %s", st, b)
			}
			weld := je.createAndSubmit(t, je.empTok, je.postingBody("钢结构焊工", "4500", "负责钢结构焊接"))
			certBody := je.postingBody("持证焊工", "5000", "负责压力管道焊接")
			certBody["certificates"] = "压力管道焊工证"
			cert := je.createAndSubmit(t, je.empTok, certBody)
			far := je.postingBody("物流焊工", "3800", "负责货架焊接")
			far["county"], far["lat"], far["lng"] = "430202", 27.86, 113.17
			farP := je.createAndSubmit(t, je.otherTok, far)
			for _, p := range []map[string]any{weld, cert, farP} {
				if p["status"] != "published" {
					t.Fatalf("posting not published: %v", p)
				}
			}

			// 焊工 is on 株洲市's shortage list: the postings in its counties are favoured for it.
			if _, err := store.Do(context.Background(), db, xiangpei.Actor{Name: "city"}, func(tx *store.Tx) (int, error) {
				sc := xiangpei.Scope{Region: xiangpei.RegionPrefix("430200")}
				y := tx.Now.In(xiangpei.ChinaTime).Year()
				l, err := tx.CreateShortageList(sc, xiangpei.ShortageListInput{Region: "430200", Title: "株洲市紧缺工种目录",
					From: fmt.Sprintf("%d-01-01", y), To: fmt.Sprintf("%d-12-31", y)})
				if err == nil {
					l, err = tx.AddShortageEntry(sc, l.ID, l.Version, xiangpei.ShortageEntryInput{OccupationCode: "6-18-02-04",
						Level: "4", Degree: xiangpei.ShortageModerate, UpliftPct: 10})
				}
				if err == nil {
					_, err = tx.MoveShortageList(sc, l.ID, l.Version, xiangpei.ShortagePublish, "")
				}
				return 0, err
			}); err != nil {
				t.Fatal(err)
			}

			// The first view loads the index; the list equals the brute force.
			st, b, _ = je.request(je.personTok, http.MethodGet, "/api/v1/me/matches", nil)
			if st != http.StatusOK {
				t.Fatalf("matches: %d %s", st, b)
			}
			got := decodeMatches(t, b)
			sameAsBrute(t, got, bruteFor(t, db, je))
			if len(got.Matches) != 3 {
				t.Fatalf("want the three postings, got %d", len(got.Matches))
			}
			for _, m := range got.Matches {
				short := false
				for _, r := range m.Reasons {
					short = short || (r.Part == xiangpei.MatchShortage && r.Points == 5 && strings.Contains(r.Text, "紧缺"))
				}
				if !short {
					t.Fatalf("posting %v in 株洲市 is not favoured as a shortage occupation: %+v", m.PostingID, m.Reasons)
				}
				for _, r := range m.Reasons {
					if r.Part == xiangpei.MatchSkills && r.Points != 15 {
						t.Fatalf("the skills named on the profile (识图、氩弧焊) are not counted: %+v", r)
					}
					if r.Part == xiangpei.MatchWorkType && (strings.Contains(r.Text, "full_time") || !strings.Contains(r.Text, "全职")) {
						t.Fatalf("the work type is not said in words: %q", r.Text)
					}
				}
			}
			gapped := false
			for _, m := range got.Matches {
				if m.PostingID.String() == fmt.Sprint(cert["id"]) {
					for _, g := range m.Gaps {
						gapped = gapped || (g.Kind == "certificate" && g.What == "压力管道焊工证" && strings.HasPrefix(g.Class, "/courses"))
					}
				}
			}
			if !gapped {
				t.Fatalf("the certificate gap is not shown with a class link: %s", b)
			}

			// A posting published now shows up without a restart; a closed one goes.
			fresh := je.createAndSubmit(t, je.empTok, je.postingBody("新发布焊工", "6000", "负责焊接"))
			st, b, _ = je.request(je.empTok, http.MethodPost, fmt.Sprintf("/api/v1/postings/%v/close", weld["id"]), map[string]any{"version": weld["version"]})
			if st != http.StatusOK {
				t.Fatalf("close: %d %s", st, b)
			}
			_, b, _ = je.request(je.personTok, http.MethodGet, "/api/v1/me/matches", nil)
			got = decodeMatches(t, b)
			sameAsBrute(t, got, bruteFor(t, db, je))
			ids := []string{}
			for _, m := range got.Matches {
				ids = append(ids, m.PostingID.String())
			}
			if !strings.Contains(strings.Join(ids, " "), fmt.Sprint(fresh["id"])) || strings.Contains(strings.Join(ids, " "), fmt.Sprint(weld["id"])) {
				t.Fatalf("after publishing %v and closing %v: %v", fresh["id"], weld["id"], ids)
			}

			// The HTML pages render.
			pb := je.browser()
			pb.signIn(je.personAcct, testPassword)
			if st, html, _ := pb.get("/me/matches"); st != http.StatusOK || !strings.Contains(html, "新发布焊工") || !strings.Contains(html, "/courses") {
				t.Fatalf("matches page: %d", st)
			}
			if st, html, _ := pb.get("/me/profile"); st != http.StatusOK || !strings.Contains(html, "6-18-02-04") {
				t.Fatalf("profile page: %d", st)
			}

			// The employer: the person among the matches, masked ID only; another's posting is 404.
			full := string(je.person.IDNumber)
			st, b, _ = je.request(je.empTok, http.MethodGet, fmt.Sprintf("/api/v1/employer/postings/%v/matches", fresh["id"]), nil)
			if st != http.StatusOK || !strings.Contains(string(b), je.person.MaskedID()) || strings.Contains(string(b), full) {
				t.Fatalf("employer matches: %d %s", st, b)
			}
			st, html, _ := je.request(je.empTok, http.MethodGet, fmt.Sprintf("/employer/postings/%v/matches", fresh["id"]), nil)
			if st != http.StatusOK || !strings.Contains(string(html), je.person.MaskedID()) || strings.Contains(string(html), full) {
				t.Fatalf("employer matches page: %d", st)
			}
			if st, _, _ := je.request(je.otherTok, http.MethodGet, fmt.Sprintf("/api/v1/employer/postings/%v/matches", fresh["id"]), nil); st != http.StatusNotFound {
				t.Fatalf("another employer's posting: %d", st)
			}
		})
	}
}

// TestSeekerProfileVerifiedCredentials: the profile page lists a valid certificate of the
// person marked verified, and the matching profile takes its occupation and level.
func TestSeekerProfileVerifiedCredentials(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			creds, err := db.VerifiedCredentials(context.Background(), je.person.ID)
			if err != nil || len(creds) != 0 {
				t.Fatalf("a new person has credentials: %v %v", creds, err)
			}
			p := store.BuildSeekerProfile(store.SeekerPrefs{PersonID: 7, Occupations: []string{"4-10-01-05"}},
				[]store.VerifiedCredential{{Kind: "class", Occupation: "6-18-02-04"}, {Kind: "certificate", Occupation: "6-18-02-04", Level: "4"},
					{Kind: "certificate", Occupation: "4-10-01-05", Level: "5"}}, map[string]string{"6-18-02-04": "焊工"})
			if strings.Join(p.Occupations, ",") != "6-18-02-04,4-10-01-05" || p.Level != "4" || !strings.Contains(strings.Join(p.Certificates, ","), "焊工") {
				t.Fatalf("profile: %+v", p)
			}
			if g := xiangpei.NearMiss(p, xiangpei.JobPosting{Level: "3", Certificates: []string{"焊工"}}); len(g) != 1 || g[0].Kind != "level" {
				t.Fatalf("gaps: %+v", g)
			}
		})
	}
}

// TestMatchIndexFollowsTheRecord: once the index is loaded, a change of a seeker's record
// made through the platform reaches employers' lists without a restart — here a revoked
// certificate takes the certificate points away.
func TestMatchIndexFollowsTheRecord(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			ctx := context.Background()
			cert, err := store.Do(ctx, db, xiangpei.Actor{Name: "test"}, func(tx *store.Tx) (xiangpei.Certificate, error) {
				return tx.IssueCertificate(xiangpei.Certificate{Level: "4", PersonID: je.person.ID, County: "430211", OccupationCode: "6-18-02-04",
					IssuerName: "株洲市职业技能等级认定中心", Source: xiangpei.CertFromAssessment, SourceID: 1})
			})
			if err != nil {
				t.Fatal(err)
			}
			if st, b, _ := je.request(je.personTok, http.MethodPost, "/api/v1/me/profile", map[string]any{"version": 0,
				"occupations": "6-18-02-04", "counties": []string{"430211"}}); st != http.StatusOK {
				t.Fatalf("save profile: %d %s", st, b)
			}
			body := je.postingBody("持证焊工", "5000", "负责压力管道焊接")
			body["certificates"] = "焊工"
			p := je.createAndSubmit(t, je.empTok, body)
			certPoints := func() int {
				t.Helper()
				st, b, _ := je.request(je.empTok, http.MethodGet, fmt.Sprintf("/api/v1/employer/postings/%v/matches", p["id"]), nil)
				var a struct {
					Matches []struct {
						PersonID json.Number `json:"person_id"`
						Reasons  []struct {
							Part   string `json:"part"`
							Points int    `json:"points"`
						} `json:"reasons"`
					} `json:"matches"`
				}
				d := json.NewDecoder(strings.NewReader(string(b)))
				d.UseNumber()
				if err := d.Decode(&a); st != http.StatusOK || err != nil || len(a.Matches) != 1 {
					t.Fatalf("posting matches: %d %v %s", st, err, b)
				}
				for _, r := range a.Matches[0].Reasons {
					if r.Part == xiangpei.MatchCert {
						return r.Points
					}
				}
				t.Fatalf("no certificate reason: %s", b)
				return -1
			}
			if n := certPoints(); n != 10 {
				t.Fatalf("with the certificate: %d points, want 10", n)
			}
			if st, b, _ := je.request(je.officerTok, http.MethodPost, fmt.Sprintf("/api/v1/certificates/%d/revoke", cert.ID),
				map[string]any{"version": cert.Version, "reason": "经核查，考试存在替考行为，依规撤销证书"}); st != http.StatusOK {
				t.Fatalf("revoke: %d %s", st, b)
			}
			if n := certPoints(); n != 0 {
				t.Fatalf("after the revocation: %d points, want 0 (the index kept the old profile)", n)
			}
		})
	}
}
