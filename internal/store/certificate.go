package store

import (
	"context"
	"database/sql"
	"time"

	"xiangpei"
)

// 评 — certificates (SPEC §5): issuing with a number drawn from the issuer's series, reading
// them within scope, and the public lookup by number. Assessment plans (assessment.go) and
// competition awards (competition.go) issue them through IssueCertificate.

const certCols = `c.id, c.number, c.kind, c.person_id, p.name, p.id_number, c.county, c.occupation_code,
	COALESCE(o.name, ''), c.level, COALESCE(c.issuer_org_id, 0), c.issuer_name, c.issued_on, c.source, c.source_id, c.basis,
	c.status, c.revoked_at, c.revoked_reason, c.created_at, c.updated_at, c.version`

const certFrom = ` FROM certificates c JOIN persons p ON p.id = c.person_id LEFT JOIN occupations o ON o.code = c.occupation_code`

// certScope restricts certificates to a scope: officers by the issuer's region, staff of the
// issuing body by issuer, a person to their own. Parameters $1–$4 are scopeArgs.
const certScope = ` ($1 OR c.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR c.issuer_org_id = $3) AND (CAST($4 AS BIGINT) = 0 OR c.person_id = $4)`

func scanCertificate(r scanner) (xiangpei.Certificate, error) {
	var c xiangpei.Certificate
	var kind, id, source, status string
	var revoked sql.NullTime
	err := r.Scan(&c.ID, &c.Number, &kind, &c.PersonID, &c.HolderName, &id, &c.County, &c.OccupationCode,
		&c.OccupationName, &c.Level, &c.IssuerOrgID, &c.IssuerName, &c.IssuedOn, &source, &c.SourceID, &c.Basis,
		&status, &revoked, &c.RevokedReason, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	c.Kind, c.HolderID, c.Source, c.Status = xiangpei.CertKind(kind), xiangpei.IDNumber(id), xiangpei.CertSource(source), xiangpei.CertStatus(status)
	if revoked.Valid {
		c.RevokedAt = revoked.Time.UTC()
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// IssueCertificate issues c: it takes the next serial of the series of c's kind, issuer region,
// year of issue and level, writes the certificate valid, and audits it. The caller fills
// Kind (or Level, from which the kind follows), PersonID, County (the issuer's six-digit region
// code), OccupationCode, IssuerOrgID or IssuerName, Source and SourceID, and Basis when there is
// one; IssuedOn defaults to today in China. Two issues at the same moment never share a number:
// the serial row is locked by the UPDATE until the transaction ends, and the number is UNIQUE.
func (tx *Tx) IssueCertificate(c xiangpei.Certificate) (xiangpei.Certificate, error) {
	if c.Kind == "" {
		c.Kind = xiangpei.CertKindOf(c.Level)
	}
	now := tx.Now.Truncate(time.Microsecond)
	if c.IssuedOn == "" {
		c.IssuedOn = xiangpei.ChinaDate(now)
	}
	day, err := time.ParseInLocation("2006-01-02", c.IssuedOn, xiangpei.ChinaTime)
	if err != nil {
		return c, xiangpei.Errorf(xiangpei.Invalid, "cert.issued_on", "The date of issue must be YYYY-MM-DD.")
	}
	if c.IssuerName == "" && c.IssuerOrgID != 0 {
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT name FROM organisations WHERE id = $1`, c.IssuerOrgID).Scan(&c.IssuerName); err != nil {
			return c, mapError(err, "Issuer")
		}
	}
	series := xiangpei.CertSeries{Kind: c.Kind, Region: c.County, Year: day.Year(), Level: c.Level}
	if _, err := series.Number(1); err != nil {
		return c, err
	}
	prefix := series.Prefix()
	serial, err := tx.nextSerial(prefix)
	if err != nil {
		return c, err
	}
	if c.Number, err = series.Number(serial); err != nil {
		return c, err
	}
	c.ID, c.Status, c.CreatedAt, c.UpdatedAt, c.Version = xiangpei.NewID(), xiangpei.CertValid, now, now, 1
	var issuer any
	if c.IssuerOrgID != 0 {
		issuer = c.IssuerOrgID
	}
	if _, err := tx.exec(`INSERT INTO certificates (id, number, kind, person_id, county, occupation_code, level, issuer_org_id,
		issuer_name, issued_on, source, source_id, basis, status, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)`,
		c.ID, c.Number, string(c.Kind), c.PersonID, c.County, c.OccupationCode, c.Level, issuer, c.IssuerName, c.IssuedOn,
		string(c.Source), c.SourceID, c.Basis, string(c.Status), now); err != nil {
		return c, mapError(err, "Certificate")
	}
	if err := tx.Audit("certificate.issue", "certificate", c.ID, c.County, map[string]any{"number": c.Number, "person": c.PersonID,
		"occupation": c.OccupationCode, "level": c.Level, "source": c.Source, "source_id": c.SourceID}); err != nil {
		return c, err
	}
	return tx.Certificate(xiangpei.Scope{All: true}, c.ID)
}

// Certificate reads a certificate within scope inside the transaction.
func (tx *Tx) Certificate(s xiangpei.Scope, id int64) (xiangpei.Certificate, error) {
	return certByID(tx.ctx, tx.tx, s, id)
}

// Certificate reads a certificate within scope.
func (db *DB) Certificate(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.Certificate, error) {
	return certByID(ctx, db.read, s, id)
}

func certByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.Certificate, error) {
	a := scopeOf(s)
	c, err := scanCertificate(q.QueryRowContext(ctx, `SELECT `+certCols+certFrom+` WHERE c.id = $5 AND`+certScope,
		a.all, a.region, a.org, a.person, id))
	return c, mapError(err, "Certificate")
}

// CertificateByNumber finds a certificate by its number, for the public verification page and
// the QR code: the caller decides what of it to show (xiangpei.Certificate.Verdict).
func (db *DB) CertificateByNumber(ctx context.Context, number string) (xiangpei.Certificate, error) {
	c, err := scanCertificate(db.read.QueryRowContext(ctx, `SELECT `+certCols+certFrom+` WHERE c.number = $1`,
		xiangpei.NormaliseCertNumber(number)))
	return c, mapError(err, "Certificate")
}

// CertificatesOf lists a person's certificates within scope, newest first, for the lifelong
// record and the qualification checks of competitions.
func (db *DB) CertificatesOf(ctx context.Context, s xiangpei.Scope, personID int64) ([]xiangpei.Certificate, error) {
	a := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT `+certCols+certFrom+` WHERE c.person_id = $5 AND`+certScope+`
		ORDER BY c.issued_on DESC, c.id DESC`, a.all, a.region, a.org, a.person, personID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCertificate)
}

// heldLevels returns, per occupation, the highest skill level a person holds in valid
// certificates.
func (tx *Tx) heldLevels(personID int64) (map[string]string, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT occupation_code, level FROM certificates
		WHERE person_id = $1 AND status = 'valid' AND kind = 'skill'`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, level string
		if err := rows.Scan(&code, &level); err != nil {
			return nil, err
		}
		out[code] = xiangpei.HighestLevel([]string{out[code], level})
	}
	return out, rows.Err()
}
