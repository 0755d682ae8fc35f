package store_test

import (
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// regCode completes 17 credit-code characters with their GB 32100 check character.
func regCode(first17 string) string { return first17 + string(xiangpei.CreditCheckChar(first17)) }

// regPendingCode is a code whose only fault is its check character.
func regPendingCode(first17 string) string {
	good := xiangpei.CreditCheckChar(first17)
	bad := byte('0')
	if good == '0' {
		bad = '1'
	}
	return first17 + string(bad)
}

// regNewOrg validates and registers an organisation as the administrator.
func regNewOrg(t *testing.T, db *store.DB, kind xiangpei.OrgKind, name, code, county string) xiangpei.Organisation {
	t.Helper()
	o, err := xiangpei.OrgInput{Kind: string(kind), Name: name, CreditCode: code, County: county,
		Address: "株洲市" + name + "路1号", Contact: "刘老师", Phone: "0731-22837000", Capacity: 120}.Validate(regKnownCounty)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Tx(regCtx, regAdmin, func(tx *store.Tx) error {
		o, err = tx.CreateOrg(o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func regOrgTotal(t *testing.T, db *store.DB) int {
	t.Helper()
	_, n, err := db.SearchOrgs(regCtx, regAll, "", "", "", store.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func regSameOrg(t *testing.T, got, want xiangpei.Organisation) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("times: got %v/%v, want %v/%v", got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
	}
	got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// regDo runs fn as an actor in a transaction, with the actor's scope.
func regDo(db *store.DB, a xiangpei.Actor, fn func(tx *store.Tx, s xiangpei.Scope) error) error {
	return db.Tx(regCtx, a, func(tx *store.Tx) error { return fn(tx, a.Scope()) })
}

var (
	regCodeX = regCode("91430211MA4L0000X") // 天元区 institution
	regCodeY = regCode("91430202MA4L0000Y") // 荷塘区 institution
)

func TestCreateAndReadOrg(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		o := regNewOrg(t, db, xiangpei.OrgInstitution, "天元职业培训学校", strings.ToLower(regCodeX), "430211")
		if o.ID == 0 || o.Version != 1 || o.CreditCode != xiangpei.CreditCode(regCodeX) || o.CodeStatus != xiangpei.CodeValid {
			t.Fatalf("created %+v", o)
		}
		got, err := db.Org(regCtx, regAll, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		regSameOrg(t, got, o)
		err = regDo(db, regTianyuan, func(tx *store.Tx, s xiangpei.Scope) error {
			got, err = tx.Org(s, o.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		regSameOrg(t, got, o)
		_, err = db.Org(regCtx, regAll, 12345)
		regWant(t, err, xiangpei.NotFound, "not_found")

		// One credit code, one organisation: a second registration writes nothing.
		again, err := xiangpei.OrgInput{Kind: "employer", Name: "另一个名字", CreditCode: regCodeX, County: "430202"}.Validate(regKnownCounty)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Tx(regCtx, regAdmin, func(tx *store.Tx) error {
			_, err := tx.CreateOrg(again)
			return err
		})
		regWant(t, err, xiangpei.Conflict, "org.duplicate_code")
		if n := regOrgTotal(t, db); n != 1 {
			t.Errorf("%d organisations after a refused duplicate", n)
		}
		if n := len(regAudit(t, db, "org.create")); n != 1 {
			t.Errorf("%d org.create audit entries, want 1", n)
		}
	})
}

func TestOrgScope(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		x := regNewOrg(t, db, xiangpei.OrgInstitution, "天元职业培训学校", regCodeX, "430211")
		y := regNewOrg(t, db, xiangpei.OrgInstitution, "荷塘职业培训学校", regCodeY, "430202")
		e := regNewOrg(t, db, xiangpei.OrgEmployer, "株洲电力机车有限公司", regCode("91430200MA4L0000E"), "430203")
		staffX := xiangpei.Actor{AccountID: 10, Name: "天元学校职员", Role: xiangpei.RoleInstitution, OrgID: x.ID}
		person := xiangpei.Actor{AccountID: 11, Role: xiangpei.RolePerson, PersonID: 99}

		ids := func(s xiangpei.Scope, kind, q, status string) []int64 {
			list, n, err := db.SearchOrgs(regCtx, s, kind, q, status, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if n != len(list) {
				t.Errorf("total %d, listed %d", n, len(list))
			}
			var out []int64
			for _, o := range list {
				out = append(out, o.ID)
			}
			return out
		}
		for _, c := range []struct {
			name string
			s    xiangpei.Scope
			want []int64
		}{
			{"天元区 officer", regTianyuan.Scope(), []int64{x.ID}},
			{"荷塘区 officer", regHetang.Scope(), []int64{y.ID}},
			{"city officer", regCity.Scope(), []int64{e.ID, x.ID, y.ID}},
			{"staff of X", staffX.Scope(), []int64{x.ID}},
			{"person", person.Scope(), nil},
			{"empty scope", xiangpei.Scope{}, nil},
		} {
			got := ids(c.s, "", "", "")
			if len(got) != len(c.want) {
				t.Errorf("%s sees %v, want %v", c.name, got, c.want)
				continue
			}
			for _, id := range c.want {
				if !containsID(got, id) {
					t.Errorf("%s sees %v, want %v", c.name, got, c.want)
				}
			}
		}
		for _, c := range []struct {
			name string
			s    xiangpei.Scope
			id   int64
			ok   bool
		}{
			{"天元区 officer, own county", regTianyuan.Scope(), x.ID, true},
			{"天元区 officer, 荷塘区", regTianyuan.Scope(), y.ID, false},
			{"city officer", regCity.Scope(), y.ID, true},
			{"staff, own", staffX.Scope(), x.ID, true},
			{"staff, other", staffX.Scope(), y.ID, false},
			{"person", person.Scope(), x.ID, false},
		} {
			_, err := db.Org(regCtx, c.s, c.id)
			if c.ok && err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			if !c.ok {
				regWant(t, err, xiangpei.NotFound, "not_found")
				_, err = db.Venues(regCtx, c.s, c.id)
				regWant(t, err, xiangpei.NotFound, "not_found")
				_, err = db.Teachers(regCtx, c.s, c.id)
				regWant(t, err, xiangpei.NotFound, "not_found")
				_, err = db.Scopes(regCtx, c.s, c.id)
				regWant(t, err, xiangpei.NotFound, "not_found")
				_, err = db.Sanctions(regCtx, c.s, c.id)
				regWant(t, err, xiangpei.NotFound, "not_found")
			}
		}

		// Filters: kind, name substring, exact credit code (any case), status.
		if got := ids(regAll, "employer", "", ""); len(got) != 1 || got[0] != e.ID {
			t.Errorf("kind filter: %v", got)
		}
		if got := ids(regAll, "", "职业培训", ""); len(got) != 2 {
			t.Errorf("name filter: %v", got)
		}
		if got := ids(regAll, "", strings.ToLower(regCodeY), ""); len(got) != 1 || got[0] != y.ID {
			t.Errorf("code filter: %v", got)
		}
		if got := ids(regAll, "", "%", ""); len(got) != 0 {
			t.Errorf("a %% matched %v", got)
		}
		if got := ids(regAll, "", "", "pending"); len(got) != 0 {
			t.Errorf("status filter: %v", got)
		}

		// Staff write to their own organisation only.
		err := regDo(db, staffX, func(tx *store.Tx, s xiangpei.Scope) error {
			_, err := tx.AddVenue(s, xiangpei.Venue{OrgID: y.ID, Name: "实训楼", Address: "荷塘区新华路1号", County: "430202", Lat: 27.86, Lng: 113.16})
			return err
		})
		regWant(t, err, xiangpei.NotFound, "not_found")
		err = regDo(db, staffX, func(tx *store.Tx, s xiangpei.Scope) error {
			_, err := tx.UpdateOrg(s, y, y.Version)
			return err
		})
		regWant(t, err, xiangpei.NotFound, "not_found")
		err = regDo(db, regTianyuan, func(tx *store.Tx, s xiangpei.Scope) error {
			_, err := tx.AddSanction(s, xiangpei.SanctionEntry{OrgID: y.ID, Kind: xiangpei.SanctionInterview, Reason: "台账不全", Evidence: "检查记录1号", StartsOn: "2026-03-01"})
			return err
		})
		regWant(t, err, xiangpei.NotFound, "not_found")
	})
}

func containsID(list []int64, id int64) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

func TestUpdateOrg(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		x := regNewOrg(t, db, xiangpei.OrgInstitution, "天元职业培训学校", regCodeX, "430211")
		staff := xiangpei.Actor{AccountID: 10, Name: "天元学校职员", Role: xiangpei.RoleInstitution, OrgID: x.ID}
		edit := x
		edit.Name, edit.Address, edit.Capacity, edit.Phone = "天元职业技能培训学校", "天元区珠江北路9号", 300, "13812345678"
		edit.Kind, edit.CreditCode = xiangpei.OrgEmployer, "91310110666007217T" // neither changes
		var up xiangpei.Organisation
		err := regDo(db, staff, func(tx *store.Tx, s xiangpei.Scope) error {
			var err error
			up, err = tx.UpdateOrg(s, edit, x.Version)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if up.Version != 2 || up.Name != "天元职业技能培训学校" || up.Capacity != 300 || up.Kind != xiangpei.OrgInstitution ||
			up.CreditCode != xiangpei.CreditCode(regCodeX) || up.Phone != "13812345678" {
			t.Errorf("updated %+v", up)
		}
		got, err := db.Org(regCtx, regAll, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		regSameOrg(t, got, up)

		// A save on the old version is refused and changes nothing.
		edit.Name = "旧版本上的修改"
		err = regDo(db, regTianyuan, func(tx *store.Tx, s xiangpei.Scope) error {
			_, err := tx.UpdateOrg(s, edit, x.Version)
			return err
		})
		regWant(t, err, xiangpei.Conflict, "version.stale")
		if again, _ := db.Org(regCtx, regAll, x.ID); again.Name != up.Name || again.Version != 2 {
			t.Errorf("stale update changed the organisation: %+v", again)
		}
		// Invalid fields are refused.
		edit.Name = "x"
		err = regDo(db, regTianyuan, func(tx *store.Tx, s xiangpei.Scope) error {
			_, err := tx.UpdateOrg(s, edit, 2)
			return err
		})
		regWant(t, err, xiangpei.Invalid, "org.name")
		if n := len(regAudit(t, db, "org.update")); n != 1 {
			t.Errorf("%d org.update entries, want 1", n)
		}
	})
}

func TestPendingCreditCode(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		pending := regPendingCode("91430211MA4L0000P")
		p := regNewOrg(t, db, xiangpei.OrgInstitution, "天元老字号培训学校", pending, "430211")
		q := regNewOrg(t, db, xiangpei.OrgAssessor, "天元评价中心", regPendingCode("91430211MA4L0000Q"), "430211")
		regNewOrg(t, db, xiangpei.OrgInstitution, "天元职业培训学校", regCodeX, "430211")
		if p.CodeStatus != xiangpei.CodePending || p.CreditCode != xiangpei.CreditCode(pending) {
			t.Fatalf("created %+v", p)
		}
		queue := func(a xiangpei.Actor) []xiangpei.Organisation {
			list, n, err := db.PendingCodes(regCtx, a.Scope(), store.Page{})
			if err != nil || n != len(list) {
				t.Fatalf("PendingCodes: %d %v", n, err)
			}
			return list
		}
		if list := queue(regTianyuan); len(list) != 2 || list[0].ID != p.ID || list[1].ID != q.ID {
			t.Errorf("天元区 queue %+v", list)
		}
		if list := queue(regHetang); len(list) != 0 {
			t.Errorf("荷塘区 sees 天元区's queue: %+v", list)
		}
		if list, n, _ := db.SearchOrgs(regCtx, regAll, "", "", "pending", store.Page{}); n != 2 || len(list) != 2 {
			t.Errorf("status filter found %d", n)
		}

		decide := func(a xiangpei.Actor, id, version int64, accept bool, reason string) (xiangpei.Organisation, error) {
			var o xiangpei.Organisation
			err := regDo(db, a, func(tx *store.Tx, s xiangpei.Scope) error {
				var err error
				o, err = tx.ConfirmCreditCode(s, id, version, accept, reason)
				return err
			})
			return o, err
		}
		staff := xiangpei.Actor{AccountID: 10, Role: xiangpei.RoleInstitution, OrgID: p.ID}
		_, err := decide(staff, p.ID, 1, true, "我们的代码是对的")
		regWant(t, err, xiangpei.Forbidden, "org.officer_only")
		_, err = decide(regTianyuan, p.ID, 1, true, "")
		regWant(t, err, xiangpei.Invalid, "org.code_reason")
		_, err = decide(regHetang, p.ID, 1, true, "已核对营业执照原件")
		regWant(t, err, xiangpei.NotFound, "not_found")
		_, err = decide(regTianyuan, p.ID, 7, true, "已核对营业执照原件")
		regWant(t, err, xiangpei.Conflict, "version.stale")
		if n := len(regAudit(t, db, "org.code_")); n != 0 {
			t.Fatalf("refused decisions left %d audit entries", n)
		}

		o, err := decide(regTianyuan, p.ID, 1, true, "已核对营业执照原件")
		if err != nil {
			t.Fatal(err)
		}
		if o.CodeStatus != xiangpei.CodeConfirmed || o.Version != 2 {
			t.Errorf("confirmed %+v", o)
		}
		_, err = decide(regTianyuan, p.ID, 2, false, "已核对营业执照原件")
		regWant(t, err, xiangpei.Conflict, "org.code_not_pending")
		r, err := decide(regCity, q.ID, 1, false, "代码与营业执照不符")
		if err != nil {
			t.Fatal(err)
		}
		if r.CodeStatus != xiangpei.CodeRejected {
			t.Errorf("rejected %+v", r)
		}
		if got, _ := db.Org(regCtx, regAll, p.ID); got.CodeStatus != xiangpei.CodeConfirmed || got.Version != 2 {
			t.Errorf("stored %+v", got)
		}
		if list := queue(regTianyuan); len(list) != 0 {
			t.Errorf("queue after decisions %+v", list)
		}
		if n := len(regAudit(t, db, "org.code_confirm")); n != 1 {
			t.Errorf("%d confirm entries", n)
		}
		if n := len(regAudit(t, db, "org.code_reject")); n != 1 {
			t.Errorf("%d reject entries", n)
		}
	})
}

func TestOrgScopeEntries(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		x := regNewOrg(t, db, xiangpei.OrgInstitution, "天元职业培训学校", regCodeX, "430211")
		e := regNewOrg(t, db, xiangpei.OrgEmployer, "天元机械厂", regCode("91430211MA4L0000E"), "430211")
		staff := xiangpei.Actor{AccountID: 10, Role: xiangpei.RoleInstitution, OrgID: x.ID}
		add := func(a xiangpei.Actor, en xiangpei.ScopeEntry) (xiangpei.ScopeEntry, error) {
			err := regDo(db, a, func(tx *store.Tx, s xiangpei.Scope) error {
				var err error
				en, err = tx.AddScope(s, en)
				return err
			})
			return en, err
		}
		care, err := add(regTianyuan, xiangpei.ScopeEntry{OrgID: x.ID, OccupationCode: "4-10-01-05", Level: "4"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := add(regTianyuan, xiangpei.ScopeEntry{OrgID: x.ID, OccupationCode: "4-10-01-05", Level: "5"}); err != nil {
			t.Fatal(err)
		}
		if _, err := add(regCity, xiangpei.ScopeEntry{OrgID: x.ID, OccupationCode: "6-18-01-01", Level: "completion"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			a    xiangpei.Actor
			en   xiangpei.ScopeEntry
			kind xiangpei.Kind
			key  string
		}{
			{"duplicate", regTianyuan, xiangpei.ScopeEntry{OrgID: x.ID, OccupationCode: "4-10-01-05", Level: "4"}, xiangpei.Conflict, "scope.duplicate"},
			{"not a detailed entry", regTianyuan, xiangpei.ScopeEntry{OrgID: x.ID, OccupationCode: "4-10-01", Level: "4"}, xiangpei.Invalid, "scope.occupation"},
			{"unknown occupation", regTianyuan, xiangpei.ScopeEntry{OrgID: x.ID, OccupationCode: "9-99-99-99", Level: "4"}, xiangpei.Invalid, "scope.unknown_occupation"},
			{"unknown level", regTianyuan, xiangpei.ScopeEntry{OrgID: x.ID, OccupationCode: "4-10-01-05", Level: "6"}, xiangpei.Invalid, "scope.unknown_level"},
			{"staff", staff, xiangpei.ScopeEntry{OrgID: x.ID, OccupationCode: "4-10-01-03", Level: "4"}, xiangpei.Forbidden, "org.officer_only"},
			{"employer", regTianyuan, xiangpei.ScopeEntry{OrgID: e.ID, OccupationCode: "4-10-01-03", Level: "4"}, xiangpei.Invalid, "org.not_training"},
			{"other county", regHetang, xiangpei.ScopeEntry{OrgID: x.ID, OccupationCode: "4-10-01-03", Level: "4"}, xiangpei.NotFound, "not_found"},
		} {
			_, err := add(c.a, c.en)
			t.Run(c.name, func(t *testing.T) { regWant(t, err, c.kind, c.key) })
		}
		list, err := db.Scopes(regCtx, staff.Scope(), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].OccupationCode != "4-10-01-05" || list[0].Level != "4" || list[1].Level != "5" || list[2].OccupationCode != "6-18-01-01" {
			t.Errorf("scopes %+v", list)
		}

		remove := func(a xiangpei.Actor, orgID, id int64, reason string) error {
			return regDo(db, a, func(tx *store.Tx, s xiangpei.Scope) error { return tx.RemoveScope(s, orgID, id, reason) })
		}
		regWant(t, remove(staff, x.ID, care.ID, "不再开展此培训"), xiangpei.Forbidden, "org.officer_only")
		regWant(t, remove(regTianyuan, x.ID, care.ID, "无"), xiangpei.Invalid, "scope.remove_reason")
		regWant(t, remove(regTianyuan, e.ID, care.ID, "不再开展此培训"), xiangpei.NotFound, "not_found")
		if err := remove(regTianyuan, x.ID, care.ID, "不再开展此培训"); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.Scopes(regCtx, regAll, x.ID); len(list) != 2 {
			t.Errorf("after removal %+v", list)
		}
		if n := len(regAudit(t, db, "org.scope_")); n != 4 {
			t.Errorf("%d scope audit entries, want 4", n)
		}
	})
}

func TestVenuesAndTeachers(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		x := regNewOrg(t, db, xiangpei.OrgInstitution, "天元职业培训学校", regCodeX, "430211")
		staff := xiangpei.Actor{AccountID: 10, Name: "天元学校职员", Role: xiangpei.RoleInstitution, OrgID: x.ID}
		var v xiangpei.Venue
		err := regDo(db, staff, func(tx *store.Tx, s xiangpei.Scope) error {
			var err error
			v, err = tx.AddVenue(s, xiangpei.Venue{OrgID: x.ID, Name: " 实训楼 ", Address: "天元区黄河北路88号", County: "430211", Lat: 27.8312, Lng: 113.0825})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = regDo(db, staff, func(tx *store.Tx, s xiangpei.Scope) error {
			_, err := tx.AddVenue(s, xiangpei.Venue{OrgID: x.ID, Name: "分校", Address: "天元区黄河北路90号", County: "430211", Lat: 113.08, Lng: 27.83})
			return err
		})
		regWant(t, err, xiangpei.Invalid, "venue.coords")
		venues, err := db.Venues(regCtx, regTianyuan.Scope(), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(venues) != 1 || venues[0] != v || v.Name != "实训楼" {
			t.Errorf("venues %+v, added %+v", venues, v)
		}

		id := regID("43020419800808222")
		add := func(tc xiangpei.Teacher) (xiangpei.Teacher, error) {
			err := regDo(db, staff, func(tx *store.Tx, s xiangpei.Scope) error {
				var err error
				tc, err = tx.AddTeacher(s, tc)
				return err
			})
			return tc, err
		}
		tc, err := add(xiangpei.Teacher{OrgID: x.ID, Name: "赵红", IDNumber: xiangpei.IDNumber(strings.ToLower(id)),
			Qualification: "养老护理员二级证书", OccupationCode: "4-10-01-05", Level: "2", CertificateNo: "S430200000123"})
		if err != nil {
			t.Fatal(err)
		}
		if tc.IDNumber != xiangpei.IDNumber(id) || tc.ID == 0 {
			t.Errorf("teacher %+v", tc)
		}
		_, err = add(xiangpei.Teacher{OrgID: x.ID, Name: "赵红", IDNumber: xiangpei.IDNumber(id), Qualification: "教师资格证"})
		regWant(t, err, xiangpei.Conflict, "teacher.duplicate")
		_, err = add(xiangpei.Teacher{OrgID: x.ID, Name: "钱明", IDNumber: xiangpei.IDNumber(id[:17] + "0"), Qualification: "教师资格证"})
		if xiangpei.ErrorKind(err) != xiangpei.Invalid || !strings.HasPrefix(err.(*xiangpei.Error).Key, "id.") {
			t.Errorf("bad teacher ID: %v", err)
		}
		_, err = add(xiangpei.Teacher{OrgID: x.ID, Name: "钱明", IDNumber: xiangpei.IDNumber(regIDB), Qualification: "教师资格证", OccupationCode: "9-99-99-99"})
		regWant(t, err, xiangpei.Invalid, "scope.unknown_occupation")
		teachers, err := db.Teachers(regCtx, staff.Scope(), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(teachers) != 1 || teachers[0] != tc {
			t.Errorf("teachers %+v, added %+v", teachers, tc)
		}
		for _, e := range regAudit(t, db, "org.teacher_add") {
			if strings.Contains(e.Detail, id) || !strings.Contains(e.Detail, tc.MaskedID()) || strings.Contains(e.Detail, "赵红") {
				t.Errorf("teacher audit detail %s", e.Detail)
			}
		}
	})
}

func TestSanctionsBlock(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		x := regNewOrg(t, db, xiangpei.OrgInstitution, "天元职业培训学校", regCodeX, "430211")
		y := regNewOrg(t, db, xiangpei.OrgInstitution, "荷塘职业培训学校", regCodeY, "430202")
		add := func(a xiangpei.Actor, e xiangpei.SanctionEntry) (xiangpei.SanctionEntry, error) {
			err := regDo(db, a, func(tx *store.Tx, s xiangpei.Scope) error {
				var err error
				e, err = tx.AddSanction(s, e)
				return err
			})
			return e, err
		}
		march := func(day int) time.Time { return time.Date(2026, 3, day, 4, 0, 0, 0, time.UTC) } // noon in China

		// An interview does not block.
		if _, err := add(regTianyuan, xiangpei.SanctionEntry{OrgID: x.ID, Kind: xiangpei.SanctionInterview, Reason: "考勤记录不全",
			Evidence: "检查记录 2026-011", StartsOn: "2026-03-01"}); err != nil {
			t.Fatal(err)
		}
		if blocked, _, err := db.OrgBlocked(regCtx, x.ID, march(10)); err != nil || blocked {
			t.Errorf("interview blocks: %v %v", blocked, err)
		}
		// A suspension blocks while in force, the end day included.
		s, err := add(regTianyuan, xiangpei.SanctionEntry{OrgID: x.ID, Kind: xiangpei.SanctionSuspend, Reason: "虚报培训人数",
			Evidence: "检查记录 2026-017", StartsOn: "2026-03-05", EndsOn: "2026-03-20"})
		if err != nil {
			t.Fatal(err)
		}
		if s.DecidedBy != regTianyuan.AccountID || s.ID == 0 {
			t.Errorf("sanction %+v", s)
		}
		for _, c := range []struct {
			at   time.Time
			want bool
		}{{march(4), false}, {march(5), true}, {march(20), true}, {march(21), false}} {
			blocked, e, err := db.OrgBlocked(regCtx, x.ID, c.at)
			if err != nil || blocked != c.want || (blocked && (e.ID != s.ID || e.Kind != xiangpei.SanctionSuspend)) {
				t.Errorf("at %v: blocked %v by %+v (%v), want %v", c.at, blocked, e, err, c.want)
			}
		}
		if blocked, _, err := db.OrgBlocked(regCtx, y.ID, march(10)); err != nil || blocked {
			t.Errorf("another organisation is blocked: %v %v", blocked, err)
		}
		// An open-ended blacklist blocks from its start on.
		if _, err := add(regCity, xiangpei.SanctionEntry{OrgID: y.ID, Kind: xiangpei.SanctionBlacklist, Reason: "骗取补贴",
			Evidence: "处理决定书 2026-3", StartsOn: "2026-03-15"}); err != nil {
			t.Fatal(err)
		}
		if blocked, _, _ := db.OrgBlocked(regCtx, y.ID, march(14)); blocked {
			t.Error("blacklist blocks before its start")
		}
		if blocked, _, _ := db.OrgBlocked(regCtx, y.ID, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)); !blocked {
			t.Error("open-ended blacklist has ended")
		}

		// Refusals write nothing.
		staff := xiangpei.Actor{AccountID: 10, Role: xiangpei.RoleInstitution, OrgID: x.ID}
		_, err = add(staff, xiangpei.SanctionEntry{OrgID: x.ID, Kind: xiangpei.SanctionInterview, Reason: "自查发现问题", Evidence: "自查", StartsOn: "2026-03-01"})
		regWant(t, err, xiangpei.Forbidden, "org.officer_only")
		for _, c := range []struct {
			e   xiangpei.SanctionEntry
			key string
		}{
			{xiangpei.SanctionEntry{OrgID: x.ID, Kind: "fine", Reason: "虚报培训人数", Evidence: "记录", StartsOn: "2026-03-01"}, "sanction.kind"},
			{xiangpei.SanctionEntry{OrgID: x.ID, Kind: xiangpei.SanctionRectify, Reason: "违规", Evidence: "记录", StartsOn: "2026-03-01"}, "sanction.reason"},
			{xiangpei.SanctionEntry{OrgID: x.ID, Kind: xiangpei.SanctionRectify, Reason: "虚报培训人数", Evidence: "记录"}, "sanction.from"},
			{xiangpei.SanctionEntry{OrgID: x.ID, Kind: xiangpei.SanctionRectify, Reason: "虚报培训人数", Evidence: "记录", StartsOn: "2026-03-10", EndsOn: "2026-03-01"}, "sanction.period"},
			{xiangpei.SanctionEntry{OrgID: x.ID, Kind: xiangpei.SanctionRectify, Reason: "虚报培训人数", StartsOn: "2026-03-01"}, "sanction.evidence"},
		} {
			_, err := add(regTianyuan, c.e)
			regWant(t, err, xiangpei.Invalid, c.key)
		}
		list, err := db.Sanctions(regCtx, staff.Scope(), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != s.ID || list[1].Kind != xiangpei.SanctionInterview {
			t.Errorf("sanctions %+v", list)
		}
		if n := len(regAudit(t, db, "org.sanction_add")); n != 3 {
			t.Errorf("%d sanction audit entries, want 3", n)
		}
	})
}
