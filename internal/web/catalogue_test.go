package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// courseIDs lists the ids of a catalogue answer.
func courseIDs(m map[string]any) []int64 {
	var out []int64
	for _, x := range m["courses"].([]any) {
		out = append(out, num(x.(map[string]any)["id"]))
	}
	return out
}

// personAccount registers a person and gives them an account and an API token.
func (rw *rosterWorld) personAccount(t *testing.T, birth, seq, name, phone string) (xiangpei.Person, xiangpei.Account, string) {
	t.Helper()
	p := rw.rosterPerson(t, birth, seq, name, phone)
	a := rw.account(xiangpei.AccountInput{Login: phone, DisplayName: name, Role: xiangpei.RolePerson, PersonID: p.ID}, testPassword)
	return p, a, rw.token(a.ID)
}

// TestCatalogue: the public finds classes with open seats by county, occupation, sector and
// date, on pages and the API; classes not open to self-enrolment, drafts and unknown ids are
// 404s; bad filters are explained.
func TestCatalogue(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			rw := newRosterWorld(t, db)
			weld := rw.otherClass(t, func(in *xiangpei.ClassInput) {
				in.Name, in.OccupationCode, in.Sector = "焊工五级培训班", "6-18-02-04", "advanced_manufacturing"
			})
			internal := rw.smallClassWith(t, 5, func(in *xiangpei.ClassInput) { in.SelfEnrol = false })
			for _, tc := range []struct {
				query string
				want  []int64
			}{
				{"", []int64{rw.c.ID, weld.ID}},
				{"county=430202", []int64{weld.ID}},
				{"county=430200", []int64{rw.c.ID, weld.ID}},
				{"occupation=" + url.QueryEscape("护理"), []int64{rw.c.ID}},
				{"occupation=6-18", []int64{weld.ID}},
				{"sector=advanced_manufacturing", []int64{weld.ID}},
				{"from=2026-11-20", []int64{weld.ID}},
				{"from=2027-01-01", nil},
			} {
				st, m := rw.call(t, "", http.MethodGet, "/api/v1/courses?"+tc.query, nil)
				if st != 200 || !slices.Equal(courseIDs(m), tc.want) || num(m["total"]) != int64(len(tc.want)) {
					t.Errorf("%q: %d %v", tc.query, st, m)
				}
			}
			_, m := rw.call(t, "", http.MethodGet, "/api/v1/courses", nil)
			first := m["courses"].([]any)[0].(map[string]any)
			if first["org_name"] != "天元培训学校" || first["occupation_name"] == "" || first["venue_name"] == "" ||
				num(first["seats_left"]) != 30 || first["open"] != true || num(first["planned_minutes"]) != 540 {
				t.Errorf("course JSON %v", first)
			}
			for _, q := range []string{"county=abc", "from=16/11/2026"} {
				if st, m := rw.call(t, "", http.MethodGet, "/api/v1/courses?"+q, nil); st != http.StatusUnprocessableEntity || m["error"] == nil {
					t.Errorf("%s: %d %v", q, st, m)
				}
			}
			// The page, for anyone, on a phone.
			anon := rw.browser()
			code, body, _ := anon.get("/courses?occupation=" + url.QueryEscape("焊工"))
			if code != 200 || !strings.Contains(body, "焊工五级培训班") || strings.Contains(body, "养老护理员五级培训班") || !strings.Contains(body, "还剩30个名额") {
				t.Fatalf("catalogue page: %d %s", code, body)
			}
			if code, body, _ := anon.get("/courses?from=x"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "年-月-日") {
				t.Fatalf("bad date page: %d", code)
			}
			code, body, _ = anon.get(fmt.Sprintf("/courses/%d", rw.c.ID))
			if code != 200 || !strings.Contains(body, "天元培训学校") || !strings.Contains(body, "09:00–12:00") ||
				!strings.Contains(body, "/login?next=%2Fcourses%2F") || !strings.Contains(body, "周一") {
				t.Fatalf("course page: %d %s", code, body)
			}
			for _, id := range []int64{internal.ID, 12345} {
				if code, _, _ := anon.get(fmt.Sprintf("/courses/%d", id)); code != http.StatusNotFound {
					t.Errorf("course %d: %d", id, code)
				}
			}
			if code, _, _ := anon.get("/courses/abc"); code != http.StatusNotFound {
				t.Errorf("malformed id: %d", code)
			}
			// The public cannot enrol; an institution cannot either.
			if st, _ := rw.call(t, "", http.MethodPost, fmt.Sprintf("/api/v1/courses/%d/enrol", rw.c.ID), nil); st != http.StatusUnauthorized {
				t.Errorf("public enrols: %d", st)
			}
			if st, _ := rw.call(t, rw.instTok, http.MethodPost, fmt.Sprintf("/api/v1/courses/%d/enrol", rw.c.ID), nil); st != http.StatusForbidden {
				t.Errorf("institution enrols: %d", st)
			}
		})
	}
}

// otherClass files and approves a class of the other institution (荷塘区) on the fixture
// class's days, changed by mod.
func (rw *rosterWorld) otherClass(t *testing.T, mod func(in *xiangpei.ClassInput)) xiangpei.Class {
	t.Helper()
	cal, err := rw.db.Calendar(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	in := xiangpei.ClassInput{Name: "荷塘班", OccupationCode: "4-10-01-05", Level: "5", Funding: xiangpei.FundingSubsidised,
		TheoryHours: 6, VenueID: rw.w.OVenue.ID, TeacherIDs: []int64{rw.w.OTeacher.ID}, Capacity: 30, SelfEnrol: true,
		Sessions: storetest.Timetable(cal, time.Date(2026, 11, 23, 0, 0, 0, 0, xiangpei.ChinaTime), 2, rw.w.OVenue.ID, rw.w.OTeacher.ID)}
	mod(&in)
	c, err := store.Do(t.Context(), rw.db, rw.w.OtherA, func(tx *store.Tx) (xiangpei.Class, error) {
		return tx.CreateClass(rw.w.OtherA.Scope(), rw.w.Other.ID, in)
	})
	if err != nil {
		t.Fatal(err)
	}
	return rw.w.Move(t, rw.w.OtherA, c, xiangpei.ClassSubmit, xiangpei.ClassApprove)
}

// TestSelfEnrolment: a person sees before enrolling whether they may join and every reason if
// not, enrols, and finds the class on their timetable; a class under way closes to newcomers
// once they could no longer complete it.
func TestSelfEnrolment(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			rw := newRosterWorld(t, db)
			course := fmt.Sprintf("/courses/%d", rw.c.ID)

			// The fixture's trainee may join: the page says so, the API too.
			b := rw.browser()
			b.signIn(rw.trainee, testPassword)
			code, body, _ := b.get(course)
			if code != 200 || !strings.Contains(body, "您符合报名条件") || !strings.Contains(body, course+"/enrol") {
				t.Fatalf("eligible page: %d %s", code, body)
			}
			st, m := rw.call(t, rw.personTok, http.MethodGet, "/api/v1"+course, nil)
			el, _ := m["eligibility"].(map[string]any)
			if st != 200 || el["eligible"] != true || len(m["timetable"].([]any)) != 3 {
				t.Fatalf("eligibility API: %d %v", st, m)
			}
			code, _, h := b.post(course+"/enrol", nil)
			if code != http.StatusSeeOther || h.Get("Location") != "/me/timetable?done=course_enrolled" {
				t.Fatalf("enrol: %d %v", code, h)
			}
			code, body, _ = b.get(h.Get("Location"))
			if code != 200 || !strings.Contains(body, "报名成功") || !strings.Contains(body, rw.c.Name) ||
				!strings.Contains(body, "2026-11-16 周一") || !strings.Contains(body, "09:00–12:00") || !strings.Contains(body, "实训楼") {
				t.Fatalf("timetable page: %d %s", code, body)
			}
			st, m = rw.call(t, rw.personTok, http.MethodGet, "/api/v1/me/timetable", nil)
			if st != 200 || len(m["upcoming"].([]any)) != 3 || len(m["past"].([]any)) != 0 {
				t.Fatalf("timetable API: %d %v", st, m)
			}
			up := m["upcoming"].([]any)[0].(map[string]any)
			if up["class_name"] != rw.c.Name || up["start"] != "09:00" || up["date"] != "2026-11-16" || up["venue_name"] == "" {
				t.Fatalf("timetable entry %v", up)
			}
			_, m = rw.call(t, rw.instTok, http.MethodGet, fmt.Sprintf("/api/v1/classes/%d/roster", rw.c.ID), nil)
			if tr := m["trainees"].([]any); len(tr) != 1 || tr[0].(map[string]any)["source"] != "self" {
				t.Fatalf("roster after self-enrolment: %v", m["trainees"])
			}
			// Twice: the page says they are on it; the API refuses.
			if code, body, _ := b.get(course); code != 200 || !strings.Contains(body, "您已经报名了这个班") {
				t.Fatalf("enrolled page: %d", code)
			}
			if st, m := rw.call(t, rw.personTok, http.MethodPost, "/api/v1"+course+"/enrol", nil); st != http.StatusConflict {
				t.Fatalf("enrol twice: %d %v", st, m)
			}

			// Someone too old, and already in the other institution's class at the same hours:
			// every reason before, and the enrolment refused with them.
			overlap := rw.otherClass(t, func(in *xiangpei.ClassInput) {
				in.Name, in.Funding = "荷塘同时段班", xiangpei.FundingSelf
				in.Sessions = storetest.Timetable(rw.calendar(t), rw.c.FirstSession, 2, rw.w.OVenue.ID, rw.w.OTeacher.ID)
			})
			old, oldAcct, oldTok := rw.personAccount(t, "19600101", "321", "老学员", "13807339001")
			if err := db.Tx(t.Context(), rw.w.OtherA, func(tx *store.Tx) error {
				r := rw.w.DB.Rules()
				r.LabourAgeMax = 70
				db.SetRules(r)
				defer db.SetRules(xiangpei.DefaultRules())
				_, err := tx.AddTrainee(rw.w.OtherA.Scope(), overlap.ID, old.ID, xiangpei.SourceManual)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			ob := rw.browser()
			ob.signIn(oldAcct, testPassword)
			code, body, _ = ob.get(course)
			if code != 200 || !strings.Contains(body, "您暂时不能报这个班") || !strings.Contains(body, "劳动年龄") ||
				!strings.Contains(body, "上课时间与本班") || strings.Contains(body, course+"/enrol") {
				t.Fatalf("ineligible page: %d %s", code, body)
			}
			st, m = rw.call(t, oldTok, http.MethodGet, "/api/v1"+course, nil)
			el = m["eligibility"].(map[string]any)
			if el["eligible"] != false || len(el["reasons"].([]any)) != 2 {
				t.Fatalf("ineligible API: %v", m)
			}
			st, m = rw.call(t, oldTok, http.MethodPost, "/api/v1"+course+"/enrol", nil)
			if keys, _ := reasonsOf(m); st != http.StatusConflict || !slices.Equal(keys, []string{"roster.age", "roster.overlap"}) {
				t.Fatalf("ineligible enrol: %d %v", st, m)
			}
			code, body, _ = ob.post(course+"/enrol", nil)
			if code != http.StatusConflict || !strings.Contains(body, "不能加入本班") || !strings.Contains(body, "劳动年龄") {
				t.Fatalf("ineligible enrol page: %d %s", code, body)
			}

			// A class that does not allow self-enrolment is not found, even by id.
			internal := rw.smallClassWith(t, 5, func(in *xiangpei.ClassInput) { in.SelfEnrol = false })
			if st, _ := rw.call(t, rw.personTok, http.MethodPost, fmt.Sprintf("/api/v1/courses/%d/enrol", internal.ID), nil); st != http.StatusNotFound {
				t.Fatalf("enrol where self-enrolment is off: %d", st)
			}
			// A full class.
			full := rw.smallClass(t, 1)
			taker, _, _ := rw.personAccount(t, "19920202", "222", "占座者", "13807339002")
			if err := db.Tx(t.Context(), rw.w.InstA, func(tx *store.Tx) error {
				_, err := tx.AddTrainee(rw.w.InstA.Scope(), full.ID, taker.ID, xiangpei.SourceManual)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if code, body, _ := b.get(fmt.Sprintf("/courses/%d", full.ID)); code != 200 || !strings.Contains(body, "报名已截止") || !strings.Contains(body, "已报满") {
				t.Fatalf("full page: %d %s", code, body)
			}
			if st, m := rw.call(t, rw.personTok, http.MethodPost, fmt.Sprintf("/api/v1/courses/%d/enrol", full.ID), nil); st != http.StatusConflict ||
				!strings.Contains(fmt.Sprint(m), "已报满") {
				t.Fatalf("full: %d %v", st, m)
			}

			// Under way: ten sessions take newcomers until the third begins.
			long := rw.longClass(t)
			rw.at(long.Sessions[0].Starts.Add(-time.Hour))
			long = rw.w.Move(t, rw.w.InstA, long, xiangpei.ClassStart)
			rw.at(long.Sessions[2].Starts.Add(-time.Minute))
			if _, m := rw.call(t, "", http.MethodGet, "/api/v1/courses/"+fmt.Sprint(long.ID), nil); m["course"].(map[string]any)["open"] != true {
				t.Fatalf("before the third session: %v", m["course"])
			}
			rw.at(long.Sessions[2].Starts)
			if _, m := rw.call(t, "", http.MethodGet, "/api/v1/courses/"+fmt.Sprint(long.ID), nil); m["course"].(map[string]any)["open"] != false {
				t.Fatalf("at the third session: %v", m["course"])
			}
			st, m = rw.call(t, rw.personTok, http.MethodPost, fmt.Sprintf("/api/v1/courses/%d/enrol", long.ID), nil)
			if st != http.StatusConflict || !strings.Contains(fmt.Sprint(m), "无法达到结业所需") {
				t.Fatalf("too late: %d %v", st, m)
			}
			// The timetable now has past sessions, latest first.
			_, m = rw.call(t, rw.personTok, http.MethodGet, "/api/v1/me/timetable", nil)
			if past := m["past"].([]any); len(past) != 3 || num(past[0].(map[string]any)["seq"]) != 3 {
				t.Fatalf("past sessions: %v", m["past"])
			}
			b = rw.browser() // two months on: the morning's session has long expired
			b.signIn(rw.trainee, testPassword)
			if code, body, _ := b.get("/me/timetable"); code != 200 || !strings.Contains(body, "上过的课") || !strings.Contains(body, "2026-11-18 周三") {
				t.Fatalf("timetable page later: %d", code)
			}
			if st, _ := rw.call(t, rw.instTok, http.MethodGet, "/api/v1/me/timetable", nil); st != http.StatusForbidden {
				t.Fatalf("institution timetable: %d", st)
			}
		})
	}
}

func (rw *rosterWorld) calendar(t *testing.T) xiangpei.Calendar {
	t.Helper()
	cal, err := rw.db.Calendar(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// longClass files and approves a class of ten sessions from 4 January 2027, after everything
// else, taught by the institution's second teacher.
func (rw *rosterWorld) longClass(t *testing.T) xiangpei.Class {
	t.Helper()
	in := rw.w.ClassInput(t, time.Date(2027, 1, 4, 0, 0, 0, 0, xiangpei.ChinaTime), 10)
	in.Name, in.OccupationCode = "焊工长班", "6-18-02-04"
	in.TeacherIDs = []int64{rw.w.Teachers[1].ID}
	for i := range in.Sessions {
		in.Sessions[i].TeacherID = rw.w.Teachers[1].ID
	}
	c, err := store.Do(t.Context(), rw.db, rw.w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
		return tx.CreateClass(rw.w.InstA.Scope(), rw.w.Inst.ID, in)
	})
	if err != nil {
		t.Fatal(err)
	}
	return rw.w.Move(t, rw.w.InstA, c, xiangpei.ClassSubmit, xiangpei.ClassApprove)
}
