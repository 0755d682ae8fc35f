package seed

import (
	"context"
	"fmt"
	"time"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/store"
)

// DemoAccount is one account of the demo world; README lists them.
type DemoAccount struct {
	Login  string
	Name   string
	Role   xiangpei.Role
	Duties xiangpei.Duties
	Region string
	Org    string // key into demoOrgs
	Person string // key into demoPersons
	Try    string // what to try with it, for README and the sign-in page
}

// DemoPassword is the password of every demo account. It is printed at start-up and shown on
// the sign-in page of a demo database — never use a demo database for real data.
const DemoPassword = "Xiangpei-Demo-2026"

// DemoAccounts are the accounts the demo seed creates: one for every role and duty family.
var DemoAccounts = []DemoAccount{
	{Login: "admin", Name: "系统管理员", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}, Try: "accounts, organisations, reference data"},
	{Login: "secadmin", Name: "安全管理员", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySecAdmin}, Try: "password profile, lock-outs, API tokens"},
	{Login: "auditor", Name: "安全审计员", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutyAuditor}, Try: "read the audit trail, verify the chain"},
	{Login: "hn_officer", Name: "省厅职业能力建设处", Role: xiangpei.RoleOfficer, Region: "430000",
		Duties: xiangpei.Duties{xiangpei.DutyPublish, xiangpei.DutyTargets}, Try: "province-wide reading; a province shortage list"},
	{Login: "zz_officer", Name: "株洲市人社局经办", Role: xiangpei.RoleOfficer, Region: "430200",
		Duties: xiangpei.Duties{xiangpei.DutyClassReview, xiangpei.DutyClaimReview2, xiangpei.DutyPublish, xiangpei.DutyTargets, xiangpei.DutyRegistry}, Try: "the city's shortage list; city registry"},
	{Login: "zz_finance", Name: "株洲市财务经办", Role: xiangpei.RoleOfficer, Region: "430200",
		Duties: xiangpei.Duties{xiangpei.DutyPayment}, Try: "payment batches, bank and return files, the ledger"},
	{Login: "ty_officer", Name: "天元区人社局经办", Role: xiangpei.RoleOfficer, Region: "430211",
		Duties: xiangpei.Duties{xiangpei.DutyClassReview, xiangpei.DutyClaimReview1, xiangpei.DutyComplaint, xiangpei.DutyRegistry, xiangpei.DutyUnmask}, Try: "class review queue, attendance anomalies, amendments"},
	{Login: "ht_officer", Name: "荷塘区人社局经办", Role: xiangpei.RoleOfficer, Region: "430202",
		Duties: xiangpei.Duties{xiangpei.DutyClassReview, xiangpei.DutyClaimReview1, xiangpei.DutyRegistry}, Try: "another county: 天元区 data is invisible here"},
	{Login: "inst_staff", Name: "株洲市天元区新航向职业培训学校", Role: xiangpei.RoleInstitution, Org: "inst", Try: "classes in every state, rosters, attendance"},
	{Login: "school_staff", Name: "株洲市工业技工学校", Role: xiangpei.RoleSchool, Org: "school", Try: "own school"},
	{Login: "school2_staff", Name: "株洲市交通技工学校", Role: xiangpei.RoleSchool, Org: "school2", Try: "a second school: its own majors and students only"},
	{Login: "assess_staff", Name: "株洲市职业技能等级认定中心", Role: xiangpei.RoleAssessor, Org: "assessor", Try: "own assessment body"},
	{Login: "employer_staff", Name: "株洲轨道交通装备有限公司", Role: xiangpei.RoleEmployer, Org: "employer", Try: "own employer"},
	{Login: "13907330001", Name: "李建国", Role: xiangpei.RolePerson, Person: "li", Try: "record with a completed class, timetable"},
	{Login: "13907330002", Name: "王芳", Role: xiangpei.RolePerson, Person: "wang", Try: "course catalogue: eligibility, enrol; a certificate and a competition award on the record"},
}

type demoOrg struct {
	kind     xiangpei.OrgKind
	name     string
	code17   string // the credit code without its check character
	county   string
	address  string
	capacity int
	badCheck bool // an early code that fails its check: waits for manual confirmation
}

var demoOrgs = map[string]demoOrg{
	"inst":     {xiangpei.OrgInstitution, "株洲市天元区新航向职业培训学校", "52430211MJ123456", "430211", "株洲市天元区长江北路 88 号", 120, false},
	"school":   {xiangpei.OrgSchool, "株洲市工业技工学校", "12430200MB1234567", "430203", "株洲市芦淞区董家塅高科园", 600, false},
	"assessor": {xiangpei.OrgAssessor, "株洲市职业技能等级认定中心", "12430200MB7654321", "430202", "株洲市荷塘区新华西路 1 号", 0, false},
	"employer": {xiangpei.OrgEmployer, "株洲轨道交通装备有限公司", "91430200MA4L12345", "430211", "株洲市天元区栗雨工业园", 0, false},
	"early":    {xiangpei.OrgInstitution, "攸县春风技能培训中心", "52430223MJ765432", "430223", "攸县联星街道", 60, true},
	"school2":  {xiangpei.OrgSchool, "株洲市交通技工学校", "12430200MB2468135", "430202", "株洲市荷塘区红旗北路 9 号", 800, false},
}

type demoPerson struct {
	id17      string
	name      string
	phone     string
	household string
	county    string
	group     string
	detail    string
	evidence  string
}

var demoPersons = map[string]demoPerson{
	"li":   {"43022319850612351", "李建国", "13907330001", "rural", "430211", "migrant", "攸县", "户口簿及务工证明（天元区劳务站核验）"},
	"wang": {"43020220020304122", "王芳", "13907330002", "urban", "430202", "graduate", "2024", "毕业证书 湖南工业大学 2024 届"},
	"zhao": {"43028119790923401", "赵卫东", "13907330003", "rural", "430281", "veteran", "退役证 HN2015-0456", "退役军人事务局出具的退役证"},
	"chen": {"43021119951108242", "陈小红", "13907330004", "rural", "430211", "", "", ""},
	"liu":  {"43022419880101571", "刘强", "13907330005", "rural", "430224", "migrant", "茶陵县", "村委会证明"},
}

// completeCode adds the check character to a 17-character credit code (or a wrong one, for
// the early-code demo).
func completeCode(c17 string, bad bool) string {
	c17 = (c17 + "00000000000000000")[:17]
	ch := xiangpei.CreditCheckChar(c17)
	if bad {
		if ch == '0' {
			ch = '1'
		} else {
			ch = '0'
		}
	}
	return c17 + string(ch)
}

func completeID(id17 string) string { return id17 + string(xiangpei.IDCheckDigit(id17)) }

// Demo seeds the Zhuzhou demo world into a migrated database with reference data: the
// organisations, persons and accounts of DemoAccounts, with the officers' and administrators'
// second factors already enrolled (their current codes are shown on the demo's pages). It
// marks the database as a demo, and does nothing when the database is already seeded. A
// database that is not a demo but has accounts is refused.
func Demo(ctx context.Context, db *store.DB) (bool, error) {
	if v, err := db.Setting(ctx, store.SettingDemo, ""); err != nil || v == "true" {
		return false, err
	}
	// Demo accounts have published passwords: never add them to a database people already use.
	if _, n, err := db.ListAccounts(ctx, "", "", store.Page{Limit: 1}); err != nil {
		return false, err
	} else if n > 0 {
		return false, fmt.Errorf("this database already has %d accounts and is not a demo; refusing to seed demo data into it", n)
	}
	cal, err := db.Calendar(ctx)
	if err != nil {
		return false, err
	}
	system := xiangpei.Actor{Name: "seed"}
	hash := auth.HashPassword(DemoPassword, auth.DefaultParams)
	all := xiangpei.Scope{All: true}
	return true, db.Tx(ctx, system, func(tx *store.Tx) error {
		if err := tx.SetSetting(store.SettingDemo, "true", false); err != nil {
			return err
		}
		orgs := map[string]int64{}
		for _, key := range []string{"inst", "school", "assessor", "employer", "early", "school2"} {
			d := demoOrgs[key]
			o, err := tx.CreateOrg(xiangpei.Organisation{Kind: d.kind, Name: d.name, CreditCode: xiangpei.CreditCode(completeCode(d.code17, d.badCheck)),
				County: d.county, Address: d.address, Contact: "办公室", Phone: "0731-28000000", Capacity: d.capacity})
			if err != nil {
				return fmt.Errorf("demo organisation %s: %w", key, err)
			}
			orgs[key] = o.ID
		}
		inst := orgs["inst"]
		for _, sc := range []xiangpei.ScopeEntry{{OrgID: inst, OccupationCode: "6-31-01-03", Level: "4"}, {OrgID: inst, OccupationCode: "6-31-01-03", Level: "5"},
			{OrgID: inst, OccupationCode: "4-10-01-05", Level: "5"}} {
			if _, err := tx.AddScope(all, sc); err != nil {
				return fmt.Errorf("demo scope: %w", err)
			}
		}
		venue, err := tx.AddVenue(all, xiangpei.Venue{OrgID: inst, Name: "长江北路实训基地", Address: "株洲市天元区长江北路 88 号 2 楼", County: "430211", Lat: 27.8318, Lng: 113.0843})
		if err != nil {
			return fmt.Errorf("demo venue: %w", err)
		}
		var teachers []int64
		for _, t := range []xiangpei.Teacher{
			{OrgID: inst, Name: "周师傅", IDNumber: xiangpei.IDNumber(completeID("43021119750305301")),
				Qualification: "高级技师", OccupationCode: "6-31-01-03", Level: "1", CertificateNo: "S000043020000123456"},
			{OrgID: inst, Name: "彭护师", IDNumber: xiangpei.IDNumber(completeID("43020419800716262")),
				Qualification: "主管护师、养老护理员二级/技师", OccupationCode: "4-10-01-05", Level: "2", CertificateNo: "S000043020000234567"},
		} {
			t, err := tx.AddTeacher(all, t)
			if err != nil {
				return fmt.Errorf("demo teacher: %w", err)
			}
			teachers = append(teachers, t.ID)
		}
		persons := map[string]int64{}
		for _, key := range []string{"li", "wang", "zhao", "chen", "liu"} {
			d := demoPersons[key]
			p, err := xiangpei.PersonInput{IDNumber: completeID(d.id17), Name: d.name, Phone: d.phone, Household: d.household, County: d.county}.
				Validate(tx.Now, func(string) bool { return true })
			if err != nil {
				return fmt.Errorf("demo person %s: %w", key, err)
			}
			if p, err = tx.CreatePerson(p); err != nil {
				return fmt.Errorf("demo person %s: %w", key, err)
			}
			persons[key] = p.ID
			if d.group != "" {
				if _, err := tx.AddKeyGroup(all, xiangpei.KeyGroupMembership{PersonID: p.ID, Group: d.group, Detail: d.detail, Evidence: d.evidence}); err != nil {
					return fmt.Errorf("demo key group %s: %w", key, err)
				}
			}
		}
		var claims *claimDemo // 补贴: the claim demo's classes run with the training demo, its claims once the accounts exist
		evaluation := func(d *demoWorld) (err error) {
			if err = demoEvaluation(d, orgs["assessor"], persons["wang"]); err == nil {
				claims, err = demoClaimClassesOf(d, orgs["assessor"], persons["li"])
			}
			return err
		}
		if err := demoTraining(tx, cal, inst, venue, teachers, persons["li"], persons["chen"], evaluation); err != nil {
			return err
		}
		actors := map[string]xiangpei.Actor{}
		for _, d := range DemoAccounts {
			in := xiangpei.AccountInput{Login: d.Login, DisplayName: d.Name, Role: d.Role, Duties: d.Duties, Region: d.Region,
				OrgID: orgs[d.Org], PersonID: persons[d.Person]}
			a, err := tx.CreateAccount(in, hash, false)
			if err != nil {
				return fmt.Errorf("demo account %s: %w", d.Login, err)
			}
			actors[d.Login] = a.Actor()
			if d.Role.NeedsSecondFactor() {
				secret, err := auth.NewTOTP(d.Login)
				if err != nil {
					return err
				}
				if err := tx.SetTOTPSecret(a.ID, secret); err != nil {
					return err
				}
				if err := tx.ConfirmTOTP(a.ID); err != nil {
					return err
				}
			}
		}
		if err := demoJobs(tx, cal, orgs, persons); err != nil {
			return err
		}
		if err := demoPolicies(tx, actors); err != nil {
			return err
		}
		if err := demoGigsFor(tx, orgs, persons); err != nil { // before the complaints: no open arrears block the gigs
			return err
		}
		if err := demoComplaints(tx, orgs, persons, actors); err != nil {
			return err
		}
		if err := demoFollowUp(tx, cal, inst, venue, teachers, actors); err != nil {
			return err
		}
		if err := demoFairs(tx, orgs, persons, actors); err != nil {
			return err
		}
		if err := demoSchools(tx, orgs); err != nil {
			return err
		}
		if err := demoAdmissions(tx, orgs); err != nil {
			return err
		}
		if err := demoRegistry(tx, orgs, actors); err != nil {
			return err
		}
		return claims.claimsAs(actors)
	})
}

// DemoTOTP returns the current one-time code of a demo account, for tests and the start-up
// banner.
func DemoTOTP(ctx context.Context, db *store.DB, login string, now time.Time) (string, error) {
	a, err := db.AccountByLogin(ctx, login)
	if err != nil {
		return "", err
	}
	return auth.TOTPCode(a.TOTPSecret, now)
}
