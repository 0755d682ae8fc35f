package seed

import (
	"fmt"

	"xiangpei"
	"xiangpei/internal/store"
)

// 权益保障 in the demo (docs/complaints.md): one complaint in each state, handled by
// ty_officer (天元区, complaint duty). The open wage-arrears case is against the logistics
// company, which therefore cannot publish gig postings until it is mediated or closed; the
// demo employer's own arrears case is mediated and does not block it.

// DemoComplaintFacts are the statements of the demo's complaints, by the state they are left in.
var DemoComplaintFacts = map[xiangpei.ComplaintStatus]string{
	xiangpei.ComplaintFiled:         "2026 年 9 月、10 月两个月的分拣工资共 7200 元至今未发放。",
	xiangpei.ComplaintAccepted:      "入职三个月未签订书面劳动合同。",
	xiangpei.ComplaintInvestigating: "装配时手部受伤，单位不予申报工伤。",
	xiangpei.ComplaintMediated:      "离职后最后一个月工资 5600 元未结清。",
	xiangpei.ComplaintReferred:      "单位单方解除劳动合同，未支付经济补偿。",
	xiangpei.ComplaintClosed:        "招聘时以年龄为由拒绝录用。",
}

func demoComplaints(tx *store.Tx, orgs map[string]int64, persons map[string]int64, actors map[string]xiangpei.Actor) error {
	saved := tx.Actor
	defer func() { tx.Actor = saved }()
	officer := actors["ty_officer"]
	emp, err := tx.Org(xiangpei.Scope{All: true}, orgs["employer"])
	if err != nil {
		return fmt.Errorf("demo complaints: %w", err)
	}
	empCode, logisticsCode := string(emp.CreditCode), completeCode("91430211MA4T56789", false)
	type step struct {
		act  xiangpei.ComplaintAction
		note string
		fen  int64
	}
	cases := []struct {
		st     xiangpei.ComplaintStatus
		person string
		code   string
		kind   xiangpei.ComplaintKind
		fen    int64
		steps  []step
	}{
		{xiangpei.ComplaintFiled, "zhao", logisticsCode, xiangpei.ComplaintWageArrears, 720000, nil},
		{xiangpei.ComplaintAccepted, "chen", empCode, xiangpei.ComplaintContract, 0, []step{{xiangpei.ComplaintAccept, "", 0}}},
		{xiangpei.ComplaintInvestigating, "liu", empCode, xiangpei.ComplaintInjury, 0,
			[]step{{xiangpei.ComplaintAccept, "", 0}, {xiangpei.ComplaintInvestigate, "", 0}}},
		{xiangpei.ComplaintMediated, "wang", empCode, xiangpei.ComplaintWageArrears, 560000,
			[]step{{xiangpei.ComplaintAccept, "", 0}, {xiangpei.ComplaintInvestigate, "", 0}, {xiangpei.ComplaintMediate, "企业同意于本月 20 日前一次性支付 5600 元。", 560000}}},
		{xiangpei.ComplaintReferred, "li", empCode, xiangpei.ComplaintContract, 0,
			[]step{{xiangpei.ComplaintAccept, "", 0}, {xiangpei.ComplaintInvestigate, "", 0}, {xiangpei.ComplaintRefer, "株洲市劳动人事争议仲裁委员会", 0}}},
		{xiangpei.ComplaintClosed, "zhao", empCode, xiangpei.ComplaintDiscrimination, 0,
			[]step{{xiangpei.ComplaintDismiss, "经核查，该岗位年龄要求系特殊工种安全规定，不构成就业歧视。", 0}}},
	}
	for _, c := range cases {
		tx.Actor = xiangpei.Actor{Name: "demo", Role: xiangpei.RolePerson, PersonID: persons[c.person]}
		k, err := tx.FileComplaint(tx.Actor.Scope(), store.ComplaintInput{Kind: c.kind, CreditCode: c.code, AmountFen: c.fen, Facts: DemoComplaintFacts[c.st]})
		if err != nil {
			return fmt.Errorf("demo complaint %s: %w", c.st, err)
		}
		tx.Actor = officer
		for _, s := range c.steps {
			if k, err = tx.MoveComplaint(officer.Scope(), k.ID, k.Version, store.ComplaintMove{Action: s.act, Note: s.note, AgreedFen: s.fen}); err != nil {
				return fmt.Errorf("demo complaint %s (%s): %w", c.st, s.act, err)
			}
		}
	}
	return nil
}
