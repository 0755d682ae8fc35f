package xiangpei

// Rules are the configurable values of SPEC §8 that training, attendance and claims apply.
// Each is a value per province or city with the date it took effect; until a region sets its
// own, DefaultRules apply.
type Rules struct {
	LabourAgeMin        int // youngest age at class start (16)
	LabourAgeMax        int // oldest age at class start (60)
	YearlySubsidies     int // subsidised trainings per person per calendar year (3)
	AttendancePct       int // attendance rate needed for completion and subsidy, in percent (80)
	FilingLeadWorkdays  int // a class is filed at least this many working days before its first session (3)
	ClassCapacity       int // most trainees in one class (60)
	MakeUpDays          int // make-up sessions within this many days of the class's end (60)
	AttendanceDays      int // attendance complete within this many days of the class's end (14)
	CertificateDays     int // a certificate is issued within this many days of the class's end (90)
	ClaimMonths         int // a claim within this many months of the certificate (12)
	NoticeWorkdays      int // public notice lasts at least this many working days (5)
	ComplaintWorkdays   int // first response to a complaint within this many working days (3)
	GeofenceMetres      int // a check-in farther than this from the venue is an anomaly (500)
	TravelKmPerHour     int // faster than this between two venues is impossible travel (60)
	DeviceShareLimit    int // more people than this checked in from one personal device is an anomaly (1)
	CopiedTimeMinPeople int // this many trainees with the very same check-in second is an anomaly (3)
	QRSeconds           int // a dynamic QR code changes this often (30)
	TerminalSkewSeconds int // a terminal's timestamp may differ this much from the server's (300)
}

// DefaultRules are the defaults of SPEC §8.
func DefaultRules() Rules {
	return Rules{
		LabourAgeMin: 16, LabourAgeMax: 60, YearlySubsidies: 3, AttendancePct: 80, FilingLeadWorkdays: 3,
		ClassCapacity: 60, MakeUpDays: 60, AttendanceDays: 14, CertificateDays: 90, ClaimMonths: 12,
		NoticeWorkdays: 5, ComplaintWorkdays: 3, GeofenceMetres: 500, TravelKmPerHour: 60,
		DeviceShareLimit: 1, CopiedTimeMinPeople: 3, QRSeconds: 30, TerminalSkewSeconds: 300,
	}
}
