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

func recordCertJSON(c recordCert) map[string]any {
	m := map[string]any{"id": c.ID, "number": c.Number, "kind": c.Kind, "occupation_code": c.OccupationCode,
		"occupation": c.OccupationName, "level": c.Level, "level_name": c.LevelName, "issuer": c.IssuerName,
		"issued_on": c.IssuedOn, "source": c.Source, "basis": c.Basis, "status": c.Status,
		"print": "/certificates/" + itoa(c.ID) + "/print", "verify": "/verify/" + c.Number}
	if c.Status == xiangpei.CertRevoked {
		m["revoked_at"], m["revoked_reason"] = c.RevokedAt, c.RevokedReason
	}
	return m
}

func recordEntryJSON(e store.PersonEntry) map[string]any {
	hs := make([]map[string]any, 0, len(e.Honours))
	for _, h := range e.Honours {
		hs = append(hs, map[string]any{"kind": h.Kind, "level": h.Level, "title": h.Title, "basis": h.Basis,
			"certificate": h.CertificateNumber, "granted_at": h.GrantedAt})
	}
	m := map[string]any{"entry": e.EntryID, "competition": e.CompetitionID, "name": e.Competition, "level": e.CompetitionLevel,
		"year": e.Year, "event": e.Event, "occupation_code": e.OccupationCode, "team": e.TeamName, "status": e.Status,
		"competition_status": e.CompetitionStatus, "award": e.Award, "honours": hs}
	if e.CompetitionStatus == xiangpei.CompetitionPublished && e.Scored {
		m["score"], m["rank"] = xiangpei.FormatScore(e.Score), e.Rank
	}
	return m
}
