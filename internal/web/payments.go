package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 补 — payment batches, the bank file, the bank's return file, clawback and the ledger
// (docs/payments.md). Finance officers (duty payment) of the budget's region.

const paymentsPerPage = 50

func (s *Server) registerPaymentRoutes() {
	pay := Duty(xiangpei.DutyPayment)
	s.handleBoth("GET /payments", "/api/v1/payments", pay, s.paymentList)
	s.handleBoth("POST /payments", "/api/v1/payments", pay, s.paymentBuild)
	s.handleBoth("GET /payments/{batch}", "/api/v1/payments/{batch}", pay, s.paymentShow)
	s.handleBoth("GET /payments/{batch}/bank-file", "/api/v1/payments/{batch}/bank-file", pay, s.paymentBankFile)
	s.handleBoth("POST /payments/{batch}/return", "/api/v1/payments/{batch}/return", pay, s.paymentReturn)
	s.handleBoth("POST /payments/{batch}/clawback", "/api/v1/payments/{batch}/clawback", pay, s.paymentClawback)
	s.handleBoth("GET /ledger", "/api/v1/ledger", pay, s.ledgerShow)
	s.handleBoth("GET /payments/{batch}/no-account", "/api/v1/payments/{batch}/no-account", pay, s.paymentNoAccount)
}

func paymentPath(id int64) string { return "/payments/" + strconv.FormatInt(id, 10) }

func batchJSON(b store.Batch) map[string]any {
	return map[string]any{"id": b.ID, "budget_id": b.BudgetID, "region": b.Region, "year": b.Year, "program": b.Program,
		"reissue": b.Reissue, "status": b.Status, "total_fen": b.TotalFen, "total_yuan": xiangpei.FormatFen(b.TotalFen),
		"items": b.Items, "waiting": b.Waiting, "paid_fen": b.PaidFen, "note": b.Note, "created_by": b.CreatedBy,
		"created_at": b.CreatedAt, "version": b.Version, "left_out": b.LeftOut, "stage2": b.Stage2}
}

func itemJSON(i store.BatchItem) map[string]any {
	return map[string]any{"id": i.ID, "line_id": i.LineID, "claim_id": i.ClaimID, "amount_fen": i.AmountFen,
		"amount_yuan": xiangpei.FormatFen(i.AmountFen), "payee_kind": i.PayeeKind, "payee_name": i.PayeeName,
		"payee_id": i.PayeeID, "status": i.Status, "reason": i.Reason, "account_no": i.AccountNo, "bank_name": i.BankName,
		"branch": i.Branch, "stage": i.Stage}
}

type batchView struct {
	store.Batch
	Total, Paid, Created string
}

func batchViewOf(b store.Batch) batchView {
	return batchView{Batch: b, Total: xiangpei.FormatFen(b.TotalFen), Paid: xiangpei.FormatFen(b.PaidFen),
		Created: b.CreatedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")}
}

type budgetOption struct {
	xiangpei.Budget
	Remaining string
}

type paymentsData struct {
	Status  string
	Batches []batchView
	Budgets []budgetOption
	Pager   *pager
	Export  string
}

func (s *Server) paymentsPage(r *http.Request) *formPage {
	return &formPage{"payments", func() (*Page, error) {
		a := actorOf(r)
		status := r.URL.Query().Get("status")
		if status != "open" && status != "settled" {
			status = ""
		}
		n, pg := listPage(r, paymentsPerPage)
		list, total, err := s.db.Batches(r.Context(), a.Scope(), store.BatchFilter{Status: status}, pg)
		if err != nil {
			return nil, err
		}
		d := paymentsData{Status: status, Pager: pagerOf(r, n, total, paymentsPerPage), Export: exportLink(r)}
		for _, b := range list {
			d.Batches = append(d.Batches, batchViewOf(b))
		}
		if a.Role == xiangpei.RoleOfficer {
			bals, err := s.db.LedgerBalances(r.Context(), a, 0)
			if err != nil {
				return nil, err
			}
			for _, b := range bals {
				d.Budgets = append(d.Budgets, budgetOption{Budget: b.Budget, Remaining: xiangpei.FormatFen(b.Remaining)})
			}
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "payment.list_title"), d), nil
	}}
}

func (s *Server) paymentList(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	if !stateOf(r).api && !wantsXLSX(r) {
		s.show(w, r, s.paymentsPage(r))
		return
	}
	status := r.URL.Query().Get("status")
	if status != "open" && status != "settled" {
		status = ""
	}
	f := store.BatchFilter{Status: status}
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]store.Batch, int, error) { return s.db.Batches(r.Context(), a.Scope(), f, pg) })
		if err != nil {
			s.fail(w, r, err)
			return
		}
		T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
		header := []string{T("payment.col_batch"), T("payment.col_region"), T("payment.col_year"), T("payment.col_program"),
			T("payment.col_items"), T("payment.col_waiting"), T("payment.col_total"), T("payment.col_paid"), T("payment.col_status"), T("payment.col_created")}
		rows := make([][]any, 0, len(all))
		for _, b := range all {
			v := batchViewOf(b)
			rows = append(rows, []any{strconv.FormatInt(b.ID, 10), b.Region, b.Year, b.Program, b.Items, b.Waiting, v.Total, v.Paid,
				T("payment.status." + b.Status), v.Created})
		}
		s.download(w, r, "payments.xlsx", T("payment.export_name")+".xlsx", T("payment.list_title"), header, rows, sheet.Options{})
		return
	}
	n, pg := listPage(r, paymentsPerPage)
	list, total, err := s.db.Batches(r.Context(), a.Scope(), f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"batches": jsonList(list, batchJSON), "total": total, "page": n, "per_page": paymentsPerPage})
}

type buildForm struct {
	Budget  int64    `json:"budget"`
	Lines   []string `json:"lines"`
	Reissue bool     `json:"reissue"`
	Note    string   `json:"note"`
	// Stage2 pays the verified second stages of a staged budget
	Stage2 bool `json:"stage2"`
}

func (s *Server) paymentBuild(w http.ResponseWriter, r *http.Request) {
	var f buildForm
	err := bind(r, &f)
	in := store.BatchInput{BudgetID: f.Budget, Reissue: f.Reissue, Note: f.Note, Stage2: f.Stage2}
	for _, l := range f.Lines {
		for _, part := range strings.FieldsFunc(l, func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '，' }) {
			id, perr := strconv.ParseInt(part, 10, 64)
			if perr != nil && err == nil {
				err = xiangpei.Errorf(xiangpei.Invalid, "payment.line_ids", "Give line numbers separated by commas.")
			}
			in.LineIDs = append(in.LineIDs, id)
		}
	}
	b, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Batch, error) {
		if err != nil {
			return store.Batch{}, err
		}
		return tx.BuildBatch(a.Scope(), in)
	})
	if err != nil {
		s.formError(w, r, err, s.paymentsPage(r))
		return
	}
	answer(w, r, http.StatusCreated, batchJSON(b), paymentPath(b.ID), "batch_built")
}

type itemView struct {
	store.BatchItem
	Amount string
}

type returnRowView struct {
	store.ReturnRow
	Amount string
}

type paymentData struct {
	NoAccount int // items of this page without a bank account
	B         batchView
	Items     []itemView
	Pager     *pager
	Export    string
	Check     *store.ReturnCheck
	Rows      []returnRowView
	Issues    []returnRowView
}

func (s *Server) paymentPage(r *http.Request, check *store.ReturnCheck) *formPage {
	return &formPage{"payment", func() (*Page, error) {
		id, err := pathID(r, "batch")
		if err != nil {
			return nil, err
		}
		sc := actorOf(r).Scope()
		b, err := s.db.Batch(r.Context(), sc, id)
		if err != nil {
			return nil, err
		}
		n, pg := listPage(r, paymentsPerPage)
		items, total, err := s.db.BatchItems(r.Context(), sc, id, pg)
		if err != nil {
			return nil, err
		}
		d := paymentData{B: batchViewOf(b), Pager: pagerOf(r, n, total, paymentsPerPage), Export: "/payments/" + strconv.FormatInt(id, 10) + "?format=xlsx", Check: check}
		for _, i := range items {
			d.Items = append(d.Items, itemView{BatchItem: i, Amount: xiangpei.FormatFen(i.AmountFen)})
			if i.AccountNo == "" {
				d.NoAccount++
			}
		}
		if check != nil {
			for _, row := range check.Rows {
				d.Rows = append(d.Rows, returnRowView{ReturnRow: row, Amount: xiangpei.FormatFen(row.AmountFen)})
			}
			for _, row := range check.Problems {
				d.Issues = append(d.Issues, returnRowView{ReturnRow: row, Amount: xiangpei.FormatFen(row.AmountFen)})
			}
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "payment.show_title", b.ID), d), nil
	}}
}

func (s *Server) paymentShow(w http.ResponseWriter, r *http.Request) {
	if !stateOf(r).api && !wantsXLSX(r) {
		s.show(w, r, s.paymentPage(r, nil))
		return
	}
	sc := actorOf(r).Scope()
	b, id, err := pathObject(r, "batch", sc, s.db.Batch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsXLSX(r) {
		items, _, err := s.db.BatchItems(r.Context(), sc, id, store.Page{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
		header := []string{T("payment.col_line"), T("payment.col_claim"), T("payment.col_payee_kind"), T("payment.col_payee"),
			T("payment.col_payee_id"), T("payment.col_amount"), T("payment.col_status"), T("payment.col_reason")}
		rows := make([][]any, 0, len(items))
		for _, i := range items {
			rows = append(rows, []any{strconv.FormatInt(i.LineID, 10), strconv.FormatInt(i.ClaimID, 10), T("payment.payee." + i.PayeeKind),
				i.PayeeName, i.PayeeID, xiangpei.FormatFen(i.AmountFen), T("claim.status." + i.Status), i.Reason})
		}
		s.download(w, r, "payment-batch.xlsx", T("payment.export_batch")+".xlsx", T("payment.export_batch"), header, rows, sheet.Options{})
		return
	}
	n, pg := listPage(r, paymentsPerPage)
	items, total, err := s.db.BatchItems(r.Context(), sc, id, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := batchJSON(b)
	m["payment_items"], m["items_total"], m["page"], m["per_page"] = jsonList(items, itemJSON), total, n, paymentsPerPage
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) paymentBankFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "batch")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := s.db.BankFile(r.Context(), actorOf(r).Scope(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := "bank-" + strconv.FormatInt(id, 10) + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
}

func returnJSON(rc store.ReturnCheck, lang string, s *Server) map[string]any {
	row := func(x store.ReturnRow) map[string]any {
		m := map[string]any{"line": x.Line, "reference": x.Ref, "paid": x.Paid, "amount_fen": x.AmountFen, "reason": x.Reason, "problem": x.Problem}
		if x.Problem != "" {
			m["message"] = s.msg.T(lang, x.Problem)
		}
		return m
	}
	return map[string]any{"batch_id": rc.BatchID, "sha256": rc.SHA256, "rows": jsonList(rc.Rows, row), "problems": jsonList(rc.Problems, row),
		"paid": rc.PaidCount, "failed": rc.FailedCount, "paid_fen": rc.PaidFen, "duplicate": rc.Duplicate}
}

// paymentReturn takes the bank's return file: a dry run unless commit=1; a refused file shows
// every row with its problem and writes nothing.
func (s *Server) paymentReturn(w http.ResponseWriter, r *http.Request) {
	sc := actorOf(r).Scope()
	_, id, err := pathObject(r, "batch", sc, s.db.Batch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, name, err := uploadedFile(r, "file", 10<<20, xiangpei.Errorf(xiangpei.Invalid, "payment.return_missing", "Choose the bank's return file."))
	if err != nil {
		s.formError(w, r, err, s.paymentPage(r, nil))
		return
	}
	lang := stateOf(r).lang
	if r.FormValue("commit") != "1" {
		rc, err := s.db.CheckReturn(r.Context(), sc, id, data)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if stateOf(r).api {
			writeJSON(w, http.StatusOK, returnJSON(rc, lang, s))
			return
		}
		s.show(w, r, s.paymentPage(r, &rc))
		return
	}
	rc, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.ReturnCheck, error) {
		return tx.ImportReturn(a.Scope(), id, name, data)
	})
	if err != nil {
		if stateOf(r).api {
			if xiangpei.IsKind(err, xiangpei.Invalid) && len(rc.Problems) > 0 {
				m := returnJSON(rc, lang, s)
				m["error"] = s.msg.Error(lang, err)
				writeJSON(w, http.StatusUnprocessableEntity, m)
				return
			}
			s.fail(w, r, err)
			return
		}
		if len(rc.Problems) > 0 {
			s.formError(w, r, err, s.paymentPage(r, &rc))
			return
		}
		s.formError(w, r, err, s.paymentPage(r, nil))
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, returnJSON(rc, lang, s))
		return
	}
	done := "return_taken"
	if rc.Duplicate {
		done = "return_duplicate"
	}
	redirect(w, r, paymentPath(id), done)
}

type clawbackForm struct {
	Line    int64  `json:"line"`
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

func (s *Server) paymentClawback(w http.ResponseWriter, r *http.Request) {
	sc := actorOf(r).Scope()
	_, id, err := pathObject(r, "batch", sc, s.db.Batch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f clawbackForm
	berr := bind(r, &f)
	l, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.ClaimLine, error) {
		if berr != nil {
			return xiangpei.ClaimLine{}, berr
		}
		items, _, err := s.db.BatchItems(r.Context(), sc, id, store.Page{})
		if err != nil {
			return xiangpei.ClaimLine{}, err
		}
		found := false
		for _, i := range items {
			found = found || i.LineID == f.Line
		}
		if !found {
			return xiangpei.ClaimLine{}, xiangpei.ErrNotFound("line")
		}
		return tx.Clawback(a.Scope(), f.Line, f.Version, f.Reason)
	})
	if err != nil {
		s.formError(w, r, err, s.paymentPage(r, nil))
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"line_id": l.ID, "status": l.Status, "version": l.Version}, paymentPath(id), "clawed_back")
}

// ---- the ledger ----

type balanceView struct {
	store.BudgetBalance
	Amount, Reserved, Paid, Clawed, Remaining string
}

type entryView struct {
	store.LedgerEntry
	Amount, At string
}

type ledgerData struct {
	Budget   int64
	Balances []balanceView
	Entries  []entryView
	Pager    *pager
	Export   string
}

func (s *Server) ledgerShow(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	budget, _ := strconv.ParseInt(r.URL.Query().Get("budget"), 10, 64)
	f := store.LedgerFilter{BudgetID: budget}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]store.LedgerEntry, int, error) {
			return s.db.LedgerEntries(r.Context(), a, f, pg)
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		header := []string{T("ledger.col_at"), T("ledger.col_budget"), T("payment.col_region"), T("payment.col_year"), T("payment.col_program"),
			T("ledger.col_movement"), T("ledger.col_debit"), T("ledger.col_credit"), T("payment.col_amount"), T("payment.col_batch"),
			T("payment.col_line"), T("ledger.col_memo"), T("ledger.col_actor")}
		rows := make([][]any, 0, len(all))
		for _, e := range all {
			rows = append(rows, []any{e.At.In(xiangpei.ChinaTime).Format("2006-01-02 15:04:05"), strconv.FormatInt(e.BudgetID, 10), e.Region, e.Year,
				e.Program, T("ledger.move." + string(e.Movement)), T("ledger.acct." + string(e.Debit)), T("ledger.acct." + string(e.Credit)),
				xiangpei.FormatFen(e.AmountFen), strconv.FormatInt(e.BatchID, 10), strconv.FormatInt(e.LineID, 10), e.Memo, e.Actor})
		}
		s.download(w, r, "ledger.xlsx", T("ledger.export_name")+".xlsx", T("ledger.title"), header, rows, sheet.Options{})
		return
	}
	bals, err := s.db.LedgerBalances(r.Context(), a, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, pg := listPage(r, paymentsPerPage)
	entries, total, err := s.db.LedgerEntries(r.Context(), a, f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{
			"balances": jsonList(bals, func(b store.BudgetBalance) map[string]any {
				acc := map[string]int64{}
				for _, k := range xiangpei.LedgerAccounts {
					acc[string(k)] = b.Balances[k]
				}
				return map[string]any{"budget_id": b.Budget.ID, "region": b.Budget.Region, "year": b.Budget.Year, "program": b.Budget.Program,
					"amount_fen": b.Budget.AmountFen, "remaining_fen": b.Remaining, "accounts": acc}
			}),
			"entries": jsonList(entries, func(e store.LedgerEntry) map[string]any {
				return map[string]any{"id": e.ID, "budget_id": e.BudgetID, "batch_id": e.BatchID, "line_id": e.LineID, "movement": e.Movement,
					"debit": e.Debit, "credit": e.Credit, "amount_fen": e.AmountFen, "memo": e.Memo, "actor": e.Actor, "at": e.At}
			}),
			"total": total, "page": n, "per_page": paymentsPerPage})
		return
	}
	d := ledgerData{Budget: budget, Pager: pagerOf(r, n, total, paymentsPerPage), Export: exportLink(r)}
	for _, b := range bals {
		d.Balances = append(d.Balances, balanceView{BudgetBalance: b, Amount: xiangpei.FormatFen(b.Budget.AmountFen),
			Reserved: xiangpei.FormatFen(b.Balances[xiangpei.AcctReserved]), Paid: xiangpei.FormatFen(b.Balances[xiangpei.AcctPaid]),
			Clawed: xiangpei.FormatFen(b.Balances[xiangpei.AcctClawedBack]), Remaining: xiangpei.FormatFen(b.Remaining)})
	}
	for _, e := range entries {
		d.Entries = append(d.Entries, entryView{LedgerEntry: e, Amount: xiangpei.FormatFen(e.AmountFen), At: e.At.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")})
	}
	s.render(w, r, http.StatusOK, "ledger", s.page(r, T("ledger.title"), d))
}

func waitingPayeeJSON(p store.WaitingPayee) map[string]any {
	return map[string]any{"kind": p.Kind, "org_id": p.OrgID, "person_id": p.PersonID, "name": p.Name, "payee_id": p.PayID,
		"lines": p.Lines, "amount_fen": p.AmountFen, "amount_yuan": xiangpei.FormatFen(p.AmountFen)}
}

type waitingPayeeView struct {
	store.WaitingPayee
	Amount string
}

type noAccountData struct {
	B      batchView
	Payees []waitingPayeeView
}

// paymentNoAccount lists the payees of the batch's budget region whose lines wait for a bank
// account (the batch page's "N lines wait for a bank account" links here). An institution's
// account is set on /registry/orgs/{org}/bank-account (or by its staff on /org/bank-account),
// a person's by the person on /me/bank-account.
func (s *Server) paymentNoAccount(w http.ResponseWriter, r *http.Request) {
	sc := actorOf(r).Scope()
	b, _, err := pathObject(r, "batch", sc, s.db.Batch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.db.PayeesWithoutAccount(r.Context(), sc, b.BudgetID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"batch": batchJSON(b), "payees": jsonList(list, waitingPayeeJSON)})
		return
	}
	d := noAccountData{B: batchViewOf(b)}
	for _, p := range list {
		d.Payees = append(d.Payees, waitingPayeeView{WaitingPayee: p, Amount: xiangpei.FormatFen(p.AmountFen)})
	}
	s.render(w, r, http.StatusOK, "payment_no_account", s.page(r, s.msg.T(stateOf(r).lang, "payment.no_account_title", b.ID), d))
}
