package web

import (
	"net/http"

	"xiangpei"
	"xiangpei/internal/store"
)

// The lifelong record's 评 and 赛 sections: certificates (with their status), assessments the
// person signed up for or sat, and competition entries with their awards and honours.

type recordCert struct {
	xiangpei.Certificate
	LevelName string
}

type recordEvaluation struct {
	Certificates []recordCert
	Candidacies  []store.Candidacy
	Entries      []store.PersonEntry
	LevelName    map[string]string
}

func (s *Server) recordEvaluation(r *http.Request, personID int64) (recordEvaluation, error) {
	ctx, sc := r.Context(), actorOf(r).Scope()
	levels := s.certLevels(r)
	d := recordEvaluation{LevelName: levels}
	certs, err := s.db.CertificatesOf(ctx, sc, personID)
	if err != nil {
		return d, err
	}
	for _, c := range certs {
		d.Certificates = append(d.Certificates, recordCert{Certificate: c, LevelName: orCode(levels, c.Level, c.Level)})
	}
	if d.Candidacies, err = s.db.CandidaciesOf(ctx, sc, personID); err != nil {
		return d, err
	}
	d.Entries, err = s.db.EntriesOf(ctx, sc, personID)
	return d, err
}
