package seed

import (
	"bytes"
	"fmt"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 补贴 in the demo: claims of the demo institution in every state a claim or a line can be in,
// replayed through the real operations at the moments they happened, by the demo accounts that
// hold the duties (inst_staff claims, ty_officer reviews for the county, zz_officer for the
// city and resolves objections, zz_finance pays), so every date, notice countdown, queue and
// ledger balance on the pages is true:
//
//	draft (after a withdrawn claim of the same class) · submitted (after a claim returned for a
//	shared phone number; its lines still carry the audit's shared_phone and outside_geofence
//	flags) · review_1 (a line with a revoked certificate, failed by the audit and rejected by
//	the county) · rejected · review_2 (one line reduced by the county) · notice with an open
//	objection · approved (an objection dismissed during its notice) · in_payment with one line
//	the bank refused (payment_failed) · in_payment waiting for the bank · paid with one line
//	clawed back.
//
// The city's budget of the year pays them. A closed 电工 level-4 class with certificates and no
// claim is left for the institution to claim (and for the browser journey): DemoClaimableClass;
// 李建国 (a demo account, who did level 5 in the mornings) is on it, in the afternoons.

// DemoClaimableClass is the closed class the demo leaves unclaimed.
const DemoClaimableClass = "电工（四级）技能提升班 第 2 期"

// DemoBudgetFen is the amount of the city's general subsidy budget of the demo's year.
const DemoBudgetFen = 200000000 // ¥2,000,000

type demoClaimClass struct {
	key        string
	name       string
	occupation string
	level      string
	action     string
	sector     string
	sessions   int
	trainees   int
}

// demoClaimClasses are the closed classes the demo claims are made for, in the order their
// sessions are scheduled.
var demoClaimClasses = []demoClaimClass{
	{"paid", "养老护理员（五级）培训班 2026 年第 1 期", "4-10-01-05", "5", "elderly_care", "life_services", 4, 4},
	{"failed", "电工（五级）技能提升班 企业订单班", "6-31-01-03", "5", "migrant_skills", "advanced_manufacturing", 4, 4},
	{"waiting", "电工（四级）技能提升班 第 1 期", "6-31-01-03", "4", "migrant_skills", "advanced_manufacturing", 4, 3},
	{"approved", "养老护理员（五级）社区照护专班", "4-10-01-05", "5", "elderly_care", "life_services", 4, 3},
	{"notice", "养老护理员（五级）失能照护专班", "4-10-01-05", "5", "elderly_care", "life_services", 4, 3},
	{"review2", "电工（五级）农民工技能帮扶班 第 1 期", "6-31-01-03", "5", "migrant_skills", "advanced_manufacturing", 4, 3},
	{"review1", "养老护理员（五级）机构护理班", "4-10-01-05", "5", "elderly_care", "life_services", 4, 3},
	{"submitted", "养老护理员（五级）居家照护班", "4-10-01-05", "5", "elderly_care", "life_services", 6, 4},
	{"rejected", "电工（五级）技能提升班 夜间专班", "6-31-01-03", "5", "migrant_skills", "advanced_manufacturing", 4, 3},
	{"draft", "养老护理员（五级）医养结合班", "4-10-01-05", "5", "elderly_care", "life_services", 4, 3},
	{"open", DemoClaimableClass, "6-31-01-03", "4", "migrant_skills", "advanced_manufacturing", 4, 4},
}

type claimDemo struct {
	*demoWorld
	actors  map[string]xiangpei.Actor
	classes map[string]xiangpei.Class
	people  map[string][]int64
	w       func(offset int, hour int) time.Time
}

// as runs fn at time t as the demo account login, with its scope.
func (c *claimDemo) as(login string, t time.Time, fn func(s xiangpei.Scope) error) error {
	a, ok := c.actors[login]
	if !ok {
		return fmt.Errorf("demo claims: no account %s", login)
	}
	saved := c.tx.Actor
	c.tx.Actor = a
	defer func() { c.tx.Actor = saved }()
	return c.at(t, func() error { return fn(a.Scope()) })
}

// demoClaimClassesOf runs and closes the classes of the claim demo and issues their
// certificates, inside the training demo (it needs its venue, teachers and terminal); claims
// then makes the claims once the demo accounts exist.
func demoClaimClassesOf(d *demoWorld, assessor, li int64) (*claimDemo, error) {
	w := *d
	w.teachers = append([]int64(nil), d.teachers...)
	w.trainees = map[[2]int64]xiangpei.Trainee{}
	today := time.Date(w.now.In(xiangpei.ChinaTime).Year(), w.now.In(xiangpei.ChinaTime).Month(), w.now.In(xiangpei.ChinaTime).Day(), 0, 0, 0, 0, xiangpei.ChinaTime)
	c := &claimDemo{demoWorld: &w, classes: map[string]xiangpei.Class{}, people: map[string][]int64{},
		w: func(offset, hour int) time.Time {
			return w.cal.AddWorkdays(today, offset).Add(time.Duration(hour) * time.Hour)
		}}
	if err := c.run(assessor, li); err != nil {
		return nil, fmt.Errorf("demo claim classes: %w", err)
	}
	return c, nil
}

// claimsAs makes the demo claims, acting as the demo accounts.
func (c *claimDemo) claimsAs(actors map[string]xiangpei.Actor) error {
	c.actors = actors
	if err := c.claims(); err != nil {
		return fmt.Errorf("demo claims: %w", err)
	}
	return nil
}

func (c *claimDemo) run(assessor, li int64) error {
	tx := c.tx
	all := xiangpei.Scope{All: true}
	// Two more teachers, so that the classes can run side by side.
	for _, t := range []xiangpei.Teacher{
		{OrgID: c.inst, Name: "易工", IDNumber: xiangpei.IDNumber(completeID("43021119820417331")),
			Qualification: "技师", OccupationCode: "6-31-01-03", Level: "2", CertificateNo: "S000043020000345678"},
		{OrgID: c.inst, Name: "肖老师", IDNumber: xiangpei.IDNumber(completeID("43020319860921242")),
			Qualification: "养老护理员二级/技师", OccupationCode: "4-10-01-05", Level: "2", CertificateNo: "S000043020000456789"},
	} {
		t, err := tx.AddTeacher(all, t)
		if err != nil {
			return fmt.Errorf("teacher: %w", err)
		}
		c.teachers = append(c.teachers, t.ID)
	}
	// Tracks: a teacher in the morning or the afternoon; the first 电工 teacher's mornings are
	// taken by the training demo's closed class until 33 working days ago.
	type track struct {
		teacher   int
		afternoon bool
		free      int
	}
	tracks := map[string][]*track{
		"6-31-01-03": {{0, true, -38}, {2, false, -38}, {2, true, -38}, {0, false, -32}},
		"4-10-01-05": {{1, false, -38}, {3, false, -38}, {3, true, -38}, {1, true, -38}},
	}
	n := 0
	for _, k := range demoClaimClasses {
		var best *track
		for _, t := range tracks[k.occupation] {
			// 李建国's class runs in the afternoons: his 电工 level-5 class had the mornings
			if (k.key != "open" || t.afternoon) && (best == nil || t.free < best.free) {
				best = t
			}
		}
		offset := best.free
		best.free += k.sessions
		var ids []int64
		switch k.key {
		case "open":
			ids = append(ids, li)
		case "review1":
			ids = append(ids, c.revoked())
		}
		for len(ids) < k.trainees {
			id, err := c.person(n, k.key == "submitted" && len(ids) == 1)
			if err != nil {
				return err
			}
			ids = append(ids, id)
			n++
		}
		c.people[k.key] = ids
		spec := demoClassSpec{name: k.name, occupation: k.occupation, level: k.level, action: k.action, sector: k.sector,
			offset: offset, sessions: k.sessions, teacher: best.teacher, afternoon: best.afternoon, capacity: 30}
		cl, err := c.create(spec, c.w(offset-14, 10))
		if err != nil {
			return err
		}
		if cl, err = c.fileAndStart(cl, ids); err != nil {
			return err
		}
		far := -1
		if k.key == "submitted" {
			far = 3 // checks in once with the QR code, five kilometres from the venue
		}
		if err := c.attend(cl, ids, cl.LastSession.Add(2*time.Hour), func(i, seq int) bool { return i == far && seq == 2 }); err != nil {
			return err
		}
		if far >= 0 {
			x := cl.Sessions[1]
			in := xiangpei.Event{SessionID: x.ID, PersonID: ids[far], Kind: xiangpei.CheckIn, Source: xiangpei.FromQR, At: x.Starts.Add(-3 * time.Minute),
				Device: "phone-qr-77", Lat: c.venue.Lat + 0.045, Lng: c.venue.Lng, HasPlace: true}
			out := in
			out.Kind, out.At, out.Lat = xiangpei.CheckOut, x.Ends.Add(2*time.Minute), c.venue.Lat
			if err := c.ingest(x.Ends.Add(time.Hour), []xiangpei.Event{in, out}); err != nil {
				return err
			}
		}
		err = c.at(cl.LastSession.Add(26*time.Hour), func() error {
			now, err := tx.Class(xiangpei.Scope{OrgID: c.inst}, cl.ID)
			if err != nil {
				return err
			}
			cl, _, err = tx.CloseClass(xiangpei.Scope{OrgID: c.inst}, now.ID, now.Version)
			return err
		})
		if err != nil {
			return fmt.Errorf("close %s: %w", k.name, err)
		}
		c.classes[k.key] = cl
	}
	// Certificates of the assessment body for everyone, issued after the last class ended —
	// except the holder of the evaluation demo's revoked certificate: the review_1 claim shows
	// what the audit makes of it.
	err := c.at(c.w(-22, 10), func() error {
		for _, k := range demoClaimClasses {
			for _, id := range c.people[k.key] {
				if id == c.revoked() {
					continue
				}
				if _, err := tx.IssueCertificate(xiangpei.Certificate{Level: k.level, PersonID: id, County: "430202", OccupationCode: k.occupation,
					IssuerOrgID: assessor, Source: xiangpei.CertFromAssessment}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	return nil
}

// revoked is the person whose 养老护理员 certificate the evaluation demo revoked (替考): its
// seventh sign-up after 王芳 (demo_evaluation.go).
func (c *claimDemo) revoked() int64 { return c.persons[38] }

// person registers the n-th trainee of the claim demo; shared gives them the phone number of
// the one before (two trainees with one phone number: the audit flags it).
func (c *claimDemo) person(n int, shared bool) (int64, error) {
	county := demoCounties[(n+3)%len(demoCounties)]
	birth := time.Date(1975+(n*5)%27, time.Month(1+(n*7)%12), 1+(n*13)%28, 0, 0, 0, 0, time.UTC)
	id17 := fmt.Sprintf("%s%s%03d", county, birth.Format("20060102"), 600+n*3)
	name := string(demoSurnames[(n*5+7)%len(demoSurnames)]) + demoGiven[(n*7+2)%len(demoGiven)]
	phone := fmt.Sprintf("139074%05d", 100+n)
	if shared {
		phone = fmt.Sprintf("139074%05d", 100+n-1)
	}
	p, err := xiangpei.PersonInput{IDNumber: completeID(id17), Name: name, Phone: phone, Household: []string{"rural", "urban"}[n%3/2],
		County: county}.Validate(c.tx.Now, func(string) bool { return true })
	if err != nil {
		return 0, fmt.Errorf("trainee %d: %w", n, err)
	}
	if p, err = c.tx.CreatePerson(p); err != nil {
		return 0, fmt.Errorf("trainee %d: %w", n, err)
	}
	return p.ID, nil
}

// claim makes and (unless draft) submits the institution's claim for a class.
func (c *claimDemo) claim(key string, at time.Time, submit bool) (xiangpei.Claim, error) {
	var k xiangpei.Claim
	err := c.as("inst_staff", at, func(s xiangpei.Scope) error {
		var err error
		if k, err = c.tx.CreateClassClaim(s, c.classes[key].ID); err != nil || !submit {
			return err
		}
		c.tx.Now = c.tx.Now.Add(time.Hour)
		k, err = c.tx.SubmitClaim(s, k.ID, k.Version)
		return err
	})
	if err != nil {
		return k, fmt.Errorf("claim %s: %w", key, err)
	}
	return k, nil
}

// review takes the claim through a review step as login: every payable line approved except
// those in reduce (a lower amount, with a reason) and reject (with a reason); then passes it
// when pass is true.
func (c *claimDemo) review(k xiangpei.Claim, login string, at time.Time, reduce, reject map[int]string, pass bool) (xiangpei.Claim, error) {
	err := c.as(login, at, func(s xiangpei.Scope) error {
		var err error
		if k, err = c.tx.Claim(s, k.ID); err != nil {
			return err
		}
		if k.Status == xiangpei.ClaimSubmitted {
			if k, err = c.tx.AcceptClaim(s, k.ID, k.Version); err != nil {
				return err
			}
		}
		lines, err := c.tx.LinesOfClaim(k.ID)
		if err != nil {
			return err
		}
		for i, l := range lines {
			if l.Status != k.Status {
				continue
			}
			dec := store.LineDecision{Decision: store.DecisionApprove}
			if why, ok := reject[i]; ok || !l.Payable {
				dec = store.LineDecision{Decision: store.DecisionReject, Reason: why}
			} else if why, ok := reduce[i]; ok {
				dec = store.LineDecision{Decision: store.DecisionReduce, AmountFen: store.EffectiveFen(l) / 2, Reason: why}
			}
			if _, err := c.tx.DecideLine(s, l.ID, l.Version, dec); err != nil {
				return fmt.Errorf("line %d: %w", i, err)
			}
		}
		if !pass {
			return nil
		}
		if k, err = c.tx.Claim(s, k.ID); err != nil {
			return err
		}
		k, err = c.tx.PassClaim(s, k.ID, k.Version)
		return err
	})
	if err != nil {
		return k, fmt.Errorf("review of %s by %s: %w", k.ClassName, login, err)
	}
	return k, nil
}

// toNotice takes a submitted claim through both reviews to its public notice.
func (c *claimDemo) toNotice(key string, day int) (xiangpei.Claim, error) {
	k, err := c.claim(key, c.w(day, 9), true)
	if err != nil {
		return k, err
	}
	if k, err = c.review(k, "ty_officer", c.w(day+1, 10), nil, nil, true); err != nil {
		return k, err
	}
	return c.review(k, "zz_officer", c.w(day+2, 10), nil, nil, true)
}

// object files an objection against the claim's line i during its notice.
func (c *claimDemo) object(k xiangpei.Claim, i int, at time.Time, text, contact string) (xiangpei.ClaimLine, error) {
	var l xiangpei.ClaimLine
	err := c.at(at, func() error {
		n, err := c.tx.NoticeOfClaim(k.ID)
		if err != nil {
			return err
		}
		lines, err := c.tx.LinesOfClaim(k.ID)
		if err != nil {
			return err
		}
		l = lines[i]
		_, err = c.tx.Object(n.ID, store.ObjectionInput{LineID: l.ID, Text: text, Contact: contact, IP: "192.0.2.10"})
		return err
	})
	if err != nil {
		return l, fmt.Errorf("objection: %w", err)
	}
	return l, nil
}

// lineIDs lists the claims' lines in the given state.
func (c *claimDemo) lineIDs(st xiangpei.ClaimStatus, ks ...xiangpei.Claim) ([]xiangpei.ClaimLine, error) {
	var out []xiangpei.ClaimLine
	for _, k := range ks {
		lines, err := c.tx.LinesOfClaim(k.ID)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			if l.Status == st {
				out = append(out, l)
			}
		}
	}
	return out, nil
}

// bankReturn writes the bank's return file for lines: 成功 for each, 失败 for the one at fail
// (-1: none).
func bankReturn(lines []xiangpei.ClaimLine, fail int) []byte {
	var b bytes.Buffer
	b.WriteString("付款参考号,状态,金额,说明\r\n")
	var sum int64
	for i, l := range lines {
		status, why := "成功", ""
		if i == fail {
			status, why = "失败", "账户已销户"
		}
		fen := store.EffectiveFen(l)
		sum += fen
		fmt.Fprintf(&b, "%d,%s,%s,%s\r\n", l.ID, status, xiangpei.FormatFen(fen), why)
	}
	fmt.Fprintf(&b, "合计,%d,%s\r\n", len(lines), xiangpei.FormatFen(sum))
	return b.Bytes()
}

func (c *claimDemo) claims() error {
	tx := c.tx
	// The city's budget of the year.
	var budget xiangpei.Budget
	err := c.as("zz_finance", c.w(-21, 9), func(xiangpei.Scope) error {
		var err error
		budget, err = tx.SetBudget(xiangpei.Budget{Region: "430200", Year: c.now.In(xiangpei.ChinaTime).Year(), AmountFen: DemoBudgetFen,
			Note: "株洲市职业技能培训补贴资金（市级统筹）"})
		return err
	})
	if err != nil {
		return fmt.Errorf("budget: %w", err)
	}

	// The institution's staff registers its settlement account (收款账户) before any batch: a
	// batch leaves out the lines whose payee has no account (docs/payments.md).
	err = c.as("inst_staff", c.w(-21, 10), func(s xiangpei.Scope) error {
		o, err := tx.Org(s, s.OrgID)
		if err != nil {
			return err
		}
		_, err = tx.SetOrgBankAccount(s, o.ID, store.BankAccountInput{AccountName: o.Name, BankName: "中国农业银行",
			Branch: "中国农业银行株洲荷塘支行", AccountNo: "6228 4800 8810 2026 017"})
		return err
	})
	if err != nil {
		return fmt.Errorf("settlement account: %w", err)
	}

	// Paid, and in payment with a failed line: both through review and notice together, paid
	// in one batch; the bank refused one line of the second.
	paid, err := c.toNotice("paid", -20)
	if err != nil {
		return err
	}
	failed, err := c.toNotice("failed", -20)
	if err != nil {
		return err
	}
	var batch store.Batch
	var lines []xiangpei.ClaimLine
	err = c.as("zz_finance", c.w(-11, 10), func(s xiangpei.Scope) error {
		ready, err := c.lineIDs(xiangpei.ClaimNotice, paid, failed)
		if err != nil {
			return err
		}
		if _, err := tx.CloseNotices(); err != nil {
			return err
		}
		var ids []int64
		for _, l := range ready {
			ids = append(ids, l.ID)
		}
		if batch, err = tx.BuildBatch(s, store.BatchInput{BudgetID: budget.ID, LineIDs: ids, Note: "第 1 批"}); err != nil {
			return err
		}
		lines, err = c.lineIDs(xiangpei.ClaimInPayment, paid, failed)
		return err
	})
	if err != nil {
		return fmt.Errorf("batch 1: %w", err)
	}
	err = c.as("zz_finance", c.w(-9, 15), func(s xiangpei.Scope) error {
		fail := len(lines) - 1 // the last line of the second claim
		_, err := tx.ImportReturn(s, batch.ID, "回盘-第1批.csv", bankReturn(lines, fail))
		return err
	})
	if err != nil {
		return fmt.Errorf("return 1: %w", err)
	}
	err = c.as("zz_finance", c.w(-2, 11), func(s xiangpei.Scope) error {
		ls, err := c.lineIDs(xiangpei.ClaimPaid, paid)
		if err != nil || len(ls) == 0 {
			return fmt.Errorf("no paid line to claw back (%v)", err)
		}
		_, err = tx.Clawback(s, ls[0].ID, ls[0].Version, "复核发现该学员培训期间在外地企业全职上班，签到系由他人代刷，追回补贴。")
		return err
	})
	if err != nil {
		return fmt.Errorf("clawback: %w", err)
	}

	// In payment, waiting for the bank: batch 2 of yesterday.
	waiting, err := c.claim("waiting", c.w(-16, 9), true)
	if err != nil {
		return err
	}
	if waiting, err = c.review(waiting, "ty_officer", c.w(-15, 10), nil, nil, true); err != nil {
		return err
	}
	if waiting, err = c.review(waiting, "zz_officer", c.w(-14, 10), nil, nil, true); err != nil {
		return err
	}
	err = c.as("zz_finance", c.w(-1, 10), func(s xiangpei.Scope) error {
		if _, err := tx.CloseNotices(); err != nil {
			return err
		}
		ready, err := c.lineIDs(xiangpei.ClaimApproved, waiting)
		if err != nil {
			return err
		}
		var ids []int64
		for _, l := range ready {
			ids = append(ids, l.ID)
		}
		_, err = tx.BuildBatch(s, store.BatchInput{BudgetID: budget.ID, LineIDs: ids, Note: "第 2 批"})
		return err
	})
	if err != nil {
		return fmt.Errorf("batch 2: %w", err)
	}

	// Approved: an objection during the notice, dismissed by the city; the notice has ended.
	approved, err := c.toNotice("approved", -13)
	if err != nil {
		return err
	}
	held, err := c.object(approved, 1, c.w(-10, 20), "该学员是培训机构老板的亲戚，平时没见过他来上课。", "")
	if err != nil {
		return err
	}
	err = c.as("zz_officer", c.w(-9, 10), func(s xiangpei.Scope) error {
		lines, err := tx.LinesOfClaim(approved.ID)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if l.ID == held.ID {
				_, err = tx.ResolveLine(s, l.ID, l.Version, false, "经调取考勤机人脸记录和实训照片，该学员全程参训，与机构无亲属关系，异议不成立。")
				return err
			}
		}
		return fmt.Errorf("the held line is gone")
	})
	if err != nil {
		return fmt.Errorf("resolve: %w", err)
	}
	if err := c.at(c.w(-3, 10), func() error { _, err := tx.CloseNotices(); return err }); err != nil {
		return fmt.Errorf("close notices: %w", err)
	}

	// In notice now, with an objection waiting for the city.
	notice, err := c.toNotice("notice", -4)
	if err != nil {
		return err
	}
	if _, err := c.object(notice, 0, c.w(-1, 21), "此人去年已经领过养老护理员的培训补贴，请核实是否重复申领。", "13800000000"); err != nil {
		return err
	}

	// In city review: the county reduced one line (a session missed without make-up).
	review2, err := c.claim("review2", c.w(-5, 9), true)
	if err != nil {
		return err
	}
	if _, err := c.review(review2, "ty_officer", c.w(-3, 10), map[int]string{0: "第 3 次实操课缺勤且未补课，按实际参训课时核减一半。"}, nil, true); err != nil {
		return err
	}

	// In county review: the line with the revoked certificate is rejected; the rest still wait.
	review1, err := c.claim("review1", c.w(-2, 9), true)
	if err != nil {
		return err
	}
	err = c.as("ty_officer", c.w(-1, 10), func(s xiangpei.Scope) error {
		k, err := tx.Claim(s, review1.ID)
		if err != nil {
			return err
		}
		if k, err = tx.AcceptClaim(s, k.ID, k.Version); err != nil {
			return err
		}
		lines, err := tx.LinesOfClaim(k.ID)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if !l.Payable {
				_, err = tx.DecideLine(s, l.ID, l.Version, store.LineDecision{Decision: store.DecisionReject,
					Reason: "自动审核：该学员的职业技能等级证书已被撤销，不予补贴。"})
				return err
			}
		}
		return fmt.Errorf("no line with the revoked certificate")
	})
	if err != nil {
		return fmt.Errorf("review_1: %w", err)
	}

	// Rejected whole by the county.
	rejected, err := c.claim("rejected", c.w(-8, 9), true)
	if err != nil {
		return err
	}
	err = c.as("ty_officer", c.w(-7, 10), func(s xiangpei.Scope) error {
		k, err := tx.Claim(s, rejected.ID)
		if err != nil {
			return err
		}
		_, err = tx.RejectClaim(s, k.ID, k.Version, "实地核查：夜间专班培训期间场地未开放，考勤记录不实，整单不予补贴。")
		return err
	})
	if err != nil {
		return fmt.Errorf("reject: %w", err)
	}

	// Submitted, after a first claim returned; its lines are flagged (a shared phone number, a
	// check-in far from the venue).
	first, err := c.claim("submitted", c.w(-7, 9), true)
	if err != nil {
		return err
	}
	err = c.as("ty_officer", c.w(-6, 10), func(s xiangpei.Scope) error {
		k, err := tx.Claim(s, first.ID)
		if err != nil {
			return err
		}
		_, err = tx.ReturnClaim(s, k.ID, k.Version, "两名学员登记的手机号相同，另有一次签到距培训场地约 5 公里，请核实并附说明后重新申领。")
		return err
	})
	if err != nil {
		return fmt.Errorf("return: %w", err)
	}
	if _, err := c.claim("submitted", c.w(-1, 16), true); err != nil {
		return err
	}

	// A draft, after a first one withdrawn.
	err = c.as("inst_staff", c.w(-4, 9), func(s xiangpei.Scope) error {
		k, err := tx.CreateClassClaim(s, c.classes["draft"].ID)
		if err != nil {
			return err
		}
		_, err = tx.WithdrawClaim(s, k.ID, k.Version)
		return err
	})
	if err != nil {
		return fmt.Errorf("withdraw: %w", err)
	}
	if _, err := c.claim("draft", c.now.Add(-2*time.Hour), false); err != nil {
		return err
	}
	return nil
}
