package web

import (
	"net/http"
	"strconv"

	"xiangpei"
	"xiangpei/internal/store"
)

// 补 — staged payment (docs/payments.md): the second stages waiting for employment, verified
// (payable), at the bank or paid; an officer with the payment or county review duty verifies
// employment with a note when no social-insurance record shows it. The finance officer then
// builds a stage-2 batch on the payments page.

func (s *Server) registerPaymentStageRoutes() {
	access := Duty(xiangpei.DutyPayment, xiangpei.DutyClaimReview1)
	s.handleBoth("GET /payments/stages", "/api/v1/payments/stages", access, s.stageList)
	s.handleBoth("POST /payments/stages/{line}/verify", "/api/v1/payments/stages/{line}/verify", access, s.stageVerify)
}

func stageJSON(p store.PaymentStage) map[string]any {
	m := map[string]any{"line_id": p.LineID, "claim_id": p.ClaimID, "budget_id": p.BudgetID, "person_id": p.PersonID,
		"person_name": p.PersonName, "county": p.County, "stage2_fen": p.Stage2Fen, "stage2_yuan": xiangpei.FormatFen(p.Stage2Fen),
		"class_end": p.ClassEnd, "employment_until": p.EmploymentDeadline(), "status": p.Status, "source": p.Source, "note": p.Note,
		"verified_by": p.VerifiedBy, "version": p.Version}
	if !p.VerifiedAt.IsZero() {
		m["verified_at"] = p.VerifiedAt
	}
	return m
}

type stageView struct {
	store.PaymentStage
	Amount, Until string
}

type stagesData struct {
	Status string
	Stages []stageView
	Pager  *pager
	Failed int64  // the line whose verification failed, to keep its note
	Note   string // that note
}

func (s *Server) stagesPage(r *http.Request, failed int64, note string) *formPage {
	return &formPage{"payment_stages", func() (*Page, error) {
		status := stageStatus(r)
		n, pg := listPage(r, paymentsPerPage)
		list, total, err := s.db.PaymentStages(r.Context(), actorOf(r).Scope(), status, pg)
		if err != nil {
			return nil, err
		}
		d := stagesData{Status: status, Pager: pagerOf(r, n, total, paymentsPerPage), Failed: failed, Note: note}
		for _, p := range list {
			d.Stages = append(d.Stages, stageView{PaymentStage: p, Amount: xiangpei.FormatFen(p.Stage2Fen), Until: p.EmploymentDeadline()})
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "payment.stages_title"), d), nil
	}}
}

func stageStatus(r *http.Request) string {
	switch st := r.URL.Query().Get("status"); st {
	case "waiting", "payable", "in_payment", "paid", "cancelled":
		return st
	}
	return ""
}

func (s *Server) stageList(w http.ResponseWriter, r *http.Request) {
	if !stateOf(r).api {
		s.show(w, r, s.stagesPage(r, 0, ""))
		return
	}
	n, pg := listPage(r, paymentsPerPage)
	list, total, err := s.db.PaymentStages(r.Context(), actorOf(r).Scope(), stageStatus(r), pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"stages": jsonList(list, stageJSON), "total": total, "page": n, "per_page": paymentsPerPage})
}

type verifyForm struct {
	Note string `json:"note"`
}

func (s *Server) stageVerify(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "line")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f verifyForm
	berr := bind(r, &f)
	st, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.PaymentStage, error) {
		if berr != nil {
			return store.PaymentStage{}, berr
		}
		return tx.VerifyEmployment(a.Scope(), id, f.Note)
	})
	if err != nil {
		var again *formPage
		if k := xiangpei.ErrorKind(err); k != xiangpei.NotFound && k != xiangpei.Forbidden {
			again = s.stagesPage(r, id, f.Note)
		}
		s.formError(w, r, err, again)
		return
	}
	answer(w, r, http.StatusOK, stageJSON(st), "/payments/stages?status=payable#line-"+strconv.FormatInt(id, 10), "employment_verified")
}
