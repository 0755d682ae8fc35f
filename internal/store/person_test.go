package store_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// Actors and scopes of the registry tests.
var (
	regCtx      = context.Background()
	regAdmin    = xiangpei.Actor{AccountID: 1, Name: "管理员", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}
	regTianyuan = xiangpei.Actor{AccountID: 2, Name: "天元区经办", Role: xiangpei.RoleOfficer, Region: "430211",
		Duties: xiangpei.Duties{xiangpei.DutyRegistry, xiangpei.DutyUnmask}}
	regHetang = xiangpei.Actor{AccountID: 3, Name: "荷塘区经办", Role: xiangpei.RoleOfficer, Region: "430202",
		Duties: xiangpei.Duties{xiangpei.DutyRegistry, xiangpei.DutyUnmask}}
	regCity     = xiangpei.Actor{AccountID: 4, Name: "株洲市经办", Role: xiangpei.RoleOfficer, Region: "430200"}
	regProvince = xiangpei.Actor{AccountID: 5, Name: "省厅经办", Role: xiangpei.RoleOfficer, Region: "430000"}
	regAll      = regAdmin.Scope()
)

// regKnownCounty accepts the six-digit Hunan county codes, without relying on the regions table.
func regKnownCounty(c string) bool { return len(c) == 6 && strings.HasPrefix(c, "43") }

// regID completes 17 digits with their GB 11643 check digit.
func regID(first17 string) string { return first17 + string(xiangpei.IDCheckDigit(first17)) }

// regEngines runs f once per engine, each on a fresh database.
func regEngines(t *testing.T, f func(t *testing.T, db *store.DB)) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) { f(t, db) })
	}
}

// regWant fails unless err is a domain error of kind and key.
func regWant(t *testing.T, err error, kind xiangpei.Kind, key string) {
	t.Helper()
	e, ok := err.(*xiangpei.Error)
	if !ok || e.Kind != kind || e.Key != key {
		t.Fatalf("got error %v (%#v), want %s %q", err, err, kind, key)
	}
}

// regNewPerson validates and registers a person as the administrator.
func regNewPerson(t *testing.T, db *store.DB, id, name, phone, county string) xiangpei.Person {
	t.Helper()
	in := xiangpei.PersonInput{IDNumber: id, Name: name, Phone: phone, Household: "rural", County: county}
	p, err := in.Validate(db.Now(), regKnownCounty)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Tx(regCtx, regAdmin, func(tx *store.Tx) error {
		p, err = tx.CreatePerson(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// regPersonTotal counts every person in the registry.
func regPersonTotal(t *testing.T, db *store.DB) int {
	t.Helper()
	_, n, err := db.SearchPersons(regCtx, regAll, "", store.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// regAudit lists the audit entries of an action (all when action is empty), newest first.
func regAudit(t *testing.T, db *store.DB, action string) []store.AuditEntry {
	t.Helper()
	list, err := db.ListAudit(regCtx, regAll, store.AuditFilter{Action: action, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func regSamePerson(t *testing.T, got, want xiangpei.Person) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("times: got %v/%v, want %v/%v", got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
	}
	got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

var (
	regIDA = regID("43020219900101123") // 荷塘区, male
	regIDB = regID("43021119851231002") // 天元区, female
	regIDC = regID("43028120010615005") // 醴陵市
)

func TestCreateAndReadPerson(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		p := regNewPerson(t, db, strings.ToLower(regIDA), "王小明", "+86 138 1234 5678", "430202")
		if p.ID == 0 || p.Version != 1 || p.IDNumber != xiangpei.IDNumber(regIDA) || p.BirthDate != "1990-01-01" ||
			p.Sex != xiangpei.Male || p.Phone != "13812345678" || p.Employment != xiangpei.EmploymentUnknown {
			t.Fatalf("created %+v", p)
		}
		got, err := db.Person(regCtx, regAll, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		regSamePerson(t, got, p)
		got, err = db.PersonByIDNumber(regCtx, regAll, xiangpei.IDNumber(regIDA))
		if err != nil {
			t.Fatal(err)
		}
		regSamePerson(t, got, p)
		err = db.Tx(regCtx, regAdmin, func(tx *store.Tx) error {
			got, err = tx.Person(regAll, p.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		regSamePerson(t, got, p)

		// A missing person is NotFound, never an empty person without an error.
		_, err = db.Person(regCtx, regAll, 12345)
		regWant(t, err, xiangpei.NotFound, "not_found")
		_, err = db.PersonByIDNumber(regCtx, regAll, xiangpei.IDNumber(regIDB))
		regWant(t, err, xiangpei.NotFound, "not_found")

		// The registration is audited in the person's county.
		list := regAudit(t, db, "person.create")
		if len(list) != 1 || list[0].Region != "430202" || list[0].ObjectType != "person" || list[0].AccountID != regAdmin.AccountID {
			t.Errorf("audit %+v", list)
		}
	})
}

func TestDuplicateIDNumberRefused(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		regNewPerson(t, db, regIDA, "王小明", "13812345678", "430202")
		// Same number again: as typed, with another name, and in its legacy 15-digit form.
		for _, id := range []string{regIDA, "430202900101123"} {
			in := xiangpei.PersonInput{IDNumber: id, Name: "王晓明", Phone: "13900001111", County: "430211"}
			p, err := in.Validate(db.Now(), regKnownCounty)
			if err != nil {
				t.Fatal(err)
			}
			err = db.Tx(regCtx, regAdmin, func(tx *store.Tx) error {
				_, err := tx.CreatePerson(p)
				return err
			})
			regWant(t, err, xiangpei.Conflict, "person.duplicate_id")
			if !strings.Contains(err.Error(), "already registered") {
				t.Errorf("message %q does not say the number is registered", err)
			}
		}
		if n := regPersonTotal(t, db); n != 1 {
			t.Errorf("%d persons after refused duplicates, want 1", n)
		}
		if n := len(regAudit(t, db, "person.create")); n != 1 {
			t.Errorf("%d person.create audit entries, want 1", n)
		}
		got, err := db.PersonByIDNumber(regCtx, regAll, xiangpei.IDNumber(regIDA))
		if err != nil || got.Name != "王小明" || got.County != "430202" {
			t.Errorf("existing person changed: %+v %v", got, err)
		}
	})
}

func TestPersonRegionScope(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		a := regNewPerson(t, db, regIDA, "王小明", "13812345678", "430202") // 荷塘区
		b := regNewPerson(t, db, regIDB, "李小红", "13900001111", "430211") // 天元区
		c := regNewPerson(t, db, regIDC, "张大山", "13700002222", "430281") // 醴陵市
		others := xiangpei.Actor{Name: "长沙市经办", Role: xiangpei.RoleOfficer, Region: "430100"}

		// The 天元区 officer cannot read or find the 荷塘区 person, however they ask.
		tianyuan := regTianyuan.Scope()
		_, err := db.Person(regCtx, tianyuan, a.ID)
		regWant(t, err, xiangpei.NotFound, "not_found")
		_, err = db.PersonByIDNumber(regCtx, tianyuan, a.IDNumber)
		regWant(t, err, xiangpei.NotFound, "not_found")
		for _, q := range []string{"王小明", "王", regIDA, "13812345678", ""} {
			list, n, err := db.SearchPersons(regCtx, tianyuan, q, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range list {
				if p.ID == a.ID {
					t.Errorf("search %q by the 天元区 officer found the 荷塘区 person", q)
				}
			}
			if q == "" && (n != 1 || len(list) != 1 || list[0].ID != b.ID) {
				t.Errorf("天元区 officer lists %d (%+v), want only their own person", n, list)
			}
		}
		if got, err := db.Person(regCtx, tianyuan, b.ID); err != nil || got.ID != b.ID {
			t.Errorf("天元区 officer cannot read their own county's person: %v", err)
		}

		// The city and the province see every county of theirs; another city sees none.
		for _, c := range []struct {
			actor xiangpei.Actor
			want  int
		}{{regCity, 3}, {regProvince, 3}, {regAdmin, 3}, {regHetang, 1}, {others, 0}} {
			if _, n, err := db.SearchPersons(regCtx, c.actor.Scope(), "", store.Page{}); err != nil || n != c.want {
				t.Errorf("%s sees %d persons (%v), want %d", c.actor.Name, n, err, c.want)
			}
		}
		if got, err := db.Person(regCtx, regCity.Scope(), a.ID); err != nil || got.ID != a.ID {
			t.Errorf("city officer cannot read a 荷塘区 person: %v", err)
		}
		if got, err := db.PersonByIDNumber(regCtx, regCity.Scope(), c.IDNumber); err != nil || got.ID != c.ID {
			t.Errorf("city officer cannot find a 醴陵市 person: %v", err)
		}
		_, err = db.Person(regCtx, others.Scope(), a.ID)
		regWant(t, err, xiangpei.NotFound, "not_found")

		// A person sees only themself.
		self := xiangpei.Actor{Role: xiangpei.RolePerson, PersonID: a.ID}.Scope()
		if got, err := db.Person(regCtx, self, a.ID); err != nil || got.ID != a.ID {
			t.Errorf("a person cannot read themself: %v", err)
		}
		_, err = db.Person(regCtx, self, b.ID)
		regWant(t, err, xiangpei.NotFound, "not_found")
		if list, n, err := db.SearchPersons(regCtx, self, "", store.Page{}); err != nil || n != 1 || list[0].ID != a.ID {
			t.Errorf("a person's search: %d %v", n, err)
		}

		// Organisation staff, a person account without a registry entry and an empty scope see no one.
		for name, s := range map[string]xiangpei.Scope{
			"staff":           xiangpei.Actor{Role: xiangpei.RoleInstitution, OrgID: 42}.Scope(),
			"unlinked person": xiangpei.Actor{Role: xiangpei.RolePerson}.Scope(),
			"empty scope":     {},
		} {
			_, err := db.Person(regCtx, s, a.ID)
			regWant(t, err, xiangpei.NotFound, "not_found")
			if _, n, err := db.SearchPersons(regCtx, s, "", store.Page{}); err != nil || n != 0 {
				t.Errorf("%s sees %d persons (%v)", name, n, err)
			}
		}

		// Writes are scoped the same way, and write nothing.
		before := len(regAudit(t, db, ""))
		err = db.Tx(regCtx, regTianyuan, func(tx *store.Tx) error {
			_, err := tx.UpdatePerson(tianyuan, a.ID, a.Version, "13600000000", "urban", "430211", "employed")
			return err
		})
		regWant(t, err, xiangpei.NotFound, "not_found")
		err = db.Tx(regCtx, regTianyuan, func(tx *store.Tx) error {
			_, err := tx.LogUnmask(tianyuan, a.ID, "id_number", "核对补贴申请")
			return err
		})
		regWant(t, err, xiangpei.NotFound, "not_found")
		err = db.Tx(regCtx, regTianyuan, func(tx *store.Tx) error {
			_, err := tx.AddKeyGroup(tianyuan, xiangpei.KeyGroupMembership{PersonID: a.ID, Group: "migrant", Evidence: "务工证明"})
			return err
		})
		regWant(t, err, xiangpei.NotFound, "not_found")
		_, err = db.KeyGroups(regCtx, tianyuan, a.ID)
		regWant(t, err, xiangpei.NotFound, "not_found")
		if got, _ := db.Person(regCtx, regAll, a.ID); got.Version != 1 || got.Phone != a.Phone {
			t.Errorf("out-of-scope update changed the person: %+v", got)
		}
		if after := len(regAudit(t, db, "")); after != before {
			t.Errorf("refused writes left %d audit entries", after-before)
		}
	})
}

func TestSearchPersons(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		// Latin names sort the same way under every collation.
		cora := regNewPerson(t, db, regIDA, "Cora", "13812345678", "430202")
		anna := regNewPerson(t, db, regIDB, "Anna", "13900001111", "430211")
		bella := regNewPerson(t, db, regIDC, "Bella", "13700002222", "430281")
		ann2 := regNewPerson(t, db, regID("43020219920202001"), "Annabel", "13700003333", "430202")
		x := regNewPerson(t, db, "11010519491231002X", "Xavier", "13700004444", "430204")

		ids := func(list []xiangpei.Person) []int64 {
			var out []int64
			for _, p := range list {
				out = append(out, p.ID)
			}
			return out
		}
		for _, c := range []struct {
			q    string
			want []int64
		}{
			{"", []int64{anna.ID, ann2.ID, bella.ID, cora.ID, x.ID}},
			{"Ann", []int64{anna.ID, ann2.ID}},
			{"ann", []int64{anna.ID, ann2.ID}}, // case does not matter, on either engine
			{"ella", []int64{bella.ID}},
			{regIDC, []int64{bella.ID}},
			{"11010519491231002x", []int64{x.ID}}, // lower-case x
			{"430202900101123", []int64{cora.ID}}, // legacy 15-digit form
			{"138-1234-5678", []int64{cora.ID}},   // phone, normalised
			{"+8613900001111", []int64{anna.ID}},  // phone with country code
			{regIDA[:10], nil},                    // part of an ID number is not a match
			{"1381234", nil},                      // nor part of a phone
			{"%", nil},                            // wildcards are literal
			{"_", nil},
		} {
			list, n, err := db.SearchPersons(regCtx, regAll, c.q, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(list); n != len(c.want) || !slicesEqual(got, c.want) {
				t.Errorf("search %q: %d %v, want %v", c.q, n, got, c.want)
			}
		}
		// Paging: the total counts every match, the page only its rows.
		list, n, err := db.SearchPersons(regCtx, regAll, "", store.Page{Offset: 1, Limit: 2})
		if err != nil || n != 5 || !slicesEqual(ids(list), []int64{ann2.ID, bella.ID}) {
			t.Errorf("page 2: %d %v %v", n, ids(list), err)
		}
		list, n, err = db.SearchPersons(regCtx, regAll, "", store.Page{Offset: 10, Limit: 2})
		if err != nil || n != 5 || len(list) != 0 {
			t.Errorf("page past the end: %d %v %v", n, ids(list), err)
		}
	})
}

func slicesEqual(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestUpdatePerson(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		a := regNewPerson(t, db, regIDA, "王小明", "13812345678", "430202")
		var up xiangpei.Person
		err := db.Tx(regCtx, regHetang, func(tx *store.Tx) error {
			var err error
			up, err = tx.UpdatePerson(regHetang.Scope(), a.ID, a.Version, "139 0000 1111", "urban", "430202", "employed")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if up.Version != 2 || up.Phone != "13900001111" || up.Household != "urban" || up.Employment != "employed" || up.Name != a.Name {
			t.Errorf("updated %+v", up)
		}
		got, err := db.Person(regCtx, regAll, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		regSamePerson(t, got, up)

		// A save made on version 1 is refused, and changes nothing.
		err = db.Tx(regCtx, regHetang, func(tx *store.Tx) error {
			_, err := tx.UpdatePerson(regHetang.Scope(), a.ID, a.Version, "13700000000", "rural", "430202", "unemployed")
			return err
		})
		regWant(t, err, xiangpei.Conflict, "version.stale")
		if again, _ := db.Person(regCtx, regAll, a.ID); again.Version != 2 || again.Phone != "13900001111" || again.Employment != "employed" {
			t.Errorf("stale update changed the person: %+v", again)
		}
		if n := len(regAudit(t, db, "person.update")); n != 1 {
			t.Errorf("%d person.update entries, want 1", n)
		}

		// Bad values are refused before anything is written.
		for _, c := range []struct {
			phone, household, county, employment, key string
		}{
			{"123", "urban", "430202", "employed", "phone.invalid"},
			{"13900001111", "city", "430202", "employed", "person.household"},
			{"13900001111", "urban", "4302", "employed", "person.county"},
			{"13900001111", "urban", "430202", "boss", "person.employment"},
		} {
			err := db.Tx(regCtx, regHetang, func(tx *store.Tx) error {
				_, err := tx.UpdatePerson(regHetang.Scope(), a.ID, 2, c.phone, c.household, c.county, c.employment)
				return err
			})
			regWant(t, err, xiangpei.Invalid, c.key)
		}
		// Moving to another county: the new county's officers now see the person, the old ones not.
		err = db.Tx(regCtx, regHetang, func(tx *store.Tx) error {
			_, err := tx.UpdatePerson(regHetang.Scope(), a.ID, 2, "13900001111", "urban", "430211", "employed")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Person(regCtx, regTianyuan.Scope(), a.ID); err != nil {
			t.Errorf("new county's officer cannot read the person: %v", err)
		}
		_, err = db.Person(regCtx, regHetang.Scope(), a.ID)
		regWant(t, err, xiangpei.NotFound, "not_found")
		_, err = db.Person(regCtx, regAll, 12345)
		regWant(t, err, xiangpei.NotFound, "not_found")
	})
}

func TestUnmask(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		a := regNewPerson(t, db, regIDA, "王小明", "13812345678", "430202")
		for _, c := range []struct{ field, reason, key string }{
			{"id_number", "", "person.unmask_reason"},
			{"id_number", " 看看 ", "person.unmask_reason"},
			{"name", "核对补贴申请", "person.unmask_field"},
		} {
			err := db.Tx(regCtx, regHetang, func(tx *store.Tx) error {
				_, err := tx.LogUnmask(regHetang.Scope(), a.ID, c.field, c.reason)
				return err
			})
			regWant(t, err, xiangpei.Invalid, c.key)
		}
		if n := len(regAudit(t, db, "person.unmask")); n != 0 {
			t.Fatalf("refused unmasking left %d audit entries", n)
		}
		var got xiangpei.Person
		err := db.Tx(regCtx, regHetang, func(tx *store.Tx) error {
			var err error
			got, err = tx.LogUnmask(regHetang.Scope(), a.ID, "phone", "联系学员核对考勤")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "13812345678" || got.IDNumber != a.IDNumber {
			t.Errorf("unmask returned %+v", got)
		}
		list, err := db.ListAudit(regCtx, regHetang.Scope(), store.AuditFilter{Action: "person.unmask"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].AccountID != regHetang.AccountID || list[0].Region != "430202" ||
			!strings.Contains(list[0].Detail, `"field":"phone"`) || !strings.Contains(list[0].Detail, "联系学员核对考勤") {
			t.Errorf("unmask audit %+v", list)
		}
	})
}

func TestKeyGroups(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		a := regNewPerson(t, db, regIDA, "王小明", "13812345678", "430202")
		s := regHetang.Scope()
		add := func(m xiangpei.KeyGroupMembership) (xiangpei.KeyGroupMembership, error) {
			err := db.Tx(regCtx, regHetang, func(tx *store.Tx) error {
				var err error
				m, err = tx.AddKeyGroup(s, m)
				return err
			})
			return m, err
		}
		m, err := add(xiangpei.KeyGroupMembership{PersonID: a.ID, Group: "migrant", Detail: "湖南省株洲市", Evidence: "村委会务工证明"})
		if err != nil {
			t.Fatal(err)
		}
		if m.ID == 0 || m.VerifiedBy != regHetang.AccountID || m.VerifiedAt.IsZero() || m.Sensitive {
			t.Errorf("membership %+v", m)
		}
		// The disability certificate number contains the ID number: it must not reach the audit trail.
		d, err := add(xiangpei.KeyGroupMembership{PersonID: a.ID, Group: "disabled", Detail: regIDA + "42", Evidence: "残疾人证 " + regIDA + "42"})
		if err != nil {
			t.Fatal(err)
		}
		if !d.Sensitive {
			t.Errorf("disability is sensitive: %+v", d)
		}

		_, err = add(xiangpei.KeyGroupMembership{PersonID: a.ID, Group: "migrant", Evidence: "另一份证明"})
		regWant(t, err, xiangpei.Conflict, "keygroup.duplicate")
		_, err = add(xiangpei.KeyGroupMembership{PersonID: a.ID, Group: "astronaut", Evidence: "证明"})
		regWant(t, err, xiangpei.Invalid, "keygroup.unknown")
		_, err = add(xiangpei.KeyGroupMembership{PersonID: a.ID, Group: "veteran"})
		regWant(t, err, xiangpei.Invalid, "keygroup.evidence")
		_, err = add(xiangpei.KeyGroupMembership{PersonID: 12345, Group: "veteran", Evidence: "退役证"})
		regWant(t, err, xiangpei.NotFound, "not_found")

		list, err := db.KeyGroups(regCtx, s, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Group != "disabled" || list[1].Group != "migrant" || list[1].Evidence != "村委会务工证明" ||
			!list[1].VerifiedAt.Equal(m.VerifiedAt) || !list[0].Sensitive {
			t.Errorf("key groups %+v", list)
		}

		remove := func(personID, id int64, reason string) error {
			return db.Tx(regCtx, regHetang, func(tx *store.Tx) error { return tx.RemoveKeyGroup(s, personID, id, reason) })
		}
		regWant(t, remove(a.ID, m.ID, "错"), xiangpei.Invalid, "keygroup.remove_reason")
		regWant(t, remove(a.ID, 12345, "登记错误，撤销"), xiangpei.NotFound, "not_found")
		b := regNewPerson(t, db, regIDB, "李小红", "13900001111", "430202")
		regWant(t, remove(b.ID, m.ID, "登记错误，撤销"), xiangpei.NotFound, "not_found") // another person's membership
		if err := remove(a.ID, m.ID, "登记错误，撤销"); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.KeyGroups(regCtx, s, a.ID); len(list) != 1 || list[0].Group != "disabled" {
			t.Errorf("after removal %+v", list)
		}
		// Adding it again after removal is allowed.
		if _, err := add(xiangpei.KeyGroupMembership{PersonID: a.ID, Group: "migrant", Evidence: "村委会务工证明"}); err != nil {
			t.Errorf("re-adding after removal: %v", err)
		}
		entries := regAudit(t, db, "person.key_group")
		if len(entries) != 4 {
			t.Errorf("%d key-group audit entries, want 4", len(entries))
		}
		for _, e := range entries {
			if strings.Contains(e.Detail, regIDA) || strings.Contains(e.Detail, "证明") {
				t.Errorf("audit detail carries evidence: %s", e.Detail)
			}
		}
	})
}

// regFullID and regMobile find what looks like a full ID number or a mobile number: an
// 18-character run that parses as an ID number (ids of records are 18-19 digit numbers too,
// but do not carry a valid date and check digit), and exactly 11 digits starting 13-19.
var (
	regIDRun  = regexp.MustCompile(`(?:^|\D)(\d{17}[\dXx])(?:\D|$)`)
	regMobile = regexp.MustCompile(`(?:^|\D)(1[3-9]\d{9})(?:\D|$)`)
)

func regFullID(s string) string {
	for _, m := range regIDRun.FindAllStringSubmatch(s, -1) {
		if _, err := xiangpei.ParseIDNumber(m[1], time.Now()); err == nil {
			return m[1]
		}
	}
	return ""
}

// TestAuditHoldsNoFullIDOrPhone makes every kind of registry change and reads the whole audit
// trail: no full ID number and no phone number may appear in it.
func TestAuditHoldsNoFullIDOrPhone(t *testing.T) {
	regEngines(t, func(t *testing.T, db *store.DB) {
		a := regNewPerson(t, db, regIDA, "王小明", "13812345678", "430202")
		teacherID := regID("43020419800808222")
		err := db.Tx(regCtx, regHetang, func(tx *store.Tx) error {
			s := regHetang.Scope()
			if _, err := tx.UpdatePerson(s, a.ID, 1, "13900001111", "urban", "430202", "employed"); err != nil {
				return err
			}
			m, err := tx.AddKeyGroup(s, xiangpei.KeyGroupMembership{PersonID: a.ID, Group: "disabled", Detail: regIDA + "11", Evidence: "残疾人证" + regIDA + "11，电话13900001111"})
			if err != nil {
				return err
			}
			if err := tx.RemoveKeyGroup(s, a.ID, m.ID, "证件信息核对有误"); err != nil {
				return err
			}
			if _, err := tx.LogUnmask(s, a.ID, "id_number", "核对补贴申请"); err != nil {
				return err
			}
			o, err := xiangpei.OrgInput{Kind: "institution", Name: "荷塘职业培训学校", CreditCode: regCode("91430202MA4L00001"),
				County: "430202", Contact: "赵老师", Phone: "13600002222"}.Validate(regKnownCounty)
			if err != nil {
				return err
			}
			if o, err = tx.CreateOrg(o); err != nil {
				return err
			}
			o.Phone = "13600003333"
			if _, err := tx.UpdateOrg(s, o, o.Version); err != nil {
				return err
			}
			_, err = tx.AddTeacher(s, xiangpei.Teacher{OrgID: o.ID, Name: "赵红", IDNumber: xiangpei.IDNumber(teacherID), Qualification: "高级技师证书"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		list := regAudit(t, db, "")
		if len(list) < 8 {
			t.Fatalf("only %d audit entries", len(list))
		}
		for _, e := range list {
			for _, field := range []string{e.Detail, e.ObjectID, e.AccountName, e.Action} {
				if m := regFullID(field); m != "" || strings.Contains(field, regIDA) || strings.Contains(field, teacherID) {
					t.Errorf("%s: full ID number %s in the audit trail: %s", e.Action, m, field)
				}
				if m := regMobile.FindString(field); m != "" || strings.Contains(field, "13812345678") || strings.Contains(field, "13900001111") {
					t.Errorf("%s: phone number %s in the audit trail: %s", e.Action, m, field)
				}
			}
		}
		// The masked values are there, so the entry still says whom it concerns.
		found := false
		for _, e := range list {
			if e.Action == "person.update" && strings.Contains(e.Detail, a.MaskedID()) && strings.Contains(e.Detail, "139****1111") {
				found = true
			}
		}
		if !found {
			t.Error("the person.update entry lacks the masked ID number and phone")
		}
		// The county's officer sees the entries of their county.
		county := 0
		for _, e := range list {
			if e.Region == "430202" {
				county++
			}
		}
		mine, err := db.ListAudit(regCtx, regHetang.Scope(), store.AuditFilter{Limit: 200})
		if err != nil || county < 8 || len(mine) != county {
			t.Errorf("荷塘区 officer sees %d entries, %d are of 荷塘区 (%v)", len(mine), county, err)
		}
		theirs, err := db.ListAudit(regCtx, regTianyuan.Scope(), store.AuditFilter{Limit: 200})
		if err != nil || len(theirs) != 0 {
			t.Errorf("天元区 officer sees %d 荷塘区 entries (%v)", len(theirs), err)
		}
	})
}
