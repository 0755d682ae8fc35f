package xiangpei

import "testing"

// Deadlines counted in working days with the 2026 calendar, across the National Day holiday.
func TestComplaintCountdown(t *testing.T) {
	cal := calendar2026()
	cases := []struct {
		st           ComplaintStatus
		entered, now string
		due          string
		left         int
		overdue      bool
	}{
		// Filed Wednesday 30 September: 3 working days → Saturday 10 October (调休 working day).
		{ComplaintFiled, "2026-09-30", "2026-09-30", "2026-10-10", 3, false},
		{ComplaintFiled, "2026-09-30", "2026-10-09", "2026-10-10", 1, false},
		{ComplaintFiled, "2026-09-30", "2026-10-10", "2026-10-10", 0, false},
		{ComplaintFiled, "2026-09-30", "2026-10-12", "2026-10-10", -1, true},
		// Filed on a Friday: due the next Wednesday.
		{ComplaintFiled, "2026-11-27", "2026-11-28", "2026-12-02", 3, false},
		{ComplaintAccepted, "2026-11-27", "2026-11-27", "2026-12-04", 5, false},
		{ComplaintMediated, "2026-11-02", "2026-11-23", "2026-11-23", 0, false},
	}
	for _, c := range cases {
		got := CountdownFor(cal, c.st, day(t, c.entered), day(t, c.now))
		if !got.Deadline || ChinaDate(got.Due) != c.due || got.Left != c.left || got.Overdue != c.overdue {
			t.Errorf("%s entered %s, at %s: %+v (due %s), want due %s, %d left, overdue %v",
				c.st, c.entered, c.now, got, ChinaDate(got.Due), c.due, c.left, c.overdue)
		}
	}
	if got := CountdownFor(cal, ComplaintClosed, day(t, "2026-01-05"), day(t, "2027-01-05")); got.Deadline || got.Overdue {
		t.Errorf("closed: %+v", got)
	}
}

func TestComplaintDraftValidate(t *testing.T) {
	ok := ComplaintDraft{Kind: ComplaintDiscrimination, PersonID: 1, Facts: "招聘广告写明限男性"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]ComplaintDraft{
		"kind":   {Kind: "noise", PersonID: 1, Facts: "x"},
		"person": {Kind: ComplaintContract, Facts: "x"},
		"facts":  {Kind: ComplaintContract, PersonID: 1},
		"amount": {Kind: ComplaintWageArrears, PersonID: 1, Facts: "欠薪"},
	} {
		if err := d.Validate(); !IsKind(err, Invalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, k := range ComplaintKinds {
		if !k.Valid() {
			t.Errorf("%s invalid", k)
		}
	}
}
