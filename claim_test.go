package xiangpei

import "testing"

func TestClaimStateMachine(t *testing.T) {
	cases := []struct {
		from ClaimStatus
		a    ClaimAction
		to   ClaimStatus
	}{
		{ClaimDraft, ClaimSubmit, ClaimSubmitted},
		{ClaimDraft, ClaimWithdraw, ClaimWithdrawn},
		{ClaimSubmitted, ClaimAccept, ClaimReview1},
		{ClaimReview1, ClaimPass1, ClaimReview2},
		{ClaimReview2, ClaimPass2, ClaimNotice},
		{ClaimSubmitted, ClaimReturn, ClaimReturned},
		{ClaimReview1, ClaimReturn, ClaimReturned},
		{ClaimReview2, ClaimReject, ClaimRejected},
		{ClaimNotice, ClaimObject, LineObjection},
		{LineObjection, ClaimResolve, ClaimNotice},
		{LineObjection, ClaimReject, ClaimRejected},
		{ClaimNotice, ClaimApprove, ClaimApproved},
		{ClaimApproved, ClaimBatch, ClaimInPayment},
		{LinePaymentFailed, ClaimBatch, ClaimInPayment},
		{ClaimInPayment, ClaimPay, ClaimPaid},
		{ClaimInPayment, ClaimFail, LinePaymentFailed},
		{ClaimPaid, ClaimClawback, LineClawback},
	}
	for _, c := range cases {
		got, err := c.from.Next(c.a)
		if err != nil || got != c.to || !c.from.Can(c.a) {
			t.Errorf("%s --%s--> %s, %v; want %s", c.from, c.a, got, err, c.to)
		}
	}
	refused := []struct {
		from ClaimStatus
		a    ClaimAction
	}{
		{ClaimSubmitted, ClaimSubmit}, {ClaimSubmitted, ClaimWithdraw}, {ClaimWithdrawn, ClaimSubmit},
		{ClaimDraft, ClaimApprove}, {ClaimPaid, ClaimPay}, {ClaimReturned, ClaimSubmit}, {ClaimNotice, ClaimBatch},
		{ClaimRejected, ClaimResolve}, {ClaimApproved, ClaimClawback},
	}
	for _, c := range refused {
		if _, err := c.from.Next(c.a); !IsKind(err, Conflict) || c.from.Can(c.a) {
			t.Errorf("%s --%s--> allowed (%v)", c.from, c.a, err)
		}
	}
	if _, err := ClaimDraft.Next("fly"); !IsKind(err, Invalid) {
		t.Errorf("unknown action: %v", err)
	}
	for _, st := range ClaimStatuses {
		if !st.Valid() {
			t.Errorf("%s not valid", st)
		}
	}
	if ClaimStatus("nope").Valid() {
		t.Error("unknown state valid")
	}
	for st, live := range map[ClaimStatus]bool{ClaimDraft: true, ClaimSubmitted: true, ClaimPaid: true, ClaimWithdrawn: false, ClaimRejected: false, ClaimReturned: false} {
		if st.Live() != live {
			t.Errorf("%s live %v", st, !live)
		}
	}
}

func TestLineDigest(t *testing.T) {
	trace := []TraceStep{{Key: "trace.attendance", Pass: true, Args: []any{92.0, 80.0}, Text: "attendance 92% ≥ 80%: pass"}}
	l := ClaimLine{ClaimID: 1, PersonID: 2, AmountFen: 100000, RuleID: 3, Trace: trace}
	l.Digest = LineDigest(l.ClaimID, l.PersonID, l.AmountFen, l.RuleID, l.Trace)
	if !l.Intact() || len(l.Digest) != 64 {
		t.Fatalf("digest %q", l.Digest)
	}
	for _, edit := range []func(*ClaimLine){
		func(l *ClaimLine) { l.AmountFen++ },
		func(l *ClaimLine) { l.PersonID = 9 },
		func(l *ClaimLine) { l.RuleID = 0 },
		func(l *ClaimLine) { l.Trace = []TraceStep{{Key: "trace.attendance", Pass: false}} },
	} {
		m := l
		edit(&m)
		if m.Intact() {
			t.Errorf("edited line intact: %+v", m)
		}
	}
}
