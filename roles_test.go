package xiangpei

import (
	"testing"
	"time"
)

func wantKey(t *testing.T, name string, err error, key string) {
	t.Helper()
	if key == "" {
		if err != nil {
			t.Errorf("%s: unexpected error %v", name, err)
		}
		return
	}
	e, ok := err.(*Error)
	if !ok || e.Key != key {
		t.Errorf("%s: got %v, want key %q", name, err, key)
	}
}

func TestCheckDuties(t *testing.T) {
	for _, c := range []struct {
		name   string
		role   Role
		duties Duties
		key    string
	}{
		{"officer with officer duties", RoleOfficer, Duties{DutyClassReview, DutyPayment}, ""},
		{"officer without duties", RoleOfficer, nil, ""},
		{"officer with an admin duty", RoleOfficer, Duties{DutySysAdmin}, "duty.not_for_role"},
		{"admin with one admin duty", RoleAdmin, Duties{DutyAuditor}, ""},
		{"admin with two admin duties (三员分立)", RoleAdmin, Duties{DutySysAdmin, DutyAuditor}, "duty.admin_exactly_one"},
		{"admin with no duty", RoleAdmin, nil, "duty.admin_exactly_one"},
		{"admin with an officer duty", RoleAdmin, Duties{DutyPayment}, "duty.admin_exactly_one"},
		{"institution staff with a duty", RoleInstitution, Duties{DutyPublish}, "duty.not_for_role"},
		{"person without duties", RolePerson, nil, ""},
	} {
		wantKey(t, c.name, CheckDuties(c.role, c.duties), c.key)
	}
}

func TestParseDuties(t *testing.T) {
	d, err := ParseDuties(" payment, class_review,payment ,")
	if err != nil || d.String() != "class_review,payment" {
		t.Fatalf("got %v %v", d, err)
	}
	_, err = ParseDuties("payment,root")
	wantKey(t, "unknown duty", err, "duty.unknown")
}

// One account never performs two review steps of one item, nor reviews what it created.
func TestCheckSeparateReviewer(t *testing.T) {
	done := []Review{{Step: "review_1", AccountID: 10}}
	for _, c := range []struct {
		name      string
		account   int64
		createdBy int64
		done      []Review
		step      ReviewStep
		key       string
	}{
		{"first step by another officer", 10, 1, nil, "review_1", ""},
		{"second step by a different officer", 11, 1, done, "review_2", ""},
		{"second step by the first reviewer", 10, 1, done, "review_2", "review.second_step"},
		{"own item", 1, 1, nil, "review_1", "review.own_item"},
		{"a step already decided", 12, 1, done, "review_1", "review.step_done"},
	} {
		wantKey(t, c.name, CheckSeparateReviewer(c.account, c.createdBy, c.done, c.step), c.key)
	}
}

func TestScope(t *testing.T) {
	for _, c := range []struct {
		actor   Actor
		pattern string
		covers  map[string]bool
	}{
		{Actor{Role: RoleOfficer, Region: "430000"}, "43%", map[string]bool{"430211": true, "440305": false}},
		{Actor{Role: RoleOfficer, Region: "430200"}, "4302%", map[string]bool{"430211": true, "430102": false}},
		{Actor{Role: RoleOfficer, Region: "430211"}, "430211%", map[string]bool{"430211": true, "430202": false}},
		{Actor{Role: RoleAdmin}, "%", map[string]bool{"430211": true}},
		{Actor{Role: RoleInstitution, OrgID: 5}, "%", map[string]bool{"430211": false}},
		{Actor{Role: RolePerson}, "%", map[string]bool{"430211": false}}, // no person id: matches nothing by id
	} {
		s := c.actor.Scope()
		if got := s.RegionPattern(); got != c.pattern {
			t.Errorf("%+v: pattern %q, want %q", c.actor, got, c.pattern)
		}
		for code, want := range c.covers {
			if s.Covers(code) != want {
				t.Errorf("%+v covers %s: got %v", c.actor, code, !want)
			}
		}
	}
	if s := (Actor{Role: RolePerson}).Scope(); s.PersonID != -1 {
		t.Errorf("a person account without a registry entry reaches person %d, want none (-1)", s.PersonID)
	}
	if s := (Actor{Role: RoleEmployer}).Scope(); s.OrgID != -1 {
		t.Errorf("a staff account without an organisation reaches org %d, want none (-1)", s.OrgID)
	}
	if RegionLevel("430000") != "province" || RegionLevel("430200") != "city" || RegionLevel("430211") != "county" {
		t.Error("region levels")
	}
}

func TestPasswordProfiles(t *testing.T) {
	for _, c := range []struct {
		profile PasswordProfile
		pw      string
		key     string
	}{
		{ProfileASVS, "correct horse battery", ""},
		{ProfileASVS, "short1", "password.short"},
		{ProfileASVS, "password123", "password.common"},
		{ProfileASVS, "qwerty123!", "password.common"},
		{ProfileASVS, "aaaaaaaaaaaa", "password.common"},
		{ProfileASVS, "zhangsan-secret-1", "password.contains_login"},
		{ProfileGov, "correct horse battery", "password.complexity"},
		{ProfileGov, "Correct-Horse-7", ""},
	} {
		wantKey(t, string(c.profile)+" "+c.pw, c.profile.CheckPassword(c.pw, "zhangsan"), c.key)
	}
	if ProfileASVS.MaxAge() != 0 || ProfileGov.MaxAge() != 90*24*time.Hour {
		t.Error("rotation: ASVS never, government profile every 90 days")
	}
}

func TestLockFor(t *testing.T) {
	for failures, want := range map[int]time.Duration{1: 0, 4: 0, 5: 5 * time.Minute, 6: 10 * time.Minute, 7: 20 * time.Minute, 30: 24 * time.Hour} {
		if got := LockFor(failures); got != want {
			t.Errorf("LockFor(%d) = %v, want %v", failures, got, want)
		}
	}
}

func TestAccountInput(t *testing.T) {
	for _, c := range []struct {
		name string
		in   AccountInput
		key  string
	}{
		{"officer", AccountInput{Login: "ty.officer", DisplayName: "经办", Role: RoleOfficer, Region: "430211"}, ""},
		{"officer without region", AccountInput{Login: "ty.officer", DisplayName: "经办", Role: RoleOfficer}, "account.region"},
		{"staff without organisation", AccountInput{Login: "staff1", DisplayName: "职员", Role: RoleSchool}, "account.org"},
		{"login with capitals", AccountInput{Login: "Admin", DisplayName: "管理员", Role: RoleAdmin, Duties: Duties{DutySysAdmin}}, "account.login"},
		{"person logs in with a mobile", AccountInput{Login: "13907330001", DisplayName: "李建国", Role: RolePerson, PersonID: 1}, ""},
		{"person with a name login", AccountInput{Login: "lijianguo", DisplayName: "李建国", Role: RolePerson, PersonID: 1}, "account.person_login"},
		{"person without registry entry", AccountInput{Login: "13907330001", DisplayName: "李建国", Role: RolePerson}, "account.person"},
	} {
		wantKey(t, c.name, c.in.Validate(), c.key)
	}
}

func TestSanctions(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	list := []SanctionRecord{{Kind: SanctionInterview, From: day(1)}, {Kind: SanctionSuspend, From: day(10), Until: day(20)}}
	if _, blocked := BlockingSanction(list, day(5)); blocked {
		t.Error("an interview blocks filing")
	}
	if s, blocked := BlockingSanction(list, day(15)); !blocked || s.Kind != SanctionSuspend {
		t.Error("a suspension in force does not block")
	}
	if _, blocked := BlockingSanction(list, day(20)); blocked {
		t.Error("a suspension blocks after its end")
	}
	wantKey(t, "no reason", CheckSanctionInput(SanctionRectify, "", day(1), time.Time{}), "sanction.reason")
	wantKey(t, "backwards period", CheckSanctionInput(SanctionRectify, "培训记录造假", day(5), day(4)), "sanction.period")
	wantKey(t, "not on the ladder", CheckSanctionInput("fine", "培训记录造假", day(5), time.Time{}), "sanction.kind")
}
