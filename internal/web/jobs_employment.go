package web

import (
	"net/http"

	"xiangpei"
)

// The employment section of a person's lifelong record: their employment records (就业登记).

type employmentView struct {
	xiangpei.EmploymentRecord
	Starts, Ends string
}

func (s *Server) employmentViews(r *http.Request, personID int64) ([]employmentView, error) {
	recs, err := s.db.EmploymentRecordsOf(r.Context(), actorOf(r).Scope(), personID)
	if err != nil {
		return nil, err
	}
	out := make([]employmentView, 0, len(recs))
	for _, e := range recs {
		v := employmentView{EmploymentRecord: e, Starts: xiangpei.ChinaDate(e.StartsOn)}
		if !e.EndsOn.IsZero() {
			v.Ends = xiangpei.ChinaDate(e.EndsOn)
		}
		out = append(out, v)
	}
	return out, nil
}

func employmentJSON(v employmentView) map[string]any {
	return map[string]any{"id": v.ID, "employer_id": v.EmployerID, "employer_name": v.EmployerName, "credit_code": v.CreditCode,
		"occupation": v.Occupation, "county": v.County, "source": v.Source, "application_id": v.ApplicationID, "starts_on": v.Starts,
		"ends_on": v.Ends, "full_time": v.FullTime, "verified": v.Verified, "rejected_reason": v.RejectedReason}
}
