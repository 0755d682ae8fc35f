package seed

import (
	"fmt"

	"xiangpei"
	"xiangpei/internal/store"
)

// 政策咨询 in the demo (docs/policies.md): a handful of Hunan-style policies and FAQ entries,
// written for the demo in our own words — DEMO CONTENT, not the text of any real document (the
// document numbers are made up and marked 示例). The province's officer (hn_officer) publishes
// them; one is revised (version 2 supersedes version 1) and one FAQ is left as a draft for
// zz_officer's city.

// demoPolicyMark opens every demo policy's text.
const demoPolicyMark = "【演示内容，非正式文件】"

// DemoPolicyTitles are the titles of the demo's published policies.
var DemoPolicyTitles = []string{
	"湖南省职业技能培训补贴实施办法（示例）",
	"湖南省以工代训补贴操作指引（示例）",
	"湖南省技能提升补贴申领指南（示例）",
	"湖南省重点群体培训期间生活费补贴办法（示例）",
}

func demoPolicies(tx *store.Tx, actors map[string]xiangpei.Actor) error {
	actor := tx.Actor
	defer func() { tx.Actor = actor }()
	tx.Actor = actors["hn_officer"]
	bodies := []struct{ category, doc, body string }{
		{"training_subsidy", "湘人社示〔2026〕1号", "一、补贴对象：在本省登记的城乡劳动者，参加经备案的职业技能培训并取得职业资格证书、职业技能等级证书或专项职业能力证书的，可申领职业技能培训补贴。\n二、补贴标准：五级（初级工）1000元，四级（中级工）1500元，三级（高级工）2000元，二级（技师）2500元，一级（高级技师）3000元；专项职业能力600元，培训合格400元。\n三、紧缺工种：列入市州紧缺工种目录的，补贴标准最高上浮30%。\n四、限制：每人每年享受培训补贴不超过3次，同一职业同一等级不重复享受。"},
		{"work_for_training", "湘人社示〔2026〕2号", "企业吸纳就业困难人员、离校2年内未就业高校毕业生就业，并以工代训开展岗位技能培训的，按每人每月500元给予以工代训补贴，最长6个月。电工、焊工等紧缺工种岗位可适当提高标准。"},
		{"skill_upgrade", "湘人社示〔2026〕3号", "参加失业保险累计缴费满1年的企业职工，取得职业资格证书或职业技能等级证书的，可在证书核发之日起12个月内申领技能提升补贴。初级1000元、中级1500元、高级2000元。"},
		{"living_allowance", "湘人社示〔2026〕4号", "农村转移劳动者、离校未就业高校毕业生、退役军人、残疾人等重点群体参加职业技能培训的，在享受培训补贴的同时，可按每人300元给予培训期间生活费补贴；同时属于多个重点群体的，只按一项享受，不叠加。"},
	}
	var published []xiangpei.Policy
	for i, b := range bodies {
		p, err := tx.CreatePolicy(xiangpei.PolicyInput{Region: "430000", Title: DemoPolicyTitles[i], Issuer: "湖南省人力资源和社会保障厅（示例）",
			DocNumber: b.doc, Category: b.category, Body: demoPolicyMark + b.body, EffectiveFrom: "2026-01-01"})
		if err == nil {
			p, err = tx.MovePolicy(p.ID, p.Version, xiangpei.PolicyPublish, "")
		}
		if err != nil {
			return fmt.Errorf("demo policy %d: %w", i, err)
		}
		published = append(published, p)
	}
	// the first one revised: version 2 adds the place of application
	first := published[0]
	r, err := tx.RevisePolicy(first.ID, first.Version)
	if err == nil {
		in := r.Input()
		in.Body += "\n五、申领地点：培训机构所在地县（市、区）人社部门，也可在本平台网上申领。"
		if r, err = tx.UpdatePolicy(r.ID, r.Version, in); err == nil {
			r, err = tx.MovePolicy(r.ID, r.Version, xiangpei.PolicyPublish, "")
		}
	}
	if err != nil {
		return fmt.Errorf("demo policy revision: %w", err)
	}
	faqs := []xiangpei.FAQInput{
		{Question: "电工培训有补贴吗？", Answer: "有。取得电工职业技能等级证书后可申领培训补贴；电工列入本市紧缺工种目录的，补贴标准上浮。", Category: "training_subsidy", PolicyID: r.ID},
		{Question: "一年最多能享受几次培训补贴？", Answer: "每人每年不超过3次，同一职业同一等级只能享受一次。", Category: "training_subsidy", PolicyID: r.ID},
		{Question: "农民工参加培训还有生活费补贴吗？", Answer: "农村转移劳动者属于重点群体，培训期间可享受生活费补贴，多个身份不叠加。", Category: "living_allowance", PolicyID: published[3].ID},
		{Question: "以工代训补贴由谁申领？", Answer: "由吸纳就业并开展以工代训的企业申领，按月计算，最长6个月。", Category: "work_for_training", PolicyID: published[1].ID},
	}
	for i, in := range faqs {
		in.Region = "430000"
		in.Answer = demoPolicyMark + in.Answer
		f, err := tx.CreateFAQ(in)
		if err == nil {
			f, err = tx.MoveFAQ(f.ID, f.Version, xiangpei.PolicyPublish, "")
		}
		if err != nil {
			return fmt.Errorf("demo faq %d: %w", i, err)
		}
	}
	tx.Actor = actors["zz_officer"]
	if _, err := tx.CreateFAQ(xiangpei.FAQInput{Region: "430200", Question: "株洲市紧缺工种目录在哪里查？",
		Answer: demoPolicyMark + "在本平台“紧缺工种目录”页面查看当前有效的目录。", Category: "other"}); err != nil {
		return fmt.Errorf("demo draft faq: %w", err)
	}
	return nil
}
