package web

import (
	"net/http"

	"xiangpei"
	"xiangpei/internal/store"
)

// The lifelong record's 评 and 赛 sections: certificates (with their status), assessments the
// person signed up for or sat, and competition entries with their awards and honours.

type recordEvaluation struct {
	Certificates []xiangpei.Certificate
	Candidacies  []store.Candidacy
	Entries      []store.PersonEntry
	LevelName    map[string]string
}

func (s *Server) recordEvaluation(r *http.Request, personID int64) (recordEvaluation, error) {
	ctx, sc := r.Context(), actorOf(r).Scope()
	d := recordEvaluation{LevelName: s.levelNames(r)}
	var err error
	if d.Certificates, err = s.db.CertificatesOf(ctx, sc, personID); err != nil {
		return d, err
	}
	if d.Candidacies, err = s.db.CandidaciesOf(ctx, sc, personID); err != nil {
		return d, err
	}
	d.Entries, err = s.db.EntriesOf(ctx, sc, personID)
	return d, err
}
