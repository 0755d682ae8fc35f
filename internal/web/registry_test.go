package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// regWorld is a small registry: two counties of Zhuzhou, a person and an organisation in
// each, officers of both, a system administrator, an auditor and an institution's staff.
type regWorld struct {
	*env

	personA, personB xiangpei.Person // 天元区 430211, 荷塘区 430202
	orgA, orgB       xiangpei.Organisation

	officerA string // 430211, registry + unmask
	officerB string // 430202, class_review only
	sysadmin string
	auditor  string
	staffA   string // institution staff of orgA
}

// regIDNumber builds a valid ID number from a county, a birth date and a sequence.
func regIDNumber(county, birth, seq string) string { return validID(county + birth + seq) }

// regCreditCode builds a credit code of a county; pending gives it a wrong check character.
func regCreditCode(county, body string, pending bool) string {
	return creditCode("91"+county+body, pending)
}

func newRegWorld(t *testing.T, db *store.DB) *regWorld {
	t.Helper()
	w := &regWorld{env: newEnv(t, db)}
	ctx := context.Background()
	setup := xiangpei.Actor{Name: "setup", Role: xiangpei.RoleAdmin}
	err := db.Tx(ctx, setup, func(tx *store.Tx) error {
		var err error
		if w.personA, err = tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(regIDNumber("430211", "19900315", "123")),
			Name: "张天元", Phone: "13807331234", Household: xiangpei.HouseholdRural, County: "430211"}); err != nil {
			return err
		}
		if w.personB, err = tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(regIDNumber("430202", "19851120", "456")),
			Name: "张荷塘", Phone: "13907335678", Household: xiangpei.HouseholdUrban, County: "430202"}); err != nil {
			return err
		}
		if w.orgA, err = tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgInstitution, Name: "天元职业培训学校",
			CreditCode: xiangpei.CreditCode(regCreditCode("430211", "MA4L0001X", true)), County: "430211",
			Address: "株洲市天元区长江北路1号", Contact: "李老师", Phone: "0731-22837000", Capacity: 200}); err != nil {
			return err
		}
		if w.orgA.CodeStatus != xiangpei.CodePending {
			return fmt.Errorf("org A code status %v, want pending", w.orgA.CodeStatus)
		}
		if w.orgB, err = tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgInstitution, Name: "荷塘技能培训中心",
			CreditCode: xiangpei.CreditCode(regCreditCode("430202", "MA4L0002X", false)), County: "430202",
			Address: "株洲市荷塘区新华路2号", Capacity: 100}); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.officerA = w.account(xiangpei.AccountInput{Login: "officer.tianyuan", DisplayName: "天元经办", Role: xiangpei.RoleOfficer,
		Duties: xiangpei.Duties{xiangpei.DutyRegistry, xiangpei.DutyUnmask}, Region: "430211"})
	w.officerB = w.account(xiangpei.AccountInput{Login: "officer.hetang", DisplayName: "荷塘经办", Role: xiangpei.RoleOfficer,
		Duties: xiangpei.Duties{xiangpei.DutyClassReview}, Region: "430202"})
	w.sysadmin = w.account(xiangpei.AccountInput{Login: "sysadmin", DisplayName: "系统管理员", Role: xiangpei.RoleAdmin,
		Duties: xiangpei.Duties{xiangpei.DutySysAdmin}})
	w.auditor = w.account(xiangpei.AccountInput{Login: "auditor", DisplayName: "审计员", Role: xiangpei.RoleAdmin,
		Duties: xiangpei.Duties{xiangpei.DutyAuditor}})
	w.staffA = w.account(xiangpei.AccountInput{Login: "staff.tianyuan", DisplayName: "培训学校职员", Role: xiangpei.RoleInstitution,
		OrgID: w.orgA.ID})
	return w
}

// account creates an account with its second factor enrolled and returns an API token for it.
func (w *regWorld) account(in xiangpei.AccountInput) string {
	return w.token(w.env.account(in, testPassword).ID)
}

// call sends a request with a Bearer token: a JSON body for the API, form values otherwise.
// A redirect answers with its location instead of a body.
func (w *regWorld) call(token, method, path string, body any) (int, string) {
	w.t.Helper()
	status, b, h := w.request(token, method, path, body)
	if loc := h.Get("Location"); loc != "" {
		return status, loc
	}
	return status, string(b)
}

// want checks a status and returns the body.
func (w *regWorld) want(status int, token, method, path string, body any) string {
	w.t.Helper()
	got, b := w.call(token, method, path, body)
	if got != status {
		w.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, got, status, b)
	}
	return b
}

func num(v any) int64 {
	n, _ := v.(json.Number).Int64()
	return n
}

// noPersonalData fails when a body holds a full ID number, phone or birth date of a person.
func noPersonalData(t *testing.T, what, body string, ps ...xiangpei.Person) {
	t.Helper()
	for _, p := range ps {
		for _, v := range []string{string(p.IDNumber), p.Phone, p.BirthDate, strings.ReplaceAll(p.BirthDate, "-", "")} {
			if strings.Contains(body, v) {
				t.Errorf("%s shows %q in full", what, v)
			}
		}
	}
}

func (w *regWorld) auditCount(action string, objectID int64) int {
	w.t.Helper()
	entries, err := w.db.ListAudit(context.Background(), xiangpei.Scope{All: true},
		store.AuditFilter{Action: action, ObjectID: fmt.Sprint(objectID), Limit: 200})
	if err != nil {
		w.t.Fatal(err)
	}
	return len(entries)
}

func TestRegistry(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) { testRegistry(t, db) })
	}
}

func testRegistry(t *testing.T, db *store.DB) {
	w := newRegWorld(t, db)
	pa, pb := w.personA, w.personB
	paPath := fmt.Sprintf("/api/v1/persons/%d", pa.ID)
	pbPath := fmt.Sprintf("/api/v1/persons/%d", pb.ID)
	oaPath := fmt.Sprintf("/api/v1/orgs/%d", w.orgA.ID)
	obPath := fmt.Sprintf("/api/v1/orgs/%d", w.orgB.ID)

	t.Run("search is region-scoped and masked", func(t *testing.T) {
		body := w.want(200, w.officerA, "GET", "/api/v1/persons?q="+url.QueryEscape("张"), nil)
		m := decode(t, body)
		list := m["persons"].([]any)
		if len(list) != 1 || num(list[0].(map[string]any)["id"]) != pa.ID || num(m["total"]) != 1 {
			t.Fatalf("officer of 430211 searching 张 got %s", body)
		}
		if got := list[0].(map[string]any)["id_number"]; got != pa.IDNumber.Masked() {
			t.Errorf("id_number %v, want masked %v", got, pa.IDNumber.Masked())
		}
		noPersonalData(t, "person list", body, pa, pb)
		// The other county's person is absent, even searched by the exact ID number or phone.
		for _, q := range []string{string(pb.IDNumber), pb.Phone} {
			m := decode(t, w.want(200, w.officerA, "GET", "/api/v1/persons?q="+q, nil))
			if num(m["total"]) != 0 {
				t.Errorf("search for a person of 430202 by %q found %v", q, m["persons"])
			}
		}
		// Exact ID number and phone find the own-county person.
		for _, q := range []string{string(pa.IDNumber), pa.Phone} {
			m := decode(t, w.want(200, w.officerA, "GET", "/api/v1/persons?q="+q, nil))
			if num(m["total"]) != 1 {
				t.Errorf("search by %q found %v persons", q, m["total"])
			}
		}
		// The administrator sees both counties.
		m = decode(t, w.want(200, w.sysadmin, "GET", "/api/v1/persons?q="+url.QueryEscape("张"), nil))
		if num(m["total"]) != 2 {
			t.Errorf("sysadmin found %v persons, want 2", m["total"])
		}
		// The page: a table of masked values.
		page := w.want(200, w.officerA, "GET", "/registry/persons?q="+url.QueryEscape("张"), nil)
		if !strings.Contains(page, pa.IDNumber.Masked()) || !strings.Contains(page, xiangpei.MaskPhone(pa.Phone)) || strings.Contains(page, pb.Name) {
			t.Errorf("person list page does not show the masked own-county person only:\n%s", page)
		}
		noPersonalData(t, "person list page", page, pa, pb)
	})

	t.Run("detail of a foreign county is 404", func(t *testing.T) {
		w.want(404, w.officerA, "GET", pbPath, nil)
		w.want(404, w.officerA, "GET", fmt.Sprintf("/registry/persons/%d", pb.ID), nil)
		w.want(404, w.officerA, "GET", pbPath+"/key-groups", nil)
		w.want(404, w.officerA, "GET", obPath, nil)
		w.want(404, w.officerA, "POST", pbPath+"/unmask", map[string]any{"field": "id_number", "reason": "核对身份信息"})
		if n := w.auditCount("person.unmask", pb.ID); n != 0 {
			t.Errorf("a refused unmask left %d audit entries", n)
		}
		body := w.want(200, w.officerA, "GET", paPath, nil)
		p := decode(t, body)["person"].(map[string]any)
		if p["id_number"] != pa.IDNumber.Masked() || p["phone"] != xiangpei.MaskPhone(pa.Phone) {
			t.Errorf("detail not masked: %v", p)
		}
		noPersonalData(t, "person detail", body, pa)
		page := w.want(200, w.officerA, "GET", fmt.Sprintf("/registry/persons/%d", pa.ID), nil)
		noPersonalData(t, "person page", page, pa)
	})

	t.Run("unmask needs a reason and is logged", func(t *testing.T) {
		w.want(422, w.officerA, "POST", paPath+"/unmask", map[string]any{"field": "id_number", "reason": ""})
		w.want(422, w.officerA, "POST", fmt.Sprintf("/registry/persons/%d/unmask", pa.ID), url.Values{"field": {"phone"}, "reason": {" "}})
		if n := w.auditCount("person.unmask", pa.ID); n != 0 {
			t.Fatalf("unmask without a reason left %d audit entries", n)
		}
		m := decode(t, w.want(200, w.officerA, "POST", paPath+"/unmask", map[string]any{"field": "id_number", "reason": "核对补贴申领人身份"}))
		if m["value"] != string(pa.IDNumber) {
			t.Errorf("unmask gave %v, want the full ID number", m["value"])
		}
		page := w.want(200, w.officerA, "POST", fmt.Sprintf("/registry/persons/%d/unmask", pa.ID),
			url.Values{"field": {"phone"}, "reason": {"电话回访核实"}})
		if !strings.Contains(page, pa.Phone) {
			t.Error("the unmask page does not show the full phone")
		}
		if n := w.auditCount("person.unmask", pa.ID); n != 2 {
			t.Fatalf("%d person.unmask entries, want 2", n)
		}
		entries, _ := w.db.ListAudit(context.Background(), xiangpei.Scope{All: true}, store.AuditFilter{Action: "person.unmask"})
		for _, e := range entries {
			noPersonalData(t, "audit detail", e.Detail, pa)
		}
		// Unmasking is the unmask duty's alone: an administrator is refused.
		w.want(403, w.sysadmin, "POST", paPath+"/unmask", map[string]any{"field": "id_number", "reason": "核对补贴申领人身份"})
	})

	t.Run("key groups", func(t *testing.T) {
		add := map[string]any{"group": "graduate", "detail": "2024", "evidence": "毕业证书 湘大 2024-0012"}
		m := decode(t, w.want(201, w.officerA, "POST", paPath+"/key-groups", add))
		gradID := num(m["id"])
		w.want(409, w.officerA, "POST", paPath+"/key-groups", add)
		w.want(422, w.officerA, "POST", paPath+"/key-groups", map[string]any{"group": "migrant", "evidence": ""})
		w.want(201, w.officerA, "POST", paPath+"/key-groups", map[string]any{"group": "veteran", "detail": "退役证 2019-88", "evidence": "退役军人证原件"})
		// The registry officer sees the sensitive group; the administrator does not.
		m = decode(t, w.want(200, w.officerA, "GET", paPath+"/key-groups", nil))
		if len(m["key_groups"].([]any)) != 2 || m["sensitive_hidden"] != false {
			t.Errorf("officer sees %v", m)
		}
		body := w.want(200, w.sysadmin, "GET", paPath+"/key-groups", nil)
		m = decode(t, body)
		if len(m["key_groups"].([]any)) != 1 || m["sensitive_hidden"] != true || strings.Contains(body, "veteran") {
			t.Errorf("sysadmin sees %s", body)
		}
		page := w.want(200, w.sysadmin, "GET", fmt.Sprintf("/registry/persons/%d", pa.ID), nil)
		if !strings.Contains(page, "敏感信息已隐藏") || strings.Contains(page, "退役证") {
			t.Error("the person page shows a sensitive group to the administrator")
		}
		// Removing needs a reason.
		w.want(422, w.officerA, "POST", fmt.Sprintf("%s/key-groups/%d/remove", paPath, gradID), map[string]any{"reason": ""})
		w.want(200, w.officerA, "POST", fmt.Sprintf("%s/key-groups/%d/remove", paPath, gradID), map[string]any{"reason": "毕业证书核实有误"})
		w.want(404, w.officerA, "POST", fmt.Sprintf("%s/key-groups/%d/remove", paPath, gradID), map[string]any{"reason": "毕业证书核实有误"})
		// The page form adds it again and redirects.
		loc := w.want(303, w.officerA, "POST", fmt.Sprintf("/registry/persons/%d/key-groups", pa.ID),
			url.Values{"group": {"graduate"}, "detail": {"2024"}, "evidence": {"毕业证书 湘大 2024-0012"}})
		if !strings.HasPrefix(loc, fmt.Sprintf("/registry/persons/%d?done=", pa.ID)) {
			t.Errorf("redirect to %q", loc)
		}
	})

	t.Run("person update is versioned", func(t *testing.T) {
		cur := decode(t, w.want(200, w.officerA, "GET", paPath, nil))["person"].(map[string]any)
		v := num(cur["version"])
		change := map[string]any{"household": "urban", "county": "430211", "employment": "employed", "version": v - 1 + 100}
		body := w.want(409, w.officerA, "POST", paPath, change)
		if !strings.Contains(body, "别人已修改") {
			t.Errorf("stale message %s", body)
		}
		after, err := w.db.Person(context.Background(), xiangpei.Scope{All: true}, pa.ID)
		if err != nil || after.Employment != pa.Employment || after.Version != v || after.Household != pa.Household {
			t.Fatalf("a stale save changed the person: %+v %v", after, err)
		}
		change["version"] = v
		m := decode(t, w.want(200, w.officerA, "POST", paPath, change))
		if m["employment"] != "employed" || num(m["version"]) != v+1 || m["phone"] != xiangpei.MaskPhone(pa.Phone) {
			t.Errorf("update gave %v", m)
		}
		after, _ = w.db.Person(context.Background(), xiangpei.Scope{All: true}, pa.ID)
		if after.Phone != pa.Phone {
			t.Errorf("an empty phone changed the phone to %q", after.Phone)
		}
		// The page form with a stale version shows the page again with the message.
		page := w.want(409, w.officerA, "POST", fmt.Sprintf("/registry/persons/%d", pa.ID),
			url.Values{"version": {fmt.Sprint(v)}, "county": {"430211"}, "employment": {"retired"}, "household": {"urban"}})
		if !strings.Contains(page, "别人已修改") || !strings.Contains(page, `value="retired" selected`) {
			t.Error("the stale form did not come back with the message and the typed values")
		}
		w.want(422, w.officerA, "POST", paPath, map[string]any{"county": "999999", "version": v + 1})
	})

	t.Run("changes need the registry duty", func(t *testing.T) {
		w.want(200, w.officerB, "GET", pbPath, nil)
		w.want(403, w.officerB, "POST", pbPath, map[string]any{"county": "430202", "version": 1})
		w.want(403, w.officerB, "POST", pbPath+"/key-groups", map[string]any{"group": "migrant", "evidence": "务工证明"})
		w.want(403, w.officerB, "POST", pbPath+"/unmask", map[string]any{"field": "phone", "reason": "电话回访核实"})
		w.want(403, w.officerB, "POST", obPath+"/sanctions", map[string]any{"kind": "interview", "reason": "投诉较多", "evidence": "投诉记录", "starts_on": "2026-01-05"})
		w.want(403, w.officerB, "POST", obPath+"/venues", map[string]any{"name": "一号场地", "address": "新华路2号", "county": "430202", "lat": 27.8, "lng": 113.1})
		w.want(403, w.officerB, "POST", fmt.Sprintf("/registry/orgs/%d/teachers", w.orgB.ID), url.Values{"name": {"王老师"}})
		// Neither the auditor nor an organisation's staff reads the registry.
		w.want(403, w.auditor, "GET", "/api/v1/persons", nil)
		w.want(403, w.auditor, "GET", "/api/v1/orgs", nil)
		w.want(403, w.staffA, "GET", paPath, nil)
		w.want(403, w.staffA, "GET", oaPath, nil)
	})

	t.Run("credit code confirmation", func(t *testing.T) {
		m := decode(t, w.want(200, w.officerA, "GET", "/api/v1/codes", nil))
		if num(m["total"]) != 1 || num(m["orgs"].([]any)[0].(map[string]any)["id"]) != w.orgA.ID {
			t.Fatalf("code queue %v", m)
		}
		if page := w.want(200, w.officerA, "GET", "/registry/codes", nil); !strings.Contains(page, w.orgA.Name) {
			t.Error("the queue page does not list the pending organisation")
		}
		w.want(422, w.officerA, "POST", oaPath+"/confirm-code", map[string]any{"decision": "confirm", "reason": "", "version": w.orgA.Version})
		w.want(422, w.officerA, "POST", oaPath+"/confirm-code", map[string]any{"decision": "maybe", "reason": "对照营业执照", "version": w.orgA.Version})
		w.want(409, w.officerA, "POST", oaPath+"/confirm-code", map[string]any{"decision": "confirm", "reason": "对照营业执照", "version": w.orgA.Version + 5})
		m = decode(t, w.want(200, w.officerA, "POST", oaPath+"/confirm-code", map[string]any{"decision": "confirm", "reason": "已对照营业执照原件，代码一致", "version": w.orgA.Version}))
		if m["code_status"] != "confirmed" {
			t.Errorf("code status %v", m["code_status"])
		}
		w.want(409, w.officerA, "POST", oaPath+"/confirm-code", map[string]any{"decision": "reject", "reason": "已对照营业执照原件", "version": w.orgA.Version + 1})
		m = decode(t, w.want(200, w.officerA, "GET", "/api/v1/codes", nil))
		if num(m["total"]) != 0 {
			t.Errorf("queue after confirmation %v", m)
		}
		if n := w.auditCount("org.code_confirm", w.orgA.ID); n != 1 {
			t.Errorf("%d org.code_confirm entries", n)
		}
	})

	t.Run("scope venues teachers", func(t *testing.T) {
		m := decode(t, w.want(201, w.officerA, "POST", oaPath+"/scopes", map[string]any{"occupation_code": "4-10-01-05", "level": "4"}))
		scopeID := num(m["id"])
		w.want(409, w.officerA, "POST", oaPath+"/scopes", map[string]any{"occupation_code": "4-10-01-05", "level": "4"})
		w.want(422, w.officerA, "POST", oaPath+"/scopes", map[string]any{"occupation_code": "9-99-99-99", "level": "4"})
		w.want(201, w.officerA, "POST", oaPath+"/venues", map[string]any{"name": "天元实训基地", "address": "株洲市天元区黄河南路8号",
			"county": "430211", "lat": 27.83, "lng": 113.08})
		w.want(422, w.officerA, "POST", oaPath+"/venues", map[string]any{"name": "海外场地", "address": "某地某路1号", "county": "430211", "lat": 1.0, "lng": 2.0})
		teacherID := regIDNumber("430211", "19800101", "777")
		body := w.want(201, w.officerA, "POST", oaPath+"/teachers", map[string]any{"name": "王师傅", "id_number": teacherID,
			"qualification": "高级技师证书", "occupation_code": "4-10-01-05", "level": "2", "certificate_no": "T-2020-001"})
		if strings.Contains(body, teacherID) {
			t.Error("the new teacher's ID number is shown in full")
		}
		w.want(409, w.officerA, "POST", oaPath+"/teachers", map[string]any{"name": "王师傅", "id_number": teacherID, "qualification": "高级技师证书"})
		// The page form for a venue redirects back to the organisation.
		loc := w.want(303, w.officerA, "POST", fmt.Sprintf("/registry/orgs/%d/venues", w.orgA.ID),
			url.Values{"name": {"二号教室"}, "address": {"株洲市天元区黄河南路10号"}, "county": {"430211"}, "lat": {"27.84"}, "lng": {"113.09"}})
		if !strings.HasPrefix(loc, fmt.Sprintf("/registry/orgs/%d?done=", w.orgA.ID)) {
			t.Errorf("redirect to %q", loc)
		}
		m = decode(t, w.want(200, w.officerA, "GET", oaPath+"/venues", nil))
		if len(m["venues"].([]any)) != 2 {
			t.Errorf("venues %v", m)
		}
		body = w.want(200, w.officerA, "GET", oaPath+"/teachers", nil)
		if strings.Contains(body, teacherID) || !strings.Contains(body, xiangpei.IDNumber(teacherID).Masked()) {
			t.Errorf("teachers list %s", body)
		}
		w.want(422, w.officerA, "POST", fmt.Sprintf("%s/scopes/%d/remove", oaPath, scopeID), map[string]any{"reason": ""})
		w.want(200, w.officerA, "POST", fmt.Sprintf("%s/scopes/%d/remove", oaPath, scopeID), map[string]any{"reason": "不再具备实训条件"})
		m = decode(t, w.want(200, w.officerA, "GET", oaPath+"/scopes", nil))
		if len(m["scopes"].([]any)) != 0 {
			t.Errorf("scopes after removal %v", m)
		}
	})

	t.Run("suspension blocks the organisation", func(t *testing.T) {
		today := time.Now().In(xiangpei.ChinaTime).Format(time.DateOnly)
		w.want(422, w.officerA, "POST", oaPath+"/sanctions", map[string]any{"kind": "fine", "reason": "虚假考勤记录", "evidence": "检查记录", "starts_on": today})
		w.want(201, w.officerA, "POST", oaPath+"/sanctions", map[string]any{"kind": "interview", "reason": "学员投诉较多", "evidence": "投诉记录 3 件", "starts_on": today})
		m := decode(t, w.want(200, w.officerA, "GET", oaPath, nil))
		if m["blocked"] != false {
			t.Fatalf("an interview blocks the organisation: %v", m)
		}
		w.want(201, w.officerA, "POST", oaPath+"/sanctions", map[string]any{"kind": "suspend", "reason": "检查发现虚假考勤",
			"evidence": "现场检查记录 2026-017", "starts_on": today})
		m = decode(t, w.want(200, w.officerA, "GET", oaPath, nil))
		if m["blocked"] != true || m["blocking_sanction"].(map[string]any)["kind"] != "suspend" {
			t.Errorf("after suspension %v", m)
		}
		if blocked, _, err := w.db.OrgBlocked(context.Background(), w.orgA.ID, time.Now()); err != nil || !blocked {
			t.Errorf("OrgBlocked = %v, %v", blocked, err)
		}
		page := w.want(200, w.officerA, "GET", fmt.Sprintf("/registry/orgs/%d", w.orgA.ID), nil)
		if !strings.Contains(page, "停业整顿中：不能开班和申领补贴") {
			t.Error("the organisation page does not show the suspension")
		}
		// The staff of the organisation read it, blocked state included, through /api/v1/org.
		m = decode(t, w.want(200, w.staffA, "GET", "/api/v1/org", nil))
		if num(m["org"].(map[string]any)["id"]) != w.orgA.ID || m["blocked"] != true {
			t.Errorf("own organisation %v", m)
		}
	})

	t.Run("org update is versioned", func(t *testing.T) {
		cur := decode(t, w.want(200, w.officerA, "GET", oaPath, nil))["org"].(map[string]any)
		v := num(cur["version"])
		edit := map[string]any{"name": "天元职业技能培训学校", "county": "430211", "address": "株洲市天元区长江北路1号",
			"contact": "李老师", "capacity": 250, "version": v + 3}
		w.want(409, w.officerA, "POST", oaPath, edit)
		edit["version"] = v
		m := decode(t, w.want(200, w.officerA, "POST", oaPath, edit))
		if m["name"] != "天元职业技能培训学校" || m["phone"] != "0731-22837000" || num(m["capacity"]) != 250 {
			t.Errorf("org after update %v", m)
		}
		w.want(403, w.officerB, "POST", obPath, edit)
		w.want(404, w.officerA, "POST", obPath, edit)
	})

	t.Run("lists and pages render", func(t *testing.T) {
		for _, tok := range []string{w.officerA, w.sysadmin, w.officerB} {
			for _, p := range []string{"/registry/persons", "/registry/orgs", "/registry/orgs?kind=institution&status=confirmed&q=" + url.QueryEscape("天元"), "/registry/codes"} {
				w.want(200, tok, "GET", p, nil)
			}
		}
		w.want(200, w.officerA, "GET", fmt.Sprintf("/registry/orgs/%d", w.orgA.ID), nil)
		w.want(200, w.sysadmin, "GET", fmt.Sprintf("/registry/orgs/%d", w.orgB.ID), nil)
		m := decode(t, w.want(200, w.officerA, "GET", "/api/v1/orgs?q="+url.QueryEscape("培训"), nil))
		if num(m["total"]) != 1 {
			t.Errorf("officer of 430211 sees %v organisations", m["total"])
		}
		w.want(200, w.officerA, "GET", oaPath+"/sanctions", nil)
	})
}
